"""Fetch settings. Every default is the polite one; loosen only with a reason (tests, fixtures)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata

DEFAULT_CONTACT_URL = "https://github.com/gongkai-project/gongkai"
CONTACT_URL_ENV = "GONGKAI_CONTACT_URL"
MIB = 1024 * 1024


def _package_version() -> str:
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "dev"


def _contact_url_from_env() -> str:
    return os.environ.get(CONTACT_URL_ENV) or DEFAULT_CONTACT_URL


@dataclass(frozen=True)
class FetchSettings:
    """How the fetcher behaves towards portals. ``user_agent`` defaults to ``gongkai/<version> (+contact_url)``."""
    contact_url: str = field(default_factory=_contact_url_from_env)
    user_agent: str = ""
    per_host_concurrency: int = 1
    min_delay_s: float = 1.0
    jitter_s: float = 0.5
    global_concurrency: int = 16
    connect_timeout_s: float = 10
    read_timeout_s: float = 30
    total_timeout_s: float = 120
    retries: int = 3
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60
    max_retry_after_s: float = 300
    max_bytes: int = 50 * MIB
    max_redirects: int = 5
    allowed_domains: tuple[str, ...] = ("gov.cn",)
    extra_domains: tuple[str, ...] = ()
    allow_loopback: bool = False          # tests and the fixture portal only: lets 127.0.0.0/8 and ::1 through
    obey_robots: bool = True
    resolve: tuple[tuple[str, str], ...] = ()  # (host, ip) pins like curl --resolve, still checked by the URL guard

    def __post_init__(self) -> None:
        if not self.user_agent:
            object.__setattr__(self, "user_agent", f"gongkai/{_package_version()} (+{self.contact_url})")
        if self.per_host_concurrency < 1 or self.global_concurrency < 1:
            raise ValueError("per_host_concurrency and global_concurrency must be at least 1")
        if self.min_delay_s < 0 or self.jitter_s < 0 or self.retries < 0:
            raise ValueError("min_delay_s, jitter_s and retries cannot be negative")
        if self.max_redirects < 0 or self.max_bytes < 1:
            raise ValueError("max_redirects cannot be negative and max_bytes must be positive")

    @property
    def product_token(self) -> str:
        """The name robots.txt groups are matched against (``gongkai``)."""
        return self.user_agent.split("/", 1)[0].strip() or "gongkai"
