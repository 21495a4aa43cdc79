"""Documents that are not whole: cut off inside their tables, or mixing UTF-8 and GBK.

Each is generated from a known report, damaged, and parsed: the report must say so (`truncated` /
`mixed_encoding` note, status `partial`), flag every cell read past the cut `uncertain`, and
assert nothing wrong without that flag.
"""
import pytest

from pipeline.extract.encoding import decode_mixed
from pipeline.extract.parse import parse_document
from pipeline.fixtures.documents import render_html, render_text, sample_report


def cells_by_key(report):
    return {f"{c['table']}.{c['row']}.{c['col']}": c for c in report.cells.iter_rows(named=True)}


def assert_no_silent_error(report, values):
    """Every cell asserted without `uncertain` holds the value the document was made from."""
    for key, cell in cells_by_key(report).items():
        if "uncertain" not in cell["flags"]:
            assert cell["value"] == (float(values[key]) if key in values else None), key


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("cut_inside", ["row", "number", "tag"])
def test_html_cut_off_inside_a_table_is_truncated_and_its_last_row_uncertain(template, cut_inside):
    meta, values = sample_report(template, seed=11)
    values["applications.granted.natural_person"] = 123     # a number with digits to lose
    page = render_html(meta, values).decode("utf-8")
    row_start = page.index("予以公开")
    number = page.index(">123<", row_start) + 1
    cut = {"row": page.index("</td>", number) + len("</td>"), "number": number + 2,
           "tag": page.index("</td>", number) + 3}[cut_inside]
    report = parse_document(page[:cut].encode("utf-8"), source="cut.html")

    assert report.status == "partial" and report.notes == ["truncated"]
    assert "ends inside its tables" in report.error
    cells = cells_by_key(report)
    granted = [cell for key, cell in cells.items() if key.startswith("applications.granted.")]
    assert granted and all({"uncertain", "truncated"} <= set(cell["flags"]) for cell in granted)
    assert cells["applications.new_received.total"]["flags"] == []    # rows before the cut stay as read
    assert "applications.total_processed.total" not in cells          # nothing past the cut is made up
    assert report.completeness < 0.7 and "applications.total_processed" in report.missing_rows
    assert_no_silent_error(report, values)


def test_html_cut_after_a_complete_row_flags_no_cell():
    meta, values = sample_report("2021", seed=12)
    page = render_html(meta, values).decode("utf-8")
    cut = page.index("</tr>", page.index("予以公开")) + len("</tr>")
    report = parse_document(page[:cut].encode("utf-8"), source="cut.html")
    assert report.status == "partial" and report.notes == ["truncated"]
    assert not [c for c in report.cells.iter_rows(named=True) if "uncertain" in c["flags"]]
    assert cells_by_key(report)["applications.granted.total"]["value"] == values["applications.granted.total"]


@pytest.mark.parametrize("layout", ["tab", "pipe", "cell_per_line"])
def test_text_copy_ending_inside_its_tables_is_truncated(layout):
    meta, values = sample_report("2019", seed=13)
    text = render_text(meta, values, layout)
    label = text.index("（一）予以公开") + len("（一）予以公开")
    row_end = text.index("\n\n" if layout == "cell_per_line" else "\n", label)
    separator = {"tab": "\t", "pipe": " |", "cell_per_line": "\n"}[layout]
    mid_row = text.rindex(separator, label, (label + row_end) // 2)   # after a whole cell, some cells short

    cut = parse_document(text[:mid_row].encode("utf-8"), source="cut.txt")
    assert cut.status == "partial" and cut.notes == ["truncated"]
    assert_no_silent_error(cut, values)
    granted = [c for k, c in cells_by_key(cut).items() if k.startswith("applications.granted.")]
    assert granted and all({"uncertain", "truncated"} <= set(c["flags"]) for c in granted), "its missing cells are not blank"

    whole_row = parse_document(text[:row_end].encode("utf-8") + b" \n", source="cut.txt")
    assert whole_row.status == "partial" and whole_row.notes == ["truncated"]
    assert cells_by_key(whole_row)["applications.granted.total"]["flags"] == [], "a row the copy holds in full stays read"


def test_complete_documents_carry_no_note():
    meta, values = sample_report("2021", seed=14)
    for data, name in ((render_html(meta, values), "r.html"), (render_text(meta, values).encode(), "r.txt")):
        report = parse_document(data, source=name)
        assert (report.status, report.notes, report.completeness, report.missing_rows) == ("ok", [], 1.0, [])


def mixed(document: str, switch_before: str) -> bytes:
    """The document with everything from `switch_before` on encoded as GBK, the rest as UTF-8."""
    at = document.index(switch_before)
    return document[:at].encode("utf-8") + document[at:].encode("gbk")


@pytest.mark.parametrize("kind", ["html", "text"])
def test_mixed_utf8_and_gbk_is_noted_and_cells_past_the_switch_are_uncertain(kind):
    meta, values = sample_report("2021", seed=15)
    document = render_html(meta, values).decode("utf-8") if kind == "html" else render_text(meta, values)
    report = parse_document(mixed(document, "三、收到和处理政府信息公开申请情况"), source=f"mixed.{kind}")

    assert report.status == "partial" and "mixed_encoding" in report.notes
    assert "mixes two text encodings" in report.error
    cells = cells_by_key(report)
    before = [c for k, c in cells.items() if not k.startswith(("applications.", "review_litigation."))]
    after = [c for k, c in cells.items() if k.startswith(("applications.", "review_litigation."))]
    assert len(before) == sum(1 for k in values if not k.startswith(("applications.", "review_litigation.")))
    assert all(c["flags"] == [] for c in before if c["raw"])
    assert len(after) > 150, "both encodings are decoded, so the tables past the switch are still found"
    assert all({"uncertain", "mixed_encoding"} <= set(c["flags"]) for c in after)
    assert_no_silent_error(report, values)


def test_decode_mixed_only_answers_for_a_real_mix():
    chinese = "政府信息公开工作年度报告"
    assert decode_mixed(chinese.encode("gbk")) is None
    assert decode_mixed(b"<p>" + chinese.encode("gbk") + b"</p><p>" + "申请".encode("utf-8") + b"</p>") is None
    found = decode_mixed(b"<p>" + chinese.encode("utf-8") + b"</p><p>" + "行政复议".encode("gbk") + b"</p>")
    assert found is not None and found.text == f"<p>{chinese}</p><p>行政复议</p>"
    assert found.text[found.switch_at:].startswith("行政复议")


def test_partial_status_notes_and_completeness_survive_the_parse_cache_form():
    from pipeline.report.model import ParsedReport

    meta, values = sample_report("2021", seed=16)
    page = render_html(meta, values).decode("utf-8")
    report = parse_document(page[:page.index("予以公开") + 40].encode("utf-8"), source="cut.html")
    again = ParsedReport.from_contract(report.to_contract())
    assert (again.status, again.notes, again.completeness, again.missing_rows, again.error) == (
        report.status, report.notes, report.completeness, report.missing_rows, report.error)
