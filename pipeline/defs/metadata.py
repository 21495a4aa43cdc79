"""Check metadata shown in the Dagster UI."""
from collections.abc import Iterable
from itertools import islice

import dagster as dg


def markdown_list(lines: Iterable[str], *, limit: int | None = None) -> dg.MetadataValue:
    """Findings as a Markdown list (at most `limit` of them), or "none"."""
    return dg.MetadataValue.md("\n".join(f"- {line}" for line in islice(lines, limit)) or "none")
