"""Dagster definitions for the crawl stage."""
