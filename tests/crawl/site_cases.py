"""Recorded platform pages and their reviewed expected outputs (tests/crawl/sites/<platform>/).

Each case is a recorded page `<case>.<ext>` beside `<case>.expected.json`, which was written by
reading the page. A page without an expected file fails: output is never accepted unreviewed.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from pipeline.crawl.discovery import decode_page
from pipeline.crawl.platforms import Page, PageRequest, adapter_for, detect_platform

SITES = Path(__file__).parent / "sites"


def case_files(platform: str) -> list[Path]:
    return sorted(p for p in (SITES / platform).iterdir() if not p.name.endswith(".expected.json"))


def expected_for(page_file: Path) -> dict:
    expected = page_file.with_name(page_file.name.split(".", 1)[0] + ".expected.json")
    assert expected.is_file(), f"{page_file.name} has no reviewed {expected.name}"
    return json.loads(expected.read_text(encoding="utf-8"))


def comparable_url(url: str) -> tuple:
    """URLs compare by scheme, host, path and query pairs (order-free, as servers read them)."""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def comparable_body(body: str | None) -> object:
    """JSON bodies compare by their value, not their spelling."""
    return json.loads(body) if body else None


def sent_request(expected: dict) -> PageRequest | None:
    """The request a recorded reply answered (a JSON list's reply is read against its body), when the case says."""
    sent = expected.get("request")
    if sent is None:
        return None
    return PageRequest(expected["url"], sent.get("method", "GET"), json=sent.get("json"), referrer=sent.get("referrer"))


def check_case(platform: str, page_file: Path) -> None:
    expected = expected_for(page_file)
    page = Page(url=expected["url"], text=decode_page(page_file.read_bytes()), request=sent_request(expected))
    adapter = adapter_for(platform, expected.get("params"))
    assert type(adapter).name == platform
    assert detect_platform(page.text, page.url) == expected["platform_detected"]
    if expected["kind"] == "listing":
        listing = adapter.parse_listing(page)
        got_entries = [
            {"title": e.title, "url": e.url, "date": e.date.isoformat() if e.date else None,
             "publisher": e.publisher, "report_year": e.report_year}
            for e in listing.entries
        ]
        assert got_entries == expected["entries"]
        got_next = [(comparable_url(r.url), r.method, [list(pair) for pair in r.data], comparable_body(r.json), r.referrer)
                    for r in listing.next_pages]
        want_next = [(comparable_url(r["url"]), r["method"], r["data"], comparable_body(r.get("json")), r.get("referrer"))
                     for r in expected["next_pages"]]
        assert got_next == want_next
    else:
        article = adapter.parse_article(page)
        assert article.title == expected["title"]
        assert (article.published.isoformat() if article.published else None) == expected["published"]
        assert article.site_division_code == expected["site_division_code"]
        assert article.has_tables == expected["has_tables"]
        assert article.continuation_pages == expected["continuation_pages"]
        got = sorted((a.url, a.name) for a in article.attachments)
        assert got == sorted((a["url"], a["name"]) for a in expected["attachments"])
        for text in expected["body_contains"]:
            assert text in article.body_text
