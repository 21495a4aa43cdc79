"""robots.txt rules, interpreted per RFC 9309.

Choices (the fetcher fetches ``/robots.txt`` once per host per run, with the same politeness
and transient-error retries as any page):
- 2xx: parse with protego and obey it for the configured product token (``gongkai``),
  including ``Crawl-delay`` (raises the host's minimum delay, capped at ``MAX_CRAWL_DELAY_S``).
- 4xx other than 429 ("unavailable"), an anti-bot challenge, a body over the size cap, or a
  redirect off the allowed domains: allow everything (RFC 9309 §2.3.1.3); the page's own
  fetch then reports its real outcome.
- 5xx, 429, network failure or truncated body persisting after the retries ("unreachable"): RFC 9309
  §2.3.1.4 says assume complete disallow. We do so *for this run only*: pages on the host
  are not requested and report ``http_error``/``unreachable`` with a message naming
  robots.txt; the next nightly run asks again. (The RFC lets a crawler treat a robots.txt
  unreachable for ~30 days as unavailable; a host down that long is down for pages too.)
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

MAX_ROBOTS_BYTES = 512 * 1024   # RFC 9309 asks crawlers to parse at least 500 KiB
MAX_CRAWL_DELAY_S = 30.0


@dataclass(frozen=True)
class RobotsPolicy:
    """What one host's robots.txt allows; ``refusal_outcome`` set means 'request nothing this run'."""
    parser: Protego | None = None
    refusal_outcome: str | None = None
    detail: str = "no robots.txt rules"

    def allows(self, url: str, product_token: str) -> bool:
        if self.refusal_outcome:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, product_token))

    def crawl_delay(self, product_token: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(product_token)
        return None if delay is None else min(float(delay), MAX_CRAWL_DELAY_S)


def robots_url(url: str) -> str:
    """``scheme://netloc/robots.txt`` for the host serving ``url``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def policy_from_fetch(outcome: str, status: int | None, body: bytes | None) -> RobotsPolicy:
    """The policy implied by the final result of fetching robots.txt (after retries)."""
    if outcome in ("ok", "not_modified") and body is not None:
        text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
        return RobotsPolicy(parser=Protego.parse(text), detail=f"robots.txt rules (HTTP {status})")
    if outcome in ("unreachable", "truncated"):
        return RobotsPolicy(
            refusal_outcome="unreachable",
            detail=f"robots.txt could not be fetched ({outcome} after retries); "
                   "per RFC 9309 the host is treated as disallowed for this run",
        )
    if outcome == "blocked":
        # An anti-bot challenge (e.g. 加速乐's 521) says nothing about the rules; the page fetches
        # meet the same challenge and record the portal as blocked.
        return RobotsPolicy(detail=f"robots.txt answered with an anti-bot challenge (HTTP {status}): everything allowed")
    if status is not None and (status >= 500 or status == 429):
        return RobotsPolicy(
            refusal_outcome="http_error",
            detail=f"robots.txt answered HTTP {status} after retries; "
                   "per RFC 9309 the host is treated as disallowed for this run",
        )
    return RobotsPolicy(detail=f"robots.txt unavailable ({outcome}, HTTP {status}): everything allowed")
