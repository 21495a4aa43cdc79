"""URL guard: only http(s) to public addresses of hosts under allowed domains."""
from __future__ import annotations

import asyncio
import ipaddress

import httpcore
import pytest

from pipeline.crawl import FetchSettings
from pipeline.crawl.urlguard import PinnedBackend, URLGuard, address_refusal, host_under


def guard_with(answers: dict[str, list[str]], **settings) -> tuple[URLGuard, list[str]]:
    """A guard whose DNS answers come from ``answers``; returns the list of hosts it looked up."""
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        if host not in answers:
            raise OSError(f"Name or service not known: {host}")
        return answers[host]

    return URLGuard(FetchSettings(**settings), resolver=resolver), lookups


def check(guard: URLGuard, url: str, extra_domains: tuple[str, ...] = ()):
    return asyncio.run(guard.check(url, extra_domains))


@pytest.mark.parametrize("url, reason", [
    ("ftp://www.a.gov.cn/report.pdf", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("javascript:alert(1)", "only http and https"),
    ("http:///nohost", "no host"),
    ("http://www.a.gov.cn:99999/", "malformed"),
    ("http://exa mple.gov.cn/", "malformed host"),
    ("http://www.a.gov.cn\x00.evil/", "malformed host"),
    ("http://www.clone-gov.cn/", "outside the allowed domains"),
    ("http://gov.cn.evil.com/", "outside the allowed domains"),
    ("http://203.0.113.5/report", "IP address"),
    ("http://127.0.0.1/report", "IP address"),
    ("http://[::1]/report", "IP address"),
])
def test_static_refusals(url, reason):
    guard, lookups = guard_with({})
    verdict = check(guard, url)
    assert (verdict.allowed, verdict.outcome) == (False, "forbidden_host")
    assert reason in verdict.error and not lookups


def test_hosts_under_allowed_and_extra_domains_pass():
    guard, _ = guard_with({"www.a.gov.cn": ["202.96.1.1"], "files.example.com": ["93.184.216.34"],
                           "GOV.CN": ["202.96.1.2"]})
    assert check(guard, "https://www.a.gov.cn/col/col1/index.html").allowed
    assert check(guard, "http://WWW.A.GOV.CN./x").allowed
    assert not check(guard, "http://files.example.com/a.pdf").allowed
    assert check(guard, "http://files.example.com/a.pdf", ("example.com",)).allowed


@pytest.mark.parametrize("address", [
    "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "127.0.0.1", "::1", "fc00::1", "fe80::1", "::ffff:10.0.0.1",
])
def test_gov_cn_names_resolving_to_non_public_addresses_are_refused(address):
    guard, _ = guard_with({"intranet.a.gov.cn": [address]})
    verdict = check(guard, "http://intranet.a.gov.cn/")
    assert (verdict.allowed, verdict.outcome) == (False, "forbidden_host")
    assert address in verdict.error


@pytest.mark.parametrize("address, reason", [
    ("2002:7f00:1::1", "the 6to4 form of 127.0.0.1, a loopback address"),
    ("2002:a00:1::1", "the 6to4 form of 10.0.0.1, a private-network address"),
    ("2002:a9fe:a9fe::", "the 6to4 form of 169.254.169.254, a private-network address"),
    ("64:ff9b::7f00:1", "the NAT64 form of 127.0.0.1, a loopback address"),
    ("64:ff9b::a9fe:a9fe", "the NAT64 form of 169.254.169.254, a private-network address"),
    ("64:ff9b::c0a8:101", "the NAT64 form of 192.168.1.1, a private-network address"),
    ("64:ff9b:1::ca60:101", "a local-use NAT64 address"),
    ("64:ff9b:1:7f00:1::", "a local-use NAT64 address"),
    # Teredo: server 65.54.227.120, client port and address XOR-ed with all ones (~127.0.0.1 = 80ff:fffe).
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "the Teredo client form of 127.0.0.1, a loopback address"),
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "the Teredo client form of 10.0.0.1, a private-network address"),
    ("2001:0:a00:1:8000:63bf:3563:fefe", "the Teredo server form of 10.0.0.1, a private-network address"),
    ("::7f00:1", "the IPv4-compatible form of 127.0.0.1, a loopback address"),
    ("::a9fe:a9fe", "the IPv4-compatible form of 169.254.169.254, a private-network address"),
    ("::ffff:a9fe:a9fe", "a private-network address"),
])
@pytest.mark.parametrize("allow_loopback", [False, True])
def test_ipv6_forms_embedding_a_non_public_ipv4_address_are_refused(address, reason, allow_loopback):
    guard, _ = guard_with({"www.a.gov.cn": [address]}, allow_loopback=allow_loopback)
    verdict = check(guard, "http://www.a.gov.cn/")
    assert (verdict.allowed, verdict.outcome) == (False, "forbidden_host")
    assert reason in verdict.error, verdict.error


def test_ipv6_forms_embedding_a_public_ipv4_address_follow_the_ipv6_rules():
    public = ipaddress.ip_address("202.96.1.1")
    assert address_refusal(ipaddress.ip_address("64:ff9b::ca60:101"), False) is None, "DNS64 of a public address"
    assert address_refusal(ipaddress.ip_address("2002:ca60:101::1"), False) is None, "6to4 of a public address"
    assert address_refusal(ipaddress.ip_address("2001:0:ca60:101:8000:63bf:35a9:fefe"), False) is not None, "Teredo"
    assert address_refusal(ipaddress.ip_address("::ca60:101"), False) is not None, "deprecated IPv4-compatible"
    assert address_refusal(public, False) is None


def test_one_bad_address_among_good_ones_refuses_the_host():
    guard, _ = guard_with({"www.a.gov.cn": ["202.96.1.1", "10.0.0.8"]})
    assert not check(guard, "http://www.a.gov.cn/").allowed


def test_loopback_needs_the_fixture_switch():
    guard, _ = guard_with({"www.fixture.gov.cn": ["127.0.0.1"]}, allow_loopback=True)
    assert check(guard, "http://127.0.0.2:8080/").allowed
    assert check(guard, "http://[::1]:8080/").allowed
    assert not check(guard, "http://[2002:7f00:1::1]:8080/").allowed, "6to4 of loopback is not loopback on the wire"
    assert check(guard, "http://www.fixture.gov.cn/").allowed
    assert not check(guard, "http://10.0.0.1/").allowed, "the switch opens loopback only"


def test_dns_failure_is_unreachable_not_forbidden():
    guard, _ = guard_with({})
    verdict = check(guard, "http://nxdomain.a.gov.cn/")
    assert (verdict.allowed, verdict.outcome) == (False, "unreachable") and "DNS lookup" in verdict.error


def test_resolution_is_cached_per_host():
    guard, lookups = guard_with({"www.a.gov.cn": ["202.96.1.1"]})

    async def many():
        return await asyncio.gather(*(guard.check(f"http://www.a.gov.cn/{i}") for i in range(5)))

    assert all(v.allowed for v in asyncio.run(many()))
    assert lookups == ["www.a.gov.cn"]


def test_resolve_pins_skip_dns_and_are_still_checked():
    guard, lookups = guard_with({}, resolve=(("www.a.gov.cn", "10.0.0.1"),))
    assert not check(guard, "http://www.a.gov.cn/").allowed and not lookups


def test_pinned_backend_only_connects_to_vetted_hosts():
    guard, _ = guard_with({"www.a.gov.cn": ["202.96.1.1"]})
    backend = PinnedBackend(guard)
    with pytest.raises(httpcore.ConnectError, match="not vetted"):
        asyncio.run(backend.connect_tcp("www.b.gov.cn", 80))


def test_host_under_matches_whole_labels_only():
    assert host_under("a.b.gov.cn", ["gov.cn"]) and host_under("gov.cn", ["gov.cn"])
    assert not host_under("xgov.cn", ["gov.cn"]) and not host_under("gov.cn.com", ["gov.cn"])


def test_public_addresses_pass():
    assert address_refusal(ipaddress.ip_address("202.96.1.1"), False) is None
    assert address_refusal(ipaddress.ip_address("2400:3200::1"), False) is None
