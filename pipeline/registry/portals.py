"""The portal registry file: one human-editable JSON document, one portal per line.

Format (`data/portals.json`)::

    {"registry_version": "...", "format": "gongkai-portals/1", "about": "...", "portals": [
    {"portal_id": "330424", "division_code": "330424", "name": "海盐县人民政府",
     "home_urls": ["http://www.haiyan.gov.cn/", "https://www.haiyan.gov.cn/"],
     "platform": "hanweb",                       # hanweb | hanweb_xxgk | jpaas | lonsun | epoint | truecms | trs | gkmlpt | generic | null
     "report_columns": [{"url": "...", "publisher": "通元镇人民政府", "publisher_level": "town",
                         "division_code": "330424102"}],
     "params": {"list_selector": "ul.list li a"},  # per-platform options (generic needs list_selector)
     "politeness": {"per_host_concurrency": 1, "min_delay_s": 2.0},
     "extra_domains": ["example.com"],
     "note": "free text for editors"},
    ...]}

Only `portal_id`, `division_code`, `name` and `home_urls` are required. Platform params:
hanweb `perpage`, `dataproxy_method` (GET | POST); hanweb_xxgk `infotype`; gkmlpt `category`, `sid`; generic `list_selector`
(required), `date_selector`, `content_selector`, `page_url_template` (`{page}`), `max_pages`. `load_portals` validates
every entry against the shipped division codes and raises `RegistryError` naming each bad one.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.registry.model import Portal
from pipeline.registry.regions import DATA_DIR, load_regions
from pipeline.registry.validate import RegistryError, portals_from_entries

PORTALS_FILE = DATA_DIR / "portals.json"
REGISTRY_FORMAT = "gongkai-portals/1"


def read_registry_document(path: Path | None = None) -> dict[str, Any]:
    """The registry file as parsed JSON; a missing or malformed file raises RegistryError."""
    path = Path(path or PORTALS_FILE)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(str(path), ["file not found; pass --registry PATH or rebuild with python -m pipeline.registry.build"]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(str(path), [f"not valid UTF-8 JSON: {exc}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("portals"), list):
        raise RegistryError(str(path), ['the file must be an object with a "portals" list'])
    return document


def registry_version(path: Path | None = None) -> str | None:
    return read_registry_document(path).get("registry_version")


def known_division_codes() -> dict[str, str]:
    return {region.code: region.name for region in load_regions()}


def load_portals(path: Path | str | None = None) -> list[Portal]:
    """Every portal in the registry, validated; raises RegistryError listing each bad entry."""
    path = Path(path) if path else PORTALS_FILE
    document = read_registry_document(path)
    portals, problems = portals_from_entries(document["portals"], known_division_codes())
    if problems:
        raise RegistryError(str(path), problems)
    return portals


def portal_entry(portal: Portal, note: str | None = None) -> dict[str, Any]:
    """A portal as a registry entry, leaving out fields at their defaults to keep the file readable."""
    entry: dict[str, Any] = {
        "portal_id": portal.portal_id,
        "division_code": portal.division_code,
        "name": portal.name,
        "home_urls": list(portal.home_urls),
        "platform": portal.platform,
    }
    if portal.report_columns:
        entry["report_columns"] = [
            {key: value for key, value in (
                ("url", column.url), ("publisher", column.publisher),
                ("publisher_level", column.publisher_level), ("division_code", column.division_code),
            ) if value is not None}
            for column in portal.report_columns
        ]
    if portal.params:
        entry["params"] = dict(portal.params)
    politeness = {key: value for key, value in (
        ("per_host_concurrency", portal.politeness.per_host_concurrency),
        ("min_delay_s", portal.politeness.min_delay_s),
    ) if value is not None}
    if politeness:
        entry["politeness"] = politeness
    if portal.extra_domains:
        entry["extra_domains"] = list(portal.extra_domains)
    if note:
        entry["note"] = note
    return entry


def write_registry(
    entries: Iterable[Mapping[str, Any]], path: Path, *, version: str, about: str
) -> None:
    """Write the registry with one portal per line, so edits and rebuilds diff line by line."""
    head = json.dumps(
        {"registry_version": version, "format": REGISTRY_FORMAT, "about": about}, ensure_ascii=False
    )[:-1]
    lines = [json.dumps(entry, ensure_ascii=False, sort_keys=False) for entry in entries]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + ', "portals": [\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
