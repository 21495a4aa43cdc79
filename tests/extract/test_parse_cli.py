import argparse
import json

import pytest

from pipeline.extract import parse_document
from pipeline.extract.cli import register
from pipeline.extract.parse import ends_inside_a_number


def main(argv: list[str]) -> int:
    """`gongkai parse` on its own, so these tests do not depend on the other stages' commands."""
    parser = argparse.ArgumentParser(prog="gongkai")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def report_file(tmp_path, report_rows, render, full_values):
    path = tmp_path / "tongyuan.txt"
    path.write_text(render(report_rows("2019", full_values("2019"), title="通元镇2019年政府信息公开工作年度报告"), "tab"),
                    encoding="utf-8")
    return path


def test_every_cell_has_a_locator(report_file):
    report = parse_document(report_file.read_bytes(), source=str(report_file), filename=report_file.name)
    assert report.status == "ok" and report.format == "text"
    assert report.cells.height > 150
    assert all(report.cells["locator"].str.len_chars() > 0)


@pytest.mark.parametrize("data, status", [
    (b"", "error"),
    (b"\x00\x01\x02\x03binary\xff\xfe" * 50, "error"),
    ("用微信扫描二维码分享至好友和朋友圈\n联系我们\n".encode(), "not_a_report"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "needs_ocr"),
])
def test_bad_input_never_raises(data, status):
    report = parse_document(data, source="x")
    assert report.status == status
    assert report.error
    assert report.to_contract()["error"]


def test_cli_jsonl_one_line_per_file_and_goes_on_after_errors(report_file, tmp_path, capsys):
    missing = tmp_path / "missing.pdf"
    junk = tmp_path / "junk.txt"
    junk.write_text("没有表格的页面\n", encoding="utf-8")
    code = main(["parse", "--format", "jsonl", str(missing), str(report_file), str(junk)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [line["source"] for line in lines] == [str(missing), str(report_file), str(junk)]
    assert str(missing) in lines[0]["error"]
    assert "error" in lines[2]
    good = lines[1]
    assert good["report"]["region"] == "通元镇" and good["report"]["template"] == "2019" and good["report"]["year"] == 2019
    cell = next(c for c in good["cells"] if (c["table"], c["row"], c["col"]) == ("applications", "new_received", "total"))
    assert set(cell) == {"table", "row", "col", "value", "raw", "flags", "locator"}
    assert isinstance(cell["value"], int)
    assert all({"check", "table", "row", "col", "ok", "detail"} <= set(c) for c in good["checks"])


def test_cli_table_format_shows_grid_flags_and_checks(report_file, capsys):
    assert main(["parse", "--format", "table", str(report_file)]) == 0
    out = capsys.readouterr().out
    assert "[applications]" in out and "region 通元镇" in out
    assert "checks:" in out and "applications_balance" in out


def test_a_copy_cut_off_right_after_a_number_flags_it(report_rows, render):
    printed = {"licensing.administrative_licensing.prior_year_items": "5", "licensing.administrative_licensing.change": "0",
               "licensing.administrative_licensing.decisions": "52"}
    text = render(report_rows("2019", printed, title="西店镇2019年政府信息公开工作年度报告"), "pipe_cells")
    key = ("administrative_licensing", "decisions")

    def decisions(stored: str) -> dict:
        report = parse_document(stored.encode(), source="cut.txt", filename="cut.txt")
        return {(c["row"], c["col"]): c for c in report.cells.iter_rows(named=True)}[key]

    cut = decisions(text[:text.index("52 |") + 2] + "\n")          # stored copy stops after '52'
    assert "uncertain" in cut["flags"] and "truncated" in cut["flags"]
    complete = decisions(text[:text.index("52 |") + 3] + "\n")     # '52 ': the space shows the cell ended
    assert complete["value"] == 52 and complete["flags"] == []


@pytest.mark.parametrize("tail, cut", [(b"52\n", True), (b"52", True), (b"52\r\n", True), (b"0 \n", False),
                                       (b"0 \r\n", False), (b"0\n\n", False), (b"| 0 |\n", False), (b"\xe6\x97\xa0\n", False)])
def test_ends_inside_a_number(tail, cut):
    assert ends_inside_a_number(b"header\n" + tail) is cut


def test_cli_prints_a_partial_report_and_does_not_fail_on_it(tmp_path, report_rows, render, full_values, capsys):
    text = render(report_rows("2019", full_values("2019"), title="通元镇2019年政府信息公开工作年度报告"), "tab")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[:text.index("（三）不予公开")], encoding="utf-8")
    assert main(["parse", "--format", "jsonl", str(cut)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["status"] == "partial" and line["report"]["notes"] == ["truncated"]
    assert 0 < line["report"]["completeness"] < 1 and "applications.total_processed" in line["report"]["missing_rows"]
    assert main(["parse", "--format", "table", str(cut)]) == 0
    out = capsys.readouterr().out
    assert "partial · completeness" in out and "… " in out and "ends inside its tables" in out
