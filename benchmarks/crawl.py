"""Crawl benchmark: gongkai's crawler against Scrapy on the same loopback portals, then a 1,000-portal night.

    .venv/bin/python benchmarks/crawl.py                      # both parts
    .venv/bin/python benchmarks/crawl.py --skip-scale         # only gongkai vs Scrapy
    .venv/bin/python benchmarks/crawl.py --scale-portals 300  # a smaller scale run

Every party runs in its own process so none pays for another's CPU or memory: the fixture
portals (`gongkai serve-fixtures --warm`, documents rendered before timing), gongkai's
`run_crawl`, and Scrapy.

Part 1 — throughput. The portals are the showcase's five platform-family portals (Hanweb with
town sub-columns and the dataproxy, TRS with paged listings and split articles, gkmlpt's JSON
API, the generic CMS, the GBK CMS; HTML, PDF, DOCX and DOC reports) plus `--compare-portals`
light portals. Both crawlers get the same politeness:
- one request at a time per host (CONCURRENT_REQUESTS_PER_DOMAIN=1, per_host_concurrency=1);
  every portal has its own IP address, so Scrapy's per-domain slots (keyed by host name, not
  per IP) and gongkai's per-host:port gates are the same hosts;
- a fixed `--delay` between the starts of consecutive requests to a host, no jitter. Scrapy:
  DOWNLOAD_DELAY with RANDOMIZE_DOWNLOAD_DELAY and AutoThrottle off, a start stamped when the
  request leaves its slot's queue. gongkai: min_delay_s with jitter_s=0, a start stamped when
  the request goes on the wire, so connecting never shortens the delay (if anything gongkai is
  the politer);
- 16 requests at a time overall (Scrapy counts those waiting in its slots too, gongkai only
  those on the wire), robots.txt obeyed, two retries.
gongkai discovers everything itself (robots.txt → column → listing pages → articles →
attachments). Scrapy replays the exact list of requests gongkai made, in gongkai's order (from
gongkai's fetch log: every request that got a response, each hop of a redirect on its own,
robots.txt excluded — Scrapy fetches it itself; redirects are not followed because their
targets are in the list; POSTs to Hanweb's data proxy are replayed as GETs). So both get the
same responses and Scrapy does the same HTTP work without any discovery or parsing: its figure
is an upper bound for a Scrapy crawler.

Throughput is HTTP responses (robots.txt included) per second of crawl wall time, timed the
same way for both: from the moment the first request is handed to the network layer (gongkai:
the earliest `fetched_at` in its fetch log, stamped just before the request is sent; Scrapy:
the first `request_reached_downloader` signal) to the moment the crawl has closed (gongkai:
`run_crawl` returned, its fetch log and health file written; Scrapy:
`spider_closed`, after its downloader and scheduler closed). Interpreter start-up, imports and
building the client or engine are left out for both; gongkai's whole `run_crawl` call and
Scrapy's spider_opened → spider_closed are printed alongside.

Part 2 — scale. `--scale-portals` light portals (default 1,000, cycling the four families,
three HTML reports each) crawled by `run_crawl` with the same politeness; prints the wall time
of the whole `run_crawl` call, responses, documents, outcomes and the crawler process's peak
RSS (ru_maxrss).

Part 3 — rendering, reported apart because it is the exception: the two script-shell portals
(`FixtureServer(portals="scripted")`: a JSON list API paged by a page number, and one only
clicking 下一页 pages) crawled with the browser fallback at the same `--delay`. Prints the pages
rendered, seconds per rendered page, the browser's requests (all through the fetcher) and the
documents found; `--skip-render` leaves it out, and it is skipped with a note without Chromium.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOBAL_CONCURRENCY = 16


# --- the fixture server in its own process ----------------------------------------------------

class ServerProcess:
    """`gongkai serve-fixtures` in a child process; its registry entries are read from stdout."""

    def __init__(self, *, host_base: str, portals: int | None):
        command = [sys.executable, "-m", "pipeline.cli", "serve-fixtures", "--host-base", host_base, "--port", "0",
                   "--warm", "--slow-delay-s", "0.05"]
        if portals is not None:
            command += ["--portals", str(portals)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.registry: list[dict] = []
        for line in self.process.stdout:
            if line.startswith("{"):
                self.registry.append(json.loads(line))
            elif line.startswith("serving "):
                break
        if self.process.poll() is not None or not self.registry:
            raise SystemExit(f"the fixture server did not start (exit code {self.process.poll()})")

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def run_worker(role: str, **options: str) -> dict:
    """Run this script as a worker process and return the JSON it prints last."""
    command = [sys.executable, __file__, role, *(f"--{k.replace('_', '-')}={v}" for k, v in options.items())]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"{role} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- gongkai worker -------------------------------------------------------------------------

def portals_from_json(entries: list[dict]):
    from pipeline.registry.model import Politeness, Portal, ReportColumn
    return [Portal(portal_id=e["portal_id"], division_code=e["division_code"], name=e["name"],
                   home_urls=tuple(e["home_urls"]), platform=e["platform"],
                   report_columns=tuple(ReportColumn(**c) for c in e["report_columns"]), params=e["params"],
                   politeness=Politeness(**e["politeness"]), extra_domains=tuple(e["extra_domains"]))
            for e in entries]


def gongkai_worker(args: argparse.Namespace) -> None:
    import polars as pl

    from pipeline.crawl.crawler import run_crawl
    from pipeline.crawl.settings import FetchSettings

    portals = portals_from_json(json.loads(Path(args.registry).read_text()))
    settings = FetchSettings(allow_loopback=True, per_host_concurrency=1, min_delay_s=args.delay, jitter_s=0,
                             global_concurrency=GLOBAL_CONCURRENCY, retries=2, backoff_base_s=0.1,
                             max_bytes=20 * 1024 * 1024)
    started = time.perf_counter()
    outcome = run_crawl(portals, archive_root=args.archive, settings=settings, run_id="bench")
    closed_at = time.time()
    call_s = time.perf_counter() - started
    log = pl.read_parquet(Path(args.archive) / "fetchlog" / "run=bench.parquet")
    responses = log.filter(pl.col("status").is_not_null())
    if args.urls_out:
        replay = responses.filter((pl.col("purpose") != "robots") & (pl.col("attempt") == 1)).sort("fetched_at")
        Path(args.urls_out).write_text(json.dumps(replay["final_url"].to_list()))
    print(json.dumps({
        "wall_s": closed_at - log["fetched_at"].min().timestamp(), "call_s": call_s,
        "responses": responses.height, "documents": len(outcome.documents),
        "outcomes": dict(Counter(h.outcome for h in outcome.health)),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


# --- Scrapy worker --------------------------------------------------------------------------

def scrapy_worker(args: argparse.Namespace) -> None:
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    urls = json.loads(Path(args.urls).read_text())
    times: dict[str, float] = {}

    class ReplaySpider(scrapy.Spider):
        """Fetches the given URLs under the same politeness; no parsing, no link following."""
        name = "replay"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response):
            return None

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": GLOBAL_CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": args.delay, "RANDOMIZE_DOWNLOAD_DELAY": False, "ROBOTSTXT_OBEY": True,
        "REDIRECT_ENABLED": False, "HTTPERROR_ALLOW_ALL": True, "RETRY_TIMES": 2, "COOKIES_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "ERROR",
        "DOWNLOAD_MAXSIZE": 20 * 1024 * 1024, "USER_AGENT": "gongkai-bench-scrapy",
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    })
    crawler = process.create_crawler(ReplaySpider)
    def opened() -> None:
        times["opened"] = time.perf_counter()

    def first_request() -> None:
        times.setdefault("first_request", time.perf_counter())

    def closed() -> None:
        times["closed"] = time.perf_counter()

    crawler.signals.connect(opened, signal=signals.spider_opened)  # receivers are held weakly: keep them named
    crawler.signals.connect(first_request, signal=signals.request_reached_downloader)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"wall_s": times["closed"] - times["first_request"],
                      "opened_s": times["closed"] - times["opened"],
                      "responses": stats.get("downloader/response_count", 0),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


# --- the two parts --------------------------------------------------------------------------

def compare(args: argparse.Namespace, work: Path) -> None:
    showcase = ServerProcess(host_base="127.6.0.2", portals=None)
    light = ServerProcess(host_base="127.7.0.2", portals=args.compare_portals)
    try:
        registry = [e for e in showcase.registry if not e["portal_id"].startswith("fault-")] + light.registry
        (work / "compare.json").write_text(json.dumps(registry))
        gongkai = run_worker("_gongkai", registry=str(work / "compare.json"), archive=str(work / "archive-compare"),
                             delay=str(args.delay), urls_out=str(work / "urls.json"))
        scrapy = run_worker("_scrapy", urls=str(work / "urls.json"), delay=str(args.delay))
    finally:
        showcase.stop()
        light.stop()
    gongkai_rate = gongkai["responses"] / gongkai["wall_s"]
    scrapy_rate = scrapy["responses"] / scrapy["wall_s"]
    print(f"part 1: {len(registry)} portals, per-host concurrency 1, delay {args.delay}s, "
          f"{GLOBAL_CONCURRENCY} requests in flight")
    print(f"  gongkai : {gongkai['responses']:5d} responses in {gongkai['wall_s']:6.2f}s = {gongkai_rate:7.1f} pages/s "
          f"({gongkai['documents']} documents, outcomes {gongkai['outcomes']}, peak RSS {gongkai['peak_rss_mb']:.0f} MB; "
          f"whole run_crawl call {gongkai['call_s']:.2f}s)")
    print(f"  scrapy  : {scrapy['responses']:5d} responses in {scrapy['wall_s']:6.2f}s = {scrapy_rate:7.1f} pages/s "
          f"(replaying gongkai's requests; peak RSS {scrapy['peak_rss_mb']:.0f} MB; "
          f"spider_opened → spider_closed {scrapy['opened_s']:.2f}s)")
    print(f"  ratio gongkai/scrapy: {gongkai_rate / scrapy_rate:.2f}")


def scale(args: argparse.Namespace, work: Path) -> None:
    started = time.perf_counter()
    server = ServerProcess(host_base="127.8.0.2", portals=args.scale_portals)
    startup = time.perf_counter() - started
    try:
        (work / "scale.json").write_text(json.dumps(server.registry))
        result = run_worker("_gongkai", registry=str(work / "scale.json"), archive=str(work / "archive-scale"),
                            delay=str(args.delay), urls_out="")
        server_rss = server.peak_rss_mb()
    finally:
        server.stop()
    print(f"part 2: {args.scale_portals} portals (fixture server up and warm in {startup:.1f}s, "
          f"server peak RSS {server_rss:.0f} MB)")
    print(f"  gongkai : wall {result['call_s']:.1f}s (the whole run_crawl call), {result['responses']} responses "
          f"({result['responses'] / result['call_s']:.1f} pages/s), {result['documents']} documents, "
          f"outcomes {result['outcomes']}")
    print(f"  crawler peak RSS: {result['peak_rss_mb']:.0f} MB")


def render_part(args: argparse.Namespace, work: Path) -> None:
    from pipeline.archive import FetchLog
    from pipeline.crawl.crawler import run_crawl
    from pipeline.crawl.render import RenderSettings
    from pipeline.crawl.settings import FetchSettings
    from pipeline.fixtures.portal import FixtureServer

    if RenderSettings().chromium() is None:
        print("\n== part 3: rendering — skipped: no Chromium (apt-get install chromium)")
        return
    settings = FetchSettings(min_delay_s=args.delay, jitter_s=0.0, allow_loopback=True, retries=2)
    archive = work / "render-archive"
    with FixtureServer(portals="scripted", host_base="127.0.9.2") as server:
        server.warm()
        started = time.perf_counter()
        outcome = run_crawl(server.portals(), archive_root=archive, settings=settings, run_id="render")
        elapsed = time.perf_counter() - started
        served = len(server.manifest())
    rendered = sum(h.rendered_pages for h in outcome.health)
    log = FetchLog.read_all(archive)
    browser_requests = log.filter(log["purpose"] == "render").height
    print("\n== part 3: rendering (script-shell columns, headless Chromium through the fetcher)")
    print(f"portals {len(outcome.health)}, pages rendered {rendered}, "
          f"{outcome.render_seconds / max(outcome.rendered_pages, 1):.2f} s per rendered page (browser start included), "
          f"browser requests {browser_requests}, all requests {outcome.requests}")
    print(f"documents {len(outcome.documents)} of {served} served, whole crawl {elapsed:.1f} s, "
          f"outcomes {dict(Counter(h.outcome for h in outcome.health))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="role")
    worker = sub.add_parser("_gongkai")
    worker.add_argument("--registry", required=True)
    worker.add_argument("--archive", required=True)
    worker.add_argument("--delay", type=float, required=True)
    worker.add_argument("--urls-out", default="")
    worker = sub.add_parser("_scrapy")
    worker.add_argument("--urls", required=True)
    worker.add_argument("--delay", type=float, required=True)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds between requests to one host (default 0.05)")
    parser.add_argument("--compare-portals", type=int, default=40,
                        help="light portals added to the five family portals in part 1 (default 40)")
    parser.add_argument("--scale-portals", type=int, default=1000, help="portals in part 2 (default 1000)")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-render", action="store_true")
    args = parser.parse_args()
    if args.role == "_gongkai":
        return gongkai_worker(args)
    if args.role == "_scrapy":
        return scrapy_worker(args)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        if not args.skip_compare:
            compare(args, Path(tmp))
        if not args.skip_scale:
            scale(args, Path(tmp))
        if not args.skip_render:
            render_part(args, Path(tmp))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    main()
