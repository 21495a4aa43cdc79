"""robots.txt: parsed once per host per run, obeyed, and failures handled per RFC 9309."""
from __future__ import annotations

import asyncio

import pytest

from pipeline.archive import Archive, FetchLog
from pipeline.crawl import Fetcher, FetchSettings
from pipeline.crawl.robots import MAX_CRAWL_DELAY_S, policy_from_fetch, robots_url
from tests.crawl.loopback_http import LoopbackServer, Reply

pytestmark = pytest.mark.timeout(60)

RULES = b"""User-agent: *
Disallow: /private/

User-agent: gongkai
Disallow: /xxgk/secret
Allow: /
"""


def settings(**overrides) -> FetchSettings:
    values = dict(allow_loopback=True, min_delay_s=0.0, jitter_s=0.0, backoff_base_s=0.02,
                  backoff_max_s=0.05, retries=1, connect_timeout_s=1, read_timeout_s=1)
    values.update(overrides)
    return FetchSettings(**values)


async def fetch_paths(server: LoopbackServer, root, paths, fetch_settings=None):
    archive, log = Archive(root), FetchLog(root, "run")
    async with Fetcher(fetch_settings or settings(), archive, log) as fetcher:
        results = await asyncio.gather(*(
            fetcher.fetch(server.url(path), portal_id="p", purpose="listing") for path in paths))
    log.close()
    return results


def test_disallowed_paths_are_never_requested_and_robots_is_fetched_once(tmp_path):
    with LoopbackServer() as server:
        server.routes["/robots.txt"] = lambda hit: Reply(200, RULES, {"Content-Type": "text/plain"})
        for path in ("/index.html", "/xxgk/secret/a.html", "/private/b.html"):
            server.routes[path] = lambda hit: Reply(200, b"<p>page</p>")
        paths = ["/index.html", "/xxgk/secret/a.html", "/private/b.html", "/index.html"]
        results = asyncio.run(fetch_paths(server, tmp_path, paths))
    outcomes = [r.outcome for r in results]
    assert outcomes == ["ok", "robots_disallowed", "ok", "ok"], "the gongkai group replaces the * group"
    assert not server.hits_for("/xxgk/secret/a.html")
    assert len(server.hits_for("/robots.txt")) == 1
    assert "disallows" in results[1].error
    log = FetchLog.read_all(tmp_path)
    assert log.filter(outcome="robots_disallowed")["final_url"].to_list() == [server.url("/xxgk/secret/a.html")]


def test_disallow_all_blocks_every_page(tmp_path):
    with LoopbackServer() as server:
        server.routes["/robots.txt"] = lambda hit: Reply(200, b"User-agent: *\nDisallow: /\n")
        server.routes["/index.html"] = lambda hit: Reply(200, b"<p>home</p>")
        results = asyncio.run(fetch_paths(server, tmp_path, ["/index.html"]))
    assert results[0].outcome == "robots_disallowed" and not server.hits_for("/index.html")


def test_missing_robots_allows_everything(tmp_path):
    with LoopbackServer() as server:
        server.routes["/index.html"] = lambda hit: Reply(200, b"<p>home</p>")
        results = asyncio.run(fetch_paths(server, tmp_path, ["/index.html"]))
    assert results[0].outcome == "ok" and len(server.hits_for("/robots.txt")) == 1


def test_robots_server_error_disallows_the_host_for_this_run(tmp_path):
    with LoopbackServer() as server:
        server.routes["/robots.txt"] = lambda hit: Reply(503, b"busy")
        server.routes["/index.html"] = lambda hit: Reply(200, b"<p>home</p>")
        results = asyncio.run(fetch_paths(server, tmp_path, ["/index.html", "/other.html"]))
    assert [r.outcome for r in results] == ["http_error", "http_error"]
    assert "robots.txt answered HTTP 503" in results[0].error
    assert len(server.hits_for("/robots.txt")) == 2, "one try and one retry, shared by both pages"
    assert not server.hits_for("/index.html")


def test_robots_is_not_consulted_when_disabled(tmp_path):
    with LoopbackServer() as server:
        server.routes["/robots.txt"] = lambda hit: Reply(200, b"User-agent: *\nDisallow: /\n")
        server.routes["/index.html"] = lambda hit: Reply(200, b"<p>home</p>")
        results = asyncio.run(fetch_paths(server, tmp_path, ["/index.html"], settings(obey_robots=False)))
    assert results[0].outcome == "ok" and not server.hits_for("/robots.txt")


# The server stamps a request's start in its own thread, a fraction of a millisecond late at times.
SERVER_CLOCK_SLACK_S = 0.002


def test_crawl_delay_spaces_requests(tmp_path):
    with LoopbackServer() as server:
        server.routes["/robots.txt"] = lambda hit: Reply(200, b"User-agent: *\nCrawl-delay: 0.3\n")
        for path in ("/a", "/b", "/c"):
            server.routes[path] = lambda hit: Reply(200, b"<p>x</p>")
        asyncio.run(fetch_paths(server, tmp_path, ["/a", "/b", "/c"]))
    page_hits = sorted((h for h in server.hits if h.path != "/robots.txt"), key=lambda h: h.start)
    gaps = [later.start - earlier.start for earlier, later in zip(page_hits, page_hits[1:])]
    assert min(gaps) >= 0.3 - SERVER_CLOCK_SLACK_S


def test_policy_from_fetch_follows_rfc_9309():
    assert policy_from_fetch("ok", 200, b"User-agent: *\nDisallow: /x\n").allows("http://a.gov.cn/x/1", "gongkai") is False
    assert policy_from_fetch("ok", 200, b"\xef\xbb\xbfUser-agent: *\nDisallow: /\n").allows("http://a.gov.cn/", "gongkai") is False
    for outcome, status in (("http_error", 404), ("http_error", 403), ("blocked", 412), ("too_large", 200),
                            ("forbidden_host", None)):
        assert policy_from_fetch(outcome, status, None).allows("http://a.gov.cn/any", "gongkai")
    for outcome, status, refusal in (("http_error", 500, "http_error"), ("http_error", 429, "http_error"),
                                     ("unreachable", None, "unreachable"), ("truncated", None, "unreachable")):
        policy = policy_from_fetch(outcome, status, None)
        assert policy.refusal_outcome == refusal and not policy.allows("http://a.gov.cn/", "gongkai")


def test_crawl_delay_is_capped():
    policy = policy_from_fetch("ok", 200, b"User-agent: *\nCrawl-delay: 86400\n")
    assert policy.crawl_delay("gongkai") == MAX_CRAWL_DELAY_S


def test_robots_url_keeps_scheme_host_and_port():
    assert robots_url("https://www.a.gov.cn:8443/col/col1/index.html?x=1") == "https://www.a.gov.cn:8443/robots.txt"


def test_anti_bot_challenge_on_robots_txt_allows_pages_to_report_blocked():
    policy = policy_from_fetch("blocked", 521, None)
    assert policy.refusal_outcome is None
    assert policy.allows("http://www.example.gov.cn/col/index.html", "gongkai")
    assert "anti-bot" in policy.detail
