"""The columnar parse cache: parts written whole, found by key, the newest parse of a key wins."""
from pipeline.report.parse_cache import PART, ParseCache
from pipeline.report.parse_output import PARSE_KEY, ParseOutput
from tests.warehouse.nights import report


def parsed(key: str, received: int):
    return report(f"http://example.gov.cn/{key}.html", division="330424", publisher="海盐县人民政府",
                  year=2020, received=received, granted=received)[1]


def output(key: str, received: int) -> ParseOutput:
    return ParseOutput.of([(key, parsed(key, received))])


def test_parts_are_found_by_key_and_the_newest_parse_of_a_key_wins(tmp_path):
    cache = ParseCache(tmp_path, "1.0+abc")
    assert cache.index().height == 0
    cache.add(output("a", 1))
    cache.add(output("b", 2))
    cache.add(output("a", 3))
    cache.add(ParseOutput.of([]))
    index = dict(cache.index().select(PARSE_KEY, PART).iter_rows())
    assert len(cache.parts()) == 3 and set(index) == {"a", "b"}
    newest = cache.read(index["a"])
    assert newest.cells.filter(newest.cells["row"] == "new_received")["value"].to_list() == [3.0, 3.0]


def test_another_parser_version_starts_empty(tmp_path):
    ParseCache(tmp_path, "1.0+abc").add(output("a", 1))
    assert ParseCache(tmp_path, "1.0+def").index().height == 0


def received_of(cache: ParseCache, key: str) -> float:
    part = dict(cache.index().select(PARSE_KEY, PART).iter_rows())[key]
    cells = cache.read(part).cells
    return cells.filter((cells[PARSE_KEY] == key) & (cells["row"] == "new_received"))["value"][0]


def test_small_parts_are_merged_into_one_that_keeps_each_keys_newest_parse(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.report.parse_cache.SMALL_PART_DOCUMENTS", 2)
    cache = ParseCache(tmp_path, "1.0+abc")
    cache.add(output("a", 1))
    cache.add(ParseOutput.of([(key, parsed(key, 50)) for key in ("a", "x", "y")]))
    for night in range(8):
        cache.add(output(f"n{night}", night))
    cache.add(output("n0", 100))
    assert cache.compact() == 10, "the ten one-document parts, not the three-document one"
    assert len(cache.parts()) == 2
    assert cache.index().height == 11
    assert received_of(cache, "a") == 50, "the newer, unmerged part still wins for a"
    assert received_of(cache, "n0") == 100
    assert received_of(cache, "n7") == 7
    merged = cache.read(dict(cache.index().select(PARSE_KEY, PART).iter_rows())["n0"])
    assert sorted(merged.documents[PARSE_KEY].to_list()) == sorted(["n0", *(f"n{i}" for i in range(1, 8))]), \
        "stale rows (a's first parse, n0's first parse) are dropped"
    assert cache.compact() == 0, "nothing left to merge"


def test_mostly_stale_parts_are_merged(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.report.parse_cache.SMALL_PART_DOCUMENTS", 1)
    monkeypatch.setattr("pipeline.report.parse_cache.MERGE_AFTER_PARTS", 2)
    cache = ParseCache(tmp_path, "1.0+abc")
    cache.add(ParseOutput.of([(key, parsed(key, 1)) for key in "abc"]))
    cache.add(ParseOutput.of([(key, parsed(key, 1)) for key in "def"]))
    cache.add(ParseOutput.of([(key, parsed(key, 2)) for key in "abde"]))
    assert cache.compact() == 2, "both older parts hold one live key of three"
    assert sorted(cache.index()[PARSE_KEY].to_list()) == list("abcdef")
    assert received_of(cache, "c") == 1 and received_of(cache, "f") == 1 and received_of(cache, "a") == 2


def test_compaction_waits_for_no_night_and_never_removes_a_part_being_read(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.report.parse_cache.MERGE_AFTER_PARTS", 2)
    cache = ParseCache(tmp_path, "1.0+abc")
    cache.add(output("a", 1))
    cache.add(output("b", 2))
    with ParseCache(tmp_path, "1.0+abc").reading():
        assert cache.compact() == 0
        assert len(cache.parts()) == 2
    assert cache.compact() == 2 and len(cache.parts()) == 1


def test_compaction_removes_other_parser_versions(tmp_path):
    ParseCache(tmp_path, "1.0+old").add(output("a", 1))
    (tmp_path / "1.0+old").mkdir()
    (tmp_path / "1.0+old" / "a.json").write_text("{}")
    current = ParseCache(tmp_path, "1.0+new")
    current.add(output("a", 2))
    current.compact()
    assert sorted(p.name for p in (tmp_path / "parts").iterdir() if p.is_dir()) == ["1.0+new"]
    assert not (tmp_path / "1.0+old").exists()
    assert received_of(current, "a") == 2

