"""SSRF guard: the crawler only talks to public government hosts.

Links on a portal page are untrusted input. A link (or a redirect) to ``http://10.0.0.1/``
or to a clone site must never be fetched. A URL passes when its scheme is http(s), its host
is under an allowed domain (``gov.cn`` by default) and every address the host resolves to
is public. Resolutions are cached per run and the HTTP client connects only to the vetted
addresses (``PinnedBackend``), so a DNS answer cannot change between check and connect.
"""
from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore

from pipeline.crawl.settings import FetchSettings

_HOSTNAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]*\.)*[A-Za-z0-9_-]+$")
Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class GuardVerdict:
    """Whether a URL may be fetched; ``outcome`` is ``forbidden_host`` or ``unreachable`` (DNS failed) when not."""
    allowed: bool
    outcome: str | None = None
    error: str | None = None
    addresses: tuple[str, ...] = ()


def host_under(host: str, domains: Iterable[str]) -> bool:
    """True when ``host`` equals one of ``domains`` or is a subdomain of one (``a.gov.cn`` under ``gov.cn``)."""
    host = host.lower().rstrip(".")
    for domain in domains:
        domain = domain.lower().strip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def _parse_ip(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, each with the name of its form.

    A relay or translator delivers traffic for these forms to the IPv4 address inside, so
    ``2002:7f00:1::1`` (6to4) or ``64:ff9b::a9fe:a9fe`` (NAT64) can reach loopback or cloud metadata.
    """
    found = []
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:  # Python undoes the XOR that hides the client address
        server, client = address.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    low_32_bits = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in NAT64_WELL_KNOWN:
        found.append(("NAT64", low_32_bits))
    if address in IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are IPv6's own unspecified and loopback
        found.append(("IPv4-compatible", low_32_bits))
    return found


def address_refusal(address: IPAddress, allow_loopback: bool) -> str | None:
    """Why ``address`` must not be contacted, or None when it is a public unicast address.

    An IPv6 address that embeds an IPv4 address is judged by the IPv4 rules first; the loopback
    switch never opens these forms, which are not loopback on the wire.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64_LOCAL_USE:
            return "a local-use NAT64 address (64:ff9b:1::/48), translated into whatever IPv4 network its operator chose"
        for form, ipv4 in embedded_ipv4(address):
            if reason := address_refusal(ipv4, allow_loopback=False):
                return f"the {form} form of {ipv4}, {reason}"
        if address in NAT64_WELL_KNOWN:
            return None  # DNS64 on an IPv6-only network: the public IPv4 address inside passed above
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    checks = (
        ("is_unspecified", "an unspecified address"), ("is_private", "a private-network address"),
        ("is_link_local", "a link-local address"), ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if not address.is_global:
        return "a non-public address"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Addresses from the system resolver, without blocking the event loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class URLGuard:
    """Checks URLs against the settings' scheme, domain and address rules; caches host resolutions."""

    def __init__(self, settings: FetchSettings, resolver: Resolver | None = None) -> None:
        self.settings = settings
        self._resolver = resolver or system_resolver
        self._pins = {host.lower().rstrip("."): ip for host, ip in settings.resolve}
        self._resolved: dict[str, asyncio.Future[tuple[str, ...]]] = {}
        self._vetted: dict[str, tuple[str, ...]] = {}

    def check_static(self, url: str, extra_domains: tuple[str, ...] = ()) -> GuardVerdict:
        """Scheme, host and domain rules: everything that needs no DNS."""
        try:
            parts = urlsplit(url)
            parts.port  # raises ValueError for a malformed port
        except ValueError as exc:
            return GuardVerdict(False, "forbidden_host", f"malformed URL {url!r}: {exc}")
        if parts.scheme not in ("http", "https"):
            return GuardVerdict(False, "forbidden_host", f"only http and https URLs are fetched, not {url!r}")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return GuardVerdict(False, "forbidden_host", f"URL {url!r} has no host")
        literal = _parse_ip(host)
        if literal is not None:
            if self.settings.allow_loopback and literal.is_loopback:
                return GuardVerdict(True, addresses=(str(literal),))
            return GuardVerdict(
                False, "forbidden_host",
                f"{url!r} names an IP address; only hosts under allowed domains are fetched",
            )
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = ""
        if not _HOSTNAME.match(ascii_host):
            return GuardVerdict(False, "forbidden_host", f"malformed host name {host!r} in {url!r}")
        domains = (*self.settings.allowed_domains, *self.settings.extra_domains, *extra_domains)
        if not host_under(host, domains):
            return GuardVerdict(
                False, "forbidden_host",
                f"host {host!r} is outside the allowed domains {', '.join(domains)}; "
                "add it to the portal's extra_domains if it really belongs to the government",
            )
        return GuardVerdict(True)

    async def check(self, url: str, extra_domains: tuple[str, ...] = ()) -> GuardVerdict:
        """All rules, resolving the host (once per run) and refusing non-public addresses."""
        verdict = self.check_static(url, extra_domains)
        if not verdict.allowed:
            return verdict
        parts = urlsplit(url)
        host = parts.hostname.rstrip(".").lower()
        if verdict.addresses:  # an allowed IP literal
            self._vetted[host] = verdict.addresses
            return verdict
        try:
            addresses = await self._resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except OSError as exc:
            return GuardVerdict(False, "unreachable", f"DNS lookup of {host!r} failed: {exc}")
        if not addresses:
            return GuardVerdict(False, "unreachable", f"DNS lookup of {host!r} returned no addresses")
        for text in addresses:
            address = _parse_ip(text)
            reason = "an unparseable address" if address is None else address_refusal(
                address, self.settings.allow_loopback)
            if reason:
                return GuardVerdict(
                    False, "forbidden_host", f"host {host!r} resolves to {text}, {reason}; refusing to connect")
        self._vetted[host] = tuple(addresses)
        return GuardVerdict(True, addresses=tuple(addresses))

    async def _resolve(self, host: str, port: int) -> tuple[str, ...]:
        if host in self._pins:
            return (self._pins[host],)
        future = self._resolved.get(host)
        if future is None:
            future = asyncio.ensure_future(self._resolver(host, port))
            self._resolved[host] = future
        try:
            return tuple(await asyncio.shield(future))
        except OSError:
            self._resolved.pop(host, None)  # let a later URL on this host try DNS again
            raise

    def vetted_addresses(self, host: str) -> tuple[str, ...]:
        """Addresses a previous ``check`` approved for ``host`` (empty if none)."""
        return self._vetted.get(host.rstrip(".").lower(), ())


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard vetted for the host, so DNS is never consulted twice."""

    def __init__(self, guard: URLGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = self._guard.vetted_addresses(host)
        if not addresses:
            raise httpcore.ConnectError(f"host {host!r} was not vetted by the URL guard; refusing to connect")
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are never used by the crawler")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
