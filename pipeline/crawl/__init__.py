"""Crawl stage: polite fetching (fetcher, robots, URL guard, block detection) and portal crawling."""
from pipeline.crawl.fetcher import Fetcher, FetchResult
from pipeline.crawl.settings import FetchSettings

__all__ = ["FetchResult", "FetchSettings", "Fetcher"]
