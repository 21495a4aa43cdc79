"""What the published warehouse remembers for the next crawl: documents held and columns read.

A night's crawl compares against the last *published* night, never against an earlier crawl's
files, so a night that crashed after its crawl changes nothing a rerun reports.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from collections.abc import Iterable

from pipeline.crawl.coverage import PortalCoverage, portal_coverage
from pipeline.crawl.health import read_health_warehouse
from pipeline.crawl.records import CrawlMemory, PortalColumns
from pipeline.registry.model import Portal
from pipeline.warehouse import sqlfiles
from pipeline.warehouse.publish import connect_published


def crawl_memory(published: Path) -> CrawlMemory:
    """The published warehouse's memory; empty when nothing has been published yet."""
    if not published.exists():
        return CrawlMemory()
    with connect_published(published) as con:
        known = frozenset(sha for (sha,) in con.execute(sqlfiles.query_text("queries/crawl_memory_documents.sql")).fetchall())
        try:
            rows = con.execute(sqlfiles.query_text("queries/crawl_memory_columns.sql")).fetchall()
        except duckdb.CatalogException:   # published before migration 0005: no columns recorded yet
            rows = []
    columns = {
        portal_id: PortalColumns(portal_id, tuple(urls), tuple(registry_urls), platform, run_id, tuple(list_apis))
        for portal_id, urls, registry_urls, platform, run_id, list_apis in rows
    }
    return CrawlMemory(columns=columns, known_sha256=known)


def published_coverage(portals: Iterable[Portal], published: Path) -> list[PortalCoverage]:
    """Coverage of the registry by the last published night: its health and the columns it learned.

    Raises ValueError when the file holds no warehouse (say, a night is still writing it)."""
    return portal_coverage(portals, crawl_memory(published).columns, read_health_warehouse(published))
