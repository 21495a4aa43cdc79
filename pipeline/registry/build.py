"""Regenerate the shipped registry (`data/regions.csv.gz`, `data/portals.json`) from source files.

    python -m pipeline.registry.build --source /work/shared/data

Sources: `regions/{provinces,cities,areas,streets}.csv` (2023 division codes),
`portals/gov-portals.csv` (portal home pages by province/city/county *name*) and
`portals/known-report-pages.json` (real report columns and pages). Portals are joined to division
codes by name within their parent; a portal whose name matches no division keeps the nearest
parent's code and a note saying so. Entries that cannot be used at all (no URL, no division, a
home page another region already claims) are listed in `data/build-report.json` with the reason —
nothing is dropped silently.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pipeline.registry.model import Portal, ReportColumn
from pipeline.registry.portals import PORTALS_FILE, portal_entry, write_registry
from pipeline.registry.regions import DATA_DIR, REGIONS_FILE, region_row, write_regions_file
from pipeline.registry.validate import portals_from_entries, site_domain, url_problem

BUILD_REPORT_FILE = DATA_DIR / "build-report.json"
MUNICIPALITIES = {"11", "12", "31", "50"}
NAME_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
    "地区", "林区", "特区", "新区", "省", "市", "县", "区", "旗", "盟",
)
SOURCE_FILES = (
    "regions/provinces.csv", "regions/cities.csv", "regions/areas.csv", "regions/streets.csv",
    "portals/gov-portals.csv", "portals/known-report-pages.json",
)
HANWEB_ARTICLE = re.compile(r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_(\d+)_\d+\.html$")
DATED_ARTICLE = re.compile(r"^(.*/)\d{6}/(t\d{8}_\d+|[0-9a-f]{32})\.(s?html?)$")


def name_stem(name: str) -> str:
    """A division name without its administrative suffix (宁波市 → 宁波), for loose matching."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass
class Divisions:
    """Division codes indexed by parent code for name lookups."""
    names: dict[str, str] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(default_factory=dict)

    def add(self, code: str, name: str, parent: str | None) -> None:
        self.names[code] = name
        self.children.setdefault(parent, []).append(code)

    def descendants(self, code: str | None, depth: int) -> list[str]:
        found = list(self.children.get(code, []))
        frontier = found
        for _ in range(depth - 1):
            frontier = [child for c in frontier for child in self.children.get(c, [])]
            found += frontier
        return found

    def match(self, name: str, candidates: list[str]) -> str | None:
        """The one candidate named `name` — exactly, else by stem, else by unique stem prefix."""
        if not name:
            return None
        exact = [code for code in candidates if self.names[code] == name]
        if len(exact) == 1:
            return exact[0]
        stem = name_stem(name)
        by_stem = [code for code in candidates if name_stem(self.names[code]) == stem]
        if len(by_stem) == 1:
            return by_stem[0]
        by_prefix = [
            code for code in candidates
            if len(stem) >= 2 and (self.names[code].startswith(stem) or stem.startswith(name_stem(self.names[code])))
        ]
        return by_prefix[0] if len(by_prefix) == 1 else None


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def build_regions(source: Path) -> tuple[list[dict[str, str | None]], Divisions]:
    rows: list[dict[str, str | None]] = []
    divisions = Divisions()
    for file_name, parent_key in (
        ("provinces.csv", None), ("cities.csv", "provinceCode"), ("areas.csv", "cityCode"), ("streets.csv", "areaCode"),
    ):
        for record in read_csv(source / "regions" / file_name):
            rows.append(region_row(record["code"], record["name"]))
            divisions.add(record["code"], record["name"], record[parent_key] if parent_key else None)
    rows.sort(key=lambda row: (len(row["division_code"] or ""), row["division_code"]))
    return rows, divisions


def match_portal_row(row: dict[str, str], divisions: Divisions) -> tuple[str | None, str | None]:
    """(division code, note) for a gov-portals row; the code is the nearest parent when the name is unknown."""
    depth = int(row["depth"])
    province = divisions.match(row["province"], divisions.descendants(None, 1))
    if province is None:
        return None, f"province {row['province']!r} has no 2023 division code"
    if depth == 1:
        return province, None
    if depth == 2:
        wanted = row["city"] or row["name"]
        cities = divisions.descendants(province, 1)
        code = None if province in MUNICIPALITIES else divisions.match(wanted, cities)
        code = code or divisions.match(wanted, divisions.descendants(province, 2)[len(cities):])
        if code:
            return code, None
        return province, f"no division named {wanted!r} in {divisions.names[province]}; using the province's code"
    city = divisions.match(row["city"], divisions.descendants(province, 1))
    parent = city or province
    counties = divisions.descendants(city, 1) if city else divisions.descendants(province, 2)
    code = divisions.match(row["county"] or row["name"], counties)
    if code is None and city is not None:
        code = divisions.match(row["county"] or row["name"], divisions.descendants(province, 2))
    if code:
        return code, None
    return parent, f"no division named {row['county'] or row['name']!r} in {divisions.names[parent]}; using the parent's code"


def home_urls(url: str) -> tuple[str, ...]:
    """The listed home page first, then the same page over the other scheme (portals serve one or both)."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    listed = urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))
    other = urlunsplit(("https" if parts.scheme == "http" else "http", parts.netloc.lower(), path, parts.query, ""))
    return (listed, other)


def host_slug(url: str) -> str:
    host = site_domain(urlsplit(url).hostname or "")
    host = host[: -len(".gov.cn")] if host.endswith(".gov.cn") else host
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "portal"


def column_for_page(page: dict) -> tuple[str, str | None]:
    """(column URL, platform) for a known report page: the listing it sits in when the URL shape tells."""
    parts = urlsplit(page["url"])
    kind = page.get("inferred_platform", "")
    platform = "hanweb" if "Hanweb" in kind else "trs" if "TRS" in kind else "gkmlpt" if "gkmlpt" in kind else None
    if "listing" in page.get("page_type", "") or "column" in page.get("page_type", ""):
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), platform
    hanweb = HANWEB_ARTICLE.match(parts.path)
    if hanweb:
        return urlunsplit((parts.scheme, parts.netloc, f"/col/col{hanweb.group(1)}/index.html", "", "")), "hanweb"
    dated = DATED_ARTICLE.match(parts.path)
    if dated:
        return urlunsplit((parts.scheme, parts.netloc, dated.group(1), "", "")), platform
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), platform


def publisher_for_page(page: dict, portal_code: str, divisions: Divisions) -> tuple[str | None, str | None, str | None]:
    """(publisher, level, division code) of a known page's column, read from its descriptive fields."""
    level_text = page.get("admin_level", "")
    named = re.search(r"\(([^()]{1,18}?(?:镇|乡|街道|苏木|办事处))\)", level_text)
    if re.search(r"town|township", level_text):
        level = "town"
    elif "street" in level_text:
        level = "sub-district"
    elif "department" in level_text or "office" in level_text:
        level = "department"
    else:
        level = None
    if named and level in ("town", "sub-district"):
        name = named.group(1)
        code = divisions.match(name, divisions.descendants(portal_code, 3))
        return name + ("人民政府" if name.endswith(("镇", "乡")) else "办事处"), level, code
    region_words = page.get("region", "").split()
    if level is None and "portal" in level_text and region_words:
        code = divisions.match(region_words[-1], divisions.descendants(portal_code, 2))
        if code and code != portal_code:
            return divisions.names[code] + "人民政府", "county", code
    return None, level, None


def region_for_page(page: dict, divisions: Divisions) -> str | None:
    """The division named by a known page's `region` field ("浙江 宁波 江北区"), most specific first."""
    candidates = divisions.descendants(None, 1)
    code = None
    for word in page.get("region", "").split():
        found = divisions.match(word, candidates)
        if found is None:
            break
        code = found
        candidates = [c for c in divisions.descendants(code, 2) if len(c) <= 6]
    return code


def build(source: Path, out_dir: Path = DATA_DIR) -> dict:
    """Write regions and portals into `out_dir` and return the build figures."""
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        digest.update((source / name).read_bytes())
    version = f"2023-divisions.{digest.hexdigest()[:12]}"
    region_rows, divisions = build_regions(source)
    write_regions_file(region_rows, out_dir / REGIONS_FILE.name)

    entries: list[dict] = []
    rejected: list[dict] = []
    claimed_hosts: dict[str, str] = {}
    matched = 0
    for line, row in enumerate(read_csv(source / "portals" / "gov-portals.csv"), start=2):
        where = {"line": line, "province": row["province"], "city": row["city"], "county": row["county"], "url": row["url"]}
        if url_problem(row["url"].strip()):
            rejected.append({**where, "reason": "no usable home URL"})
            continue
        code, note = match_portal_row(row, divisions)
        if code is None:
            rejected.append({**where, "reason": note})
            continue
        host = site_domain(urlsplit(row["url"]).hostname or "")
        if host in claimed_hosts:
            rejected.append({**where, "reason": f"home page already listed for portal {claimed_hosts[host]}; the source entry is likely wrong"})
            continue
        matched += note is None
        used_ids = {entry["portal_id"] for entry in entries}
        portal_id = code if note is None and code not in used_ids else f"{code}-{host_slug(row['url'])}"
        claimed_hosts[host] = portal_id
        name = divisions.names[code] + "人民政府" if note is None else row["name"]
        entries.append({**portal_entry(Portal(portal_id, code, name, home_urls(row["url"]))), **({"note": note} if note else {})})

    by_site = {site_domain(urlsplit(entry["home_urls"][0]).hostname or ""): entry for entry in entries}
    known = json.loads((source / "portals" / "known-report-pages.json").read_text(encoding="utf-8"))
    columns_added = 0
    for page in known["pages"]:
        host = (urlsplit(page["url"]).hostname or "").lower()
        entry = next((e for site, e in by_site.items() if host == site or host.endswith("." + site)), None)
        if entry is None:
            code = region_for_page(page, divisions)
            if code is None:
                rejected.append({"url": page["url"], "reason": f"no portal on this host and region {page.get('region')!r} has no division code"})
                continue
            base = urlunsplit((urlsplit(page["url"]).scheme, host, "/", "", ""))
            exact = divisions.names[code] in page.get("region", "")
            name = divisions.names[code] + "人民政府" if exact else page["region"].split()[-1]
            entry = portal_entry(Portal(f"{code}-{host_slug(base)}", code, name, home_urls(base)))
            entry["note"] = (
                f"added from a known report page of {page.get('region')!r}; home page not in gov-portals.csv"
                + ("" if exact else f"; no division of that name, using the parent {divisions.names[code]}")
            )
            entries.append(entry)
            by_site[site_domain(host)] = entry
        column_url, platform = column_for_page(page)
        publisher, level, code = publisher_for_page(page, entry["division_code"], divisions)
        column = ReportColumn(column_url, publisher, level, code)
        existing = entry.setdefault("report_columns", [])
        if any(c["url"] == column_url for c in existing):
            continue
        existing.append({k: v for k, v in vars(column).items() if v is not None})
        columns_added += 1
        if platform and not entry.get("platform"):
            entry["platform"] = platform
        if host != (urlsplit(entry["home_urls"][0]).hostname or "") and not any(
            host.endswith("." + site_domain(urlsplit(u).hostname or "")) or host == site_domain(urlsplit(u).hostname or "")
            for u in entry["home_urls"]
        ):
            entry.setdefault("extra_domains", []).append(host)

    portals, problems = portals_from_entries(entries, divisions.names)
    if problems:
        raise SystemExit("the built registry does not validate:\n  " + "\n  ".join(problems))
    write_registry(
        entries, out_dir / PORTALS_FILE.name, version=version,
        about="Government portals that publish 政府信息公开工作年度报告, joined to 2023 division codes. "
              "Edit by hand or rebuild with `python -m pipeline.registry.build --source DIR`.",
    )
    source_rows = matched + sum(1 for e in entries if e.get("note", "").startswith("no division")) + sum(
        1 for r in rejected if "line" in r
    )
    figures = {
        "registry_version": version,
        "regions": len(region_rows),
        "regions_by_level": {level: sum(1 for r in region_rows if r["level"] == level) for level in ("province", "city", "county", "town")},
        "source_portal_rows": source_rows,
        "portals": len(portals),
        "matched_by_name": matched,
        "matched_fraction": round(matched / source_rows, 4) if source_rows else 0.0,
        "kept_with_parent_code": [
            {"portal_id": e["portal_id"], "name": e["name"], "note": e["note"]} for e in entries if e.get("note", "").startswith("no division")
        ],
        "report_columns": columns_added,
        "portals_with_columns": sum(1 for p in portals if p.report_columns),
        "rejected": rejected,
    }
    (out_dir / BUILD_REPORT_FILE.name).write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="directory holding regions/ and portals/")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where to write the registry files")
    args = parser.parse_args(argv)
    missing = [name for name in SOURCE_FILES if not (args.source / name).is_file()]
    if missing:
        print(f"build: missing source file(s) under {args.source}: {', '.join(missing)}", file=sys.stderr)
        return 2
    figures = build(args.source, args.out)
    print(
        f"registry {figures['registry_version']}: {figures['regions']} regions, {figures['portals']} portals "
        f"({figures['matched_by_name']}/{figures['source_portal_rows']} = {figures['matched_fraction']:.1%} matched by name, "
        f"{len(figures['kept_with_parent_code'])} kept with a parent code, {len(figures['rejected'])} rejected), "
        f"{figures['report_columns']} report columns on {figures['portals_with_columns']} portals"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
