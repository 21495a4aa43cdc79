"""The columnar parse cache: parts written whole, found by key, the newest parse of a key wins."""
from pipeline.report.parse_cache import PART, ParseCache
from pipeline.report.parse_output import PARSE_KEY, ParseOutput
from tests.warehouse.nights import report


def output(key: str, received: int) -> ParseOutput:
    _, parsed = report(f"http://example.gov.cn/{key}.html", division="330424", publisher="海盐县人民政府",
                       year=2020, received=received, granted=received)
    return ParseOutput.of([(key, parsed)])


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
