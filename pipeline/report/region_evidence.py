"""The region of a report: the portal column that served it is the prior, the document's text the evidence.

The registry knows which region's portal and column served a document (its division code and the
column's publisher). The text names the region it reports on, when it says. The text wins when it
speaks, because a county portal also lists its towns' and departments' reports; the prior stands
in when the text is silent (an article body without a title line). When the text names only
registered regions that lie outside the portal's division, neither above nor below it, the two
disagree: the text's region is kept and the conflict is recorded as a failed
`region_matches_portal` check, so analysts see it beside the report's other failed checks.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pipeline.registry.regions import load_regions

CHECK_NAME = "region_matches_portal"
_LONGEST_NAME = 20


@dataclass(frozen=True)
class RegionEvidence:
    region_name: str | None
    conflict: str | None = None   # why the text and the portal disagree, when they do


@lru_cache(maxsize=1)
def _registry() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Names by division code, and codes by name (many towns share a name)."""
    names: dict[str, str] = {}
    codes: dict[str, list[str]] = defaultdict(list)
    for region in load_regions():
        names[region.code] = region.name
        codes[region.name].append(region.code)
    return names, {name: tuple(found) for name, found in codes.items()}


def _leading_names(text: str) -> list[str]:
    """The registered region names heading `text`, read greedily left to right (湖口县大垅乡人民政府 →
    湖口县, 大垅乡). Reading stops at the first unregistered word, so an abbreviation or a development
    zone (益阳高新区) names nothing rather than something it only happens to contain."""
    _, codes = _registry()
    names, position = [], 0
    while position < len(text):
        ends = [end for end in range(min(len(text), position + _LONGEST_NAME), position + 1, -1)
                if text[position:end] in codes]
        if not ends:
            break
        names.append(text[position:ends[0]])
        position = ends[0]
    return names


def _depth_within(name: str, division_code: str) -> int:
    """The length of the deepest code of a region of this name that is the division, an ancestor of it
    or inside it (0 when none is): division codes nest by prefix."""
    _, codes = _registry()
    related = [code for code in codes.get(name, ()) if division_code.startswith(code) or code.startswith(division_code)]
    return max(map(len, related), default=0)


def weigh_region(text_region: str | None, division_code: str | None, column_publisher: str | None) -> RegionEvidence:
    """The report's region from the text's evidence and the portal's prior, with any conflict explained."""
    names, _ = _registry()
    prior = names.get(division_code or "")
    if not text_region:
        depths = {name: _depth_within(name, division_code) for name in _leading_names(column_publisher or "")} \
            if division_code else {}
        deepest = max(depths.items(), key=lambda item: (item[1], item[0]), default=(prior, 0))
        return RegionEvidence(deepest[0] if deepest[1] else prior)
    if not prior:
        return RegionEvidence(text_region)
    named = _leading_names(text_region)
    if named and not any(_depth_within(name, division_code) for name in named):
        return RegionEvidence(text_region, f"the text names {text_region}, but the portal column serves "
                                           f"{prior} ({division_code}); check the portal's registry entry or the document")
    return RegionEvidence(text_region)
