"""Fetcher behaviour against a scripted loopback server: politeness, retries, limits, incremental GETs."""
from __future__ import annotations

import asyncio
import gzip
import os
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.crawl.loopback_http import Hit, LoopbackServer, Reply, sequence
from pipeline.archive import Archive, FetchLog
from pipeline.crawl import Fetcher, FetchSettings
from pipeline.crawl import fetcher as fetcher_module
from pipeline.crawl.fetcher import detect_encoding, parse_retry_after
from pipeline.registry.model import Politeness

pytestmark = pytest.mark.timeout(60)

PAGE = "<html><head><title>政府信息公开工作年度报告</title></head><body><p>2023年度报告正文</p></body></html>".encode()


def fast_settings(**overrides) -> FetchSettings:
    values = dict(
        allow_loopback=True, min_delay_s=0.0, jitter_s=0.0, backoff_base_s=0.02, backoff_max_s=0.1,
        retries=2, connect_timeout_s=1, read_timeout_s=1, total_timeout_s=5,
    )
    values.update(overrides)
    return FetchSettings(**values)


def blob_count(root: Path) -> int:
    return sum(1 for path in (root / "blobs").rglob("*") if path.is_file()) if (root / "blobs").exists() else 0


async def fetch_many(settings, root, urls, *, validators=None, run_id="run1", **kwargs):
    """Fetch ``urls`` concurrently through one Fetcher; returns the results and the closed run's log."""
    archive = Archive(root)
    log = FetchLog(root, run_id)
    async with Fetcher(settings, archive, log, validators=validators) as fetcher:
        results = await asyncio.gather(*(
            fetcher.fetch(url, portal_id="p1", purpose="article", **kwargs) for url in urls))
    log.close()
    return results, FetchLog.read_all(root).filter(run_id=run_id)


def fetch_one(settings, root, url, **kwargs):
    results, log = asyncio.run(fetch_many(settings, root, [url], **kwargs))
    return results[0], log


def test_ok_fetch_is_archived_logged_and_identifies_the_bot(tmp_path):
    with LoopbackServer() as server:
        server.routes["/a.html"] = lambda hit: Reply(
            200, "<meta charset='gb2312'><p>报告</p>".encode("gb18030"), {"Content-Type": "text/html"})
        result, log = fetch_one(fast_settings(), tmp_path, server.url("/a.html"), referrer="http://x.gov.cn/list")
    assert result.outcome == "ok" and result.status == 200 and result.ok
    assert result.encoding == "gb18030" and result.content_type == "text/html"
    assert Archive(tmp_path).get(result.sha256) == result.body
    assert result.size == len(result.body)
    page_hit = server.hits_for("/a.html")[0]
    assert page_hit.headers["user-agent"].startswith("gongkai/")
    assert "+https://github.com/gongkai-project/gongkai" in page_hit.headers["user-agent"]
    assert page_hit.headers["referer"] == "http://x.gov.cn/list"
    assert server.hits_for("/robots.txt"), "robots.txt is asked before the first page"
    row = log.filter(purpose="article").row(0, named=True)
    assert (row["outcome"], row["status"], row["sha256"], row["referrer"]) == (
        "ok", 200, result.sha256, "http://x.gov.cn/list")
    assert set(log["purpose"]) == {"robots", "article"}


def test_identical_bodies_are_stored_once(tmp_path):
    with LoopbackServer() as server:
        server.routes["/a"] = server.routes["/b"] = lambda hit: Reply(200, PAGE)
        results, _ = asyncio.run(fetch_many(fast_settings(), tmp_path, [server.url("/a"), server.url("/b")]))
    assert results[0].sha256 == results[1].sha256
    assert blob_count(tmp_path) == 1


def test_server_error_then_success_is_retried(tmp_path):
    with LoopbackServer() as server:
        server.routes["/flaky"] = sequence(Reply(500, b"oops"), Reply(200, PAGE))
        result, log = fetch_one(fast_settings(), tmp_path, server.url("/flaky"))
    assert (result.outcome, result.retry_count) == ("ok", 1)
    rows = log.filter(purpose="article").sort("attempt")
    assert rows["outcome"].to_list() == ["http_error", "ok"] and rows["status"].to_list() == [500, 200]


def test_persistent_server_error_gives_up_after_the_retries(tmp_path):
    with LoopbackServer() as server:
        server.routes["/down"] = lambda hit: Reply(503, b"down")
        result, _ = fetch_one(fast_settings(retries=2), tmp_path, server.url("/down"))
    assert (result.outcome, result.status, result.retry_count) == ("http_error", 503, 2)
    assert len(server.hits_for("/down")) == 3 and "gave up after 2 retries" in result.error
    assert result.body is None and blob_count(tmp_path) == 0


def test_client_errors_are_not_retried(tmp_path):
    with LoopbackServer() as server:
        result, _ = fetch_one(fast_settings(), tmp_path, server.url("/missing"))
    assert (result.outcome, result.status, result.retry_count) == ("http_error", 404, 0)
    assert len(server.hits_for("/missing")) == 1


def test_429_retry_waits_at_least_retry_after(tmp_path):
    with LoopbackServer() as server:
        server.routes["/busy"] = sequence(Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200, PAGE))
        result, _ = fetch_one(fast_settings(), tmp_path, server.url("/busy"))
    first, second = server.hits_for("/busy")
    waited = second.start - first.end
    print(f"Retry-After 1 s: retry started {waited:.3f} s after the 429")
    assert result.outcome == "ok" and result.retry_count == 1
    assert waited >= 1.0


def test_retry_after_beyond_the_cap_is_not_retried(tmp_path):
    with LoopbackServer() as server:
        server.routes["/later"] = lambda hit: Reply(503, b"", {"Retry-After": "3600"})
        result, _ = fetch_one(fast_settings(max_retry_after_s=0.5), tmp_path, server.url("/later"))
    assert result.outcome == "http_error" and result.retry_count == 0
    assert "Retry-After" in result.error and len(server.hits_for("/later")) == 1


def test_slow_server_times_out_as_unreachable(tmp_path):
    with LoopbackServer() as server:
        server.routes["/slow"] = lambda hit: Reply(200, PAGE, delay_s=0.6)
        result, log = fetch_one(fast_settings(read_timeout_s=0.2, retries=1), tmp_path, server.url("/slow"))
    assert (result.outcome, result.retry_count) == ("unreachable", 1)
    assert "timed out" in result.error and len(server.hits_for("/slow")) == 2


def test_total_timeout_bounds_a_dribbling_server(tmp_path):
    def dribble():
        for _ in range(40):
            time.sleep(0.05)
            yield b"x" * 10

    with LoopbackServer() as server:
        server.routes["/dribble"] = lambda hit: Reply(200, stream=dribble())
        result, _ = fetch_one(fast_settings(total_timeout_s=0.5, retries=0), tmp_path, server.url("/dribble"))
    assert result.outcome == "unreachable" and "within 0.5s" in result.error


def test_truncated_body_is_detected_and_retried(tmp_path):
    with LoopbackServer() as server:
        server.routes["/cut"] = sequence(Reply(200, PAGE, truncate_to=20), Reply(200, PAGE))
        server.routes["/always-cut"] = lambda hit: Reply(200, PAGE, truncate_to=20)
        results, log = asyncio.run(fetch_many(
            fast_settings(retries=1), tmp_path, [server.url("/cut"), server.url("/always-cut")]))
    recovered, broken = results
    assert (recovered.outcome, recovered.retry_count, recovered.body) == ("ok", 1, PAGE)
    assert (broken.outcome, broken.retry_count, broken.body) == ("truncated", 1, None)
    assert "truncated" in log["outcome"].to_list()
    assert blob_count(tmp_path) == 1, "only the complete body is archived"


@pytest.mark.parametrize("hold_open_s", [0.0, 0.6])
def test_a_body_short_of_its_content_length_is_refetched_once_then_recorded_truncated(tmp_path, hold_open_s):
    """Closing the connection early, or stalling with the body part-sent, both leave fewer bytes
    than Content-Length declares: one re-fetch (not the whole retry budget), then `truncated`."""
    with LoopbackServer() as server:
        server.routes["/short"] = lambda hit: Reply(200, PAGE, truncate_to=40, hold_open_s=hold_open_s)
        server.routes["/short-once"] = sequence(Reply(200, PAGE, truncate_to=40, hold_open_s=hold_open_s), Reply(200, PAGE))
        results, log = asyncio.run(fetch_many(fast_settings(retries=3, read_timeout_s=0.3), tmp_path,
                                              [server.url("/short"), server.url("/short-once")]))
    short, recovered = results
    assert (short.outcome, short.retry_count, short.body) == ("truncated", 1, None)
    assert len(server.hits_for("/short")) == 2, "re-fetched exactly once"
    assert f"body of 40 bytes where Content-Length declares {len(PAGE)}" in short.error
    assert "short again after one re-fetch" in short.error
    assert (recovered.outcome, recovered.body) == ("ok", PAGE)
    assert log.filter(outcome="truncated").height == 3
    assert blob_count(tmp_path) == 1, "a short body is never archived as the document"


def test_redirects_are_followed_and_loops_stopped(tmp_path):
    with LoopbackServer() as server:
        server.routes["/old"] = lambda hit: Reply(301, headers={"Location": "/new"})
        server.routes["/new"] = lambda hit: Reply(200, PAGE)
        server.routes["/ping"] = lambda hit: Reply(302, headers={"Location": "/pong"})
        server.routes["/pong"] = lambda hit: Reply(302, headers={"Location": "/ping"})
        for step in range(8):
            server.routes[f"/chain{step}"] = lambda hit, step=step: Reply(302, headers={"Location": f"/chain{step + 1}"})
        moved, loop, chain = asyncio.run(fetch_many(
            fast_settings(max_redirects=3), tmp_path, [server.url("/old"), server.url("/ping"), server.url("/chain0")]))[0]
    assert (moved.outcome, moved.url, moved.final_url) == ("ok", server.url("/old"), server.url("/new"))
    assert loop.outcome == "redirect_loop" and "loop" in loop.error
    assert len(server.hits_for("/ping")) == 1 and len(server.hits_for("/pong")) == 1
    assert chain.outcome == "redirect_loop" and "more than 3 redirects" in chain.error
    assert not server.hits_for("/chain4")


def test_redirect_off_the_allowed_domains_is_refused(tmp_path):
    with LoopbackServer() as server:
        server.routes["/out"] = lambda hit: Reply(302, headers={"Location": "http://clone-site.example.com/report"})
        server.routes["/inner"] = lambda hit: Reply(302, headers={"Location": "http://10.0.0.1/admin"})
        escaped, internal = asyncio.run(fetch_many(
            fast_settings(), tmp_path, [server.url("/out"), server.url("/inner")]))[0]
    assert escaped.outcome == "forbidden_host" and "clone-site.example.com" in escaped.error
    assert internal.outcome == "forbidden_host" and internal.final_url == "http://10.0.0.1/admin"


def test_chinese_paths_referrers_and_malformed_locations_never_raise(tmp_path):
    with LoopbackServer() as server:
        server.routes["/%E5%B9%B4%E6%8A%A5/2023.html"] = lambda hit: Reply(200, PAGE)
        server.routes["/bad"] = lambda hit: Reply(302, headers={"Location": "http://[oops/x"})
        page, bad = asyncio.run(fetch_many(
            fast_settings(), tmp_path, [server.url("/年报/2023.html"), server.url("/bad")],
            referrer=server.url("/政府信息公开/年报/")))[0]
    assert page.outcome == "ok"
    assert server.hits_for("/%E5%B9%B4%E6%8A%A5/2023.html")[0].headers["referer"].endswith(
        "/%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80/%E5%B9%B4%E6%8A%A5/")
    assert bad.outcome == "http_error" and "malformed Location" in bad.error


def test_post_sends_form_data_and_303_turns_into_get(tmp_path):
    with LoopbackServer() as server:
        server.routes["/dataproxy.jsp"] = lambda hit: Reply(303, headers={"Location": "/result"})
        server.routes["/result"] = lambda hit: Reply(200, b"<datastore>" + hit.method.encode() + b"</datastore>")
        result, log = fetch_one(fast_settings(), tmp_path, server.url("/dataproxy.jsp"),
                                method="POST", data={"startrecord": "1", "endrecord": "45"})
    post = server.hits_for("/dataproxy.jsp")[0]
    assert post.method == "POST" and post.body == b"startrecord=1&endrecord=45"
    assert result.body == b"<datastore>GET</datastore>"
    assert log.filter(purpose="article")["outcome"].to_list() == ["redirect", "ok"]


def test_oversized_bodies_are_discarded(tmp_path):
    def endless():
        for _ in range(1000):
            yield b"y" * 4096

    with LoopbackServer() as server:
        server.routes["/declared"] = lambda hit: Reply(200, b"z" * 200_000)
        server.routes["/chunked"] = lambda hit: Reply(200, stream=endless())
        results, log = asyncio.run(fetch_many(
            fast_settings(max_bytes=100_000), tmp_path, [server.url("/declared"), server.url("/chunked")]))
    assert [r.outcome for r in results] == ["too_large", "too_large"]
    assert all(r.body is None and r.retry_count == 0 for r in results)
    assert "100000-byte limit" in results[1].error
    assert blob_count(tmp_path) == 0


def test_the_size_limit_applies_to_the_decompressed_body(tmp_path):
    bomb = gzip.compress(b"0" * 2_000_000)
    with LoopbackServer() as server:
        server.routes["/bomb"] = lambda hit: Reply(200, bomb, {"Content-Encoding": "gzip"})
        server.routes["/small"] = lambda hit: Reply(200, gzip.compress(PAGE), {"Content-Encoding": "gzip"})
        bombed, small = asyncio.run(fetch_many(
            fast_settings(max_bytes=100_000), tmp_path, [server.url("/bomb"), server.url("/small")]))[0]
    assert len(bomb) < 100_000 and bombed.outcome == "too_large"
    assert small.outcome == "ok" and small.body == PAGE


@pytest.mark.parametrize("status, body", [
    (412, b"<html><script>var $_ts=window['$_ts'];$_ts.nsd=123;</script></html>"),
    (521, b"<script>document.cookie='__jsl_clearance=1623;max-age=3600';location.href=location.pathname</script>"),
    (200, b"<html><head><script src='/a.js'></script><script>go()</script></head><body></body></html>"),
])
def test_anti_bot_answers_are_blocked_and_never_archived(tmp_path, status, body):
    with LoopbackServer() as server:
        server.routes["/guarded"] = lambda hit: Reply(status, body)
        result, log = fetch_one(fast_settings(), tmp_path, server.url("/guarded"))
    assert result.outcome == "blocked" and result.body is None and result.sha256 is None
    assert result.retry_count == 0 and len(server.hits_for("/guarded")) == 1
    assert blob_count(tmp_path) == 0
    assert log.filter(purpose="article")["outcome"].to_list() == ["blocked"]


def test_conditional_get_returns_the_archived_body_on_304(tmp_path):
    etag, modified = '"v1"', formatdate(usegmt=True)

    def page(hit: Hit) -> Reply:
        if hit.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(200, PAGE, {"ETag": etag, "Last-Modified": modified})

    with LoopbackServer() as server:
        server.routes["/list"] = page
        first, _ = fetch_one(fast_settings(), tmp_path, server.url("/list"), run_id="night1")
        validators = FetchLog.latest_validators(tmp_path)
        blob = Path(Archive(tmp_path).path_for(first.sha256))
        stamp = blob.stat().st_mtime_ns
        second, log = fetch_one(fast_settings(), tmp_path, server.url("/list"), run_id="night2",
                                validators=validators)
    conditional = server.hits_for("/list")[1]
    assert conditional.headers["if-none-match"] == etag and conditional.headers["if-modified-since"] == modified
    assert (second.outcome, second.status, second.not_modified) == ("not_modified", 304, True)
    assert second.body == PAGE and second.sha256 == first.sha256
    assert blob.stat().st_mtime_ns == stamp and blob_count(tmp_path) == 1
    row = log.filter(purpose="article").row(0, named=True)
    assert (row["outcome"], row["sha256"], row["etag"]) == ("not_modified", first.sha256, etag)
    assert FetchLog.latest_validators(tmp_path)[server.url("/list")].sha256 == first.sha256


def test_conditional_get_refetches_when_the_archived_copy_is_damaged(tmp_path):
    def page(hit: Hit) -> Reply:
        if hit.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, PAGE, {"ETag": '"v1"'})

    with LoopbackServer() as server:
        server.routes["/list"] = page
        first, _ = fetch_one(fast_settings(), tmp_path, server.url("/list"), run_id="night1")
        Path(Archive(tmp_path).path_for(first.sha256)).write_bytes(b"bit rot")
        second, log = fetch_one(fast_settings(), tmp_path, server.url("/list"), run_id="night2",
                                validators=FetchLog.latest_validators(tmp_path))
    assert (second.outcome, second.body) == ("ok", PAGE)
    assert "archived copy is unusable" in log.filter(outcome="not_modified")["error"][0]
    assert Archive(tmp_path).get(first.sha256) == PAGE


def test_a_page_fetched_twice_in_one_run_is_revalidated(tmp_path):
    def page(hit: Hit) -> Reply:
        if hit.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, PAGE, {"ETag": '"v1"'})

    async def twice(url):
        archive, log = Archive(tmp_path), FetchLog(tmp_path, "r")
        async with Fetcher(fast_settings(), archive, log) as fetcher:
            return [await fetcher.fetch(url, portal_id="p", purpose="listing") for _ in range(2)]

    with LoopbackServer() as server:
        server.routes["/list"] = page
        first, second = asyncio.run(twice(server.url("/list")))
    assert (first.outcome, second.outcome, second.body) == ("ok", "not_modified", PAGE)


def test_large_bodies_are_archived_intact(tmp_path):
    big = os.urandom(3 * 1024 * 1024)
    with LoopbackServer() as server:
        server.routes["/scan.pdf"] = lambda hit: Reply(200, big, {"Content-Type": "application/pdf"})
        result, _ = fetch_one(fast_settings(), tmp_path, server.url("/scan.pdf"))
    assert result.outcome == "ok" and result.content_type == "application/pdf" and result.encoding is None
    assert Archive(tmp_path).get(result.sha256) == big


def test_no_conditional_headers_without_an_archived_copy(tmp_path):
    from pipeline.archive import Validators

    with LoopbackServer() as server:
        server.routes["/list"] = lambda hit: Reply(200, PAGE)
        validators = {server.url("/list"): Validators('"v1"', None, "0" * 64)}
        result, _ = fetch_one(fast_settings(), tmp_path, server.url("/list"), validators=validators)
    assert result.outcome == "ok" and "if-none-match" not in server.hits_for("/list")[0].headers


def test_unreachable_host_never_raises(tmp_path):
    with LoopbackServer() as server:
        closed_port = server.port
    result, log = fetch_one(fast_settings(retries=1, obey_robots=False), tmp_path,
                            f"http://127.0.0.1:{closed_port}/x")
    assert result.outcome == "unreachable" and result.retry_count == 1 and "ConnectError" in result.error
    assert log["outcome"].to_list() == ["unreachable", "unreachable"]


def test_forbidden_hosts_are_refused_without_a_request(tmp_path):
    result, log = fetch_one(fast_settings(allow_loopback=False), tmp_path, "http://127.0.0.1:9/report")
    assert result.outcome == "forbidden_host" and "IP address" in result.error
    assert log["outcome"].to_list() == ["forbidden_host"]


def test_gov_cn_host_pinned_to_loopback_reaches_the_server_with_its_name(tmp_path):
    with LoopbackServer() as server:
        server.routes["/index.html"] = lambda hit: Reply(200, PAGE)
        settings = fast_settings(resolve=(("www.haiyan.gov.cn", "127.0.0.1"),))
        result, _ = fetch_one(settings, tmp_path, f"http://www.haiyan.gov.cn:{server.port}/index.html")
    assert result.outcome == "ok"
    assert server.hits_for("/index.html")[0].headers["host"] == f"www.haiyan.gov.cn:{server.port}"


# The server stamps a request's start in its own thread, which may run up to a fraction of a
# millisecond late for one request and on time for the next; a broken delay shows gaps near 0.
SERVER_CLOCK_SLACK_S = 0.002


def test_one_host_gets_one_request_at_a_time_with_the_minimum_gap(tmp_path):
    with LoopbackServer() as server:
        server.routes["/robots.txt"] = lambda hit: Reply(200, b"User-agent: *\nAllow: /\n")
        for index in range(4):
            server.routes[f"/p{index}"] = lambda hit: Reply(200, PAGE + hit.path.encode(), delay_s=0.05)
        settings = fast_settings(min_delay_s=0.2, jitter_s=0.05)
        results, _ = asyncio.run(fetch_many(settings, tmp_path, [server.url(f"/p{i}") for i in range(4)]))
    gaps = server.start_gaps()
    print(f"one host, limit 1: max in flight {server.max_in_flight}, "
          f"min gap between starts {min(gaps):.3f} s over {len(gaps)} gaps")
    assert all(r.outcome == "ok" for r in results)
    assert server.max_in_flight == 1
    assert min(gaps) >= 0.2 - SERVER_CLOCK_SLACK_S


def test_waiting_for_the_global_cap_does_not_count_towards_a_host_delay(tmp_path):
    busy, polite = LoopbackServer("127.0.0.2"), LoopbackServer("127.0.0.3")
    with busy, polite:
        busy.routes["/slow"] = lambda hit: Reply(200, PAGE, delay_s=0.4)
        for index in range(2):
            polite.routes[f"/p{index}"] = lambda hit: Reply(200, PAGE)

        async def scenario():
            archive, log = Archive(tmp_path), FetchLog(tmp_path, "r")
            settings = fast_settings(obey_robots=False, global_concurrency=1, min_delay_s=0.3)
            async with Fetcher(settings, archive, log) as fetcher:
                slow = asyncio.create_task(fetcher.fetch(busy.url("/slow"), portal_id="b", purpose="listing"))
                while not busy.hits:
                    await asyncio.sleep(0.01)
                await asyncio.gather(*(fetcher.fetch(polite.url(f"/p{index}"), portal_id="p", purpose="article")
                                       for index in range(2)), slow)

        asyncio.run(scenario())
    first, second = sorted(hit.start for hit in polite.hits)
    print(f"global cap 1 held by a 0.4 s answer elsewhere: the host's two starts are {second - first:.3f} s apart")
    assert first >= busy.hits[0].end - 0.01
    assert second - first >= 0.3 - SERVER_CLOCK_SLACK_S


@pytest.mark.parametrize("politeness, expected_in_flight", [
    (None, 1),
    (Politeness(per_host_concurrency=2, min_delay_s=0.0), 2),
])
def test_per_host_limit_holds_for_slow_answers_and_portals_can_raise_it(tmp_path, politeness, expected_in_flight):
    with LoopbackServer() as server:
        for index in range(4):
            server.routes[f"/p{index}"] = lambda hit: Reply(200, PAGE, delay_s=0.2)
        results, _ = asyncio.run(fetch_many(
            fast_settings(obey_robots=False), tmp_path, [server.url(f"/p{i}") for i in range(4)],
            politeness=politeness))
    assert all(r.outcome == "ok" for r in results)
    assert server.max_in_flight == expected_in_flight


def test_limits_are_per_host_and_the_global_cap_holds_across_hosts(tmp_path):
    hosts = [LoopbackServer("127.0.0.2"), LoopbackServer("127.0.0.3")]
    with hosts[0], hosts[1]:
        for server in hosts:
            for index in range(2):
                server.routes[f"/p{index}"] = lambda hit: Reply(200, PAGE, delay_s=0.3)
        urls = [server.url(f"/p{i}") for i in range(2) for server in hosts]

        intervals: list[tuple[float, float]] = []
        for global_cap in (16, 1):
            for server in hosts:
                server.hits.clear()
            # A request's time limit starts once it holds a slot: waiting for the cap is not a timeout.
            results, _ = asyncio.run(fetch_many(
                fast_settings(obey_robots=False, global_concurrency=global_cap, total_timeout_s=0.5),
                tmp_path, urls, run_id=f"cap{global_cap}"))
            assert all(r.outcome == "ok" for r in results)
            intervals = sorted((hit.start, hit.end) for server in hosts for hit in server.hits)
            overall = max(sum(1 for s, e in intervals if s <= start < e) for start, _ in intervals)
            per_host = [server.max_in_flight for server in hosts]
            print(f"global cap {global_cap}: max in flight per host {per_host}, overall {overall}")
            assert per_host == [1, 1]
            assert overall == min(2, global_cap)


def test_each_host_keeps_its_connection_until_idle_hosts_beyond_the_limit_are_closed(tmp_path, monkeypatch):
    monkeypatch.setattr(fetcher_module, "KEPT_HOST_POOLS", 2)
    hosts = {name: LoopbackServer(address) for name, address in (("a", "127.0.0.2"), ("b", "127.0.0.3"), ("c", "127.0.0.4"))}
    with hosts["a"], hosts["b"], hosts["c"]:
        for server in hosts.values():
            for index in range(2):
                server.routes[f"/p{index}"] = lambda hit: Reply(200, PAGE)

        async def scenario():
            archive, log = Archive(tmp_path), FetchLog(tmp_path, "r")
            async with Fetcher(fast_settings(obey_robots=False), archive, log) as fetcher:
                for name, path in (("a", "/p0"), ("b", "/p0"), ("a", "/p1"), ("c", "/p0"), ("b", "/p1")):
                    result = await fetcher.fetch(hosts[name].url(path), portal_id=name, purpose="article")
                    assert result.outcome == "ok"

        asyncio.run(scenario())
    ports = {name: [hit.client_port for hit in server.hits] for name, server in hosts.items()}
    print(f"client ports per host with room for two hosts' connections: {ports}")
    assert ports["a"][0] == ports["a"][1]       # reused across another host's request
    assert ports["b"][0] != ports["b"][1]       # closed when c came: the least recently used idle host


def test_retry_after_pauses_the_whole_host(tmp_path):
    with LoopbackServer() as server:
        server.routes["/busy"] = sequence(Reply(429, b"", {"Retry-After": "1"}), Reply(200, PAGE))
        server.routes["/other"] = lambda hit: Reply(200, PAGE, delay_s=0.0)

        async def scenario():
            archive, log = Archive(tmp_path), FetchLog(tmp_path, "r")
            async with Fetcher(fast_settings(obey_robots=False), archive, log) as fetcher:
                busy = asyncio.create_task(fetcher.fetch(server.url("/busy"), portal_id="p", purpose="listing"))
                while not server.hits_for("/busy"):
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.1)
                await fetcher.fetch(server.url("/other"), portal_id="p", purpose="listing")
                await busy

        asyncio.run(scenario())
    throttled = server.hits_for("/busy")[0]
    assert server.hits_for("/other")[0].start - throttled.end >= 1.0


def test_every_request_is_logged(tmp_path):
    with LoopbackServer() as server:
        server.routes["/flaky"] = sequence(Reply(502), Reply(200, PAGE))
        server.routes["/old"] = lambda hit: Reply(302, headers={"Location": "/flaky2"})
        server.routes["/flaky2"] = lambda hit: Reply(200, PAGE + b"2")
        _, log = asyncio.run(fetch_many(fast_settings(), tmp_path, [server.url("/flaky"), server.url("/old")]))
    assert log.height == len(server.hits)
    assert (log["run_id"] == "run1").all() and log["fetched_at"].null_count() == 0


def test_fetch_outside_the_context_manager_is_a_clear_error(tmp_path):
    fetcher = Fetcher(fast_settings(), Archive(tmp_path), FetchLog(tmp_path, "r"))
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(fetcher.fetch("http://127.0.0.1/x", portal_id="p", purpose="home"))


def test_retry_after_accepts_seconds_and_http_dates():
    now = 1_700_000_000.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30.0)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize("header, body, expected", [
    ("text/html; charset=GBK", b"", "gb18030"),
    ("text/html; charset=utf-8", b"<meta charset='gb2312'>", "utf-8"),
    ("text/html; charset=ISO-8859-1", b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "utf-8"),
    ("text/html", b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=gb2312">', "gb18030"),
    (None, b"%PDF-1.7", None),
])
def test_encoding_comes_from_the_header_or_the_meta_tag(header, body, expected):
    assert detect_encoding(header, body) == expected


def test_settings_default_to_polite_values(monkeypatch):
    monkeypatch.delenv("GONGKAI_CONTACT_URL", raising=False)
    settings = FetchSettings()
    assert (settings.per_host_concurrency, settings.min_delay_s, settings.obey_robots) == (1, 1.0, True)
    assert settings.allowed_domains == ("gov.cn",) and not settings.allow_loopback
    assert settings.user_agent.endswith("(+https://github.com/gongkai-project/gongkai)")
    monkeypatch.setenv("GONGKAI_CONTACT_URL", "https://example.org/contact")
    assert FetchSettings().user_agent.endswith("(+https://example.org/contact)")
    with pytest.raises(ValueError, match="at least 1"):
        FetchSettings(per_host_concurrency=0)
