"""PDF cells must not depend on the fonts installed on the host.

A non-embedded font (STSong-Light in the demo's PDFs) is drawn by PDFium with whatever system
font it finds: with Debian's fonts-noto-cjk installed its glyph boxes are Noto's, without it
they are empty. The same documents are parsed in two fresh processes, one with the system's
fonts and one with every system font hidden from PDFium (a system-font handler that finds
nothing), and the cells must be identical.

The check needs a CJK system font for PDFium to find (`apt-get install fonts-noto-cjk`); without
one both runs see the same fonts and the test is skipped, unless GONGKAI_REQUIRE_CJK_FONTS=1
(as `.ci/run` sets) makes that a failure.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.fixtures.catalogue import showcase_portals
from pipeline.fixtures.sites.base import render_attachment

PROJECT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).parent / "recorded"
EVAL_CORPUS = PROJECT.parent / "shared" / "eval" / "corpus"

PROBE = r"""
import ctypes, json, sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.extract.parse import parse_document


class NoSystemFonts(pdfium.PdfSysfontBase):
    # PDFium finds no system font and falls back to its built-in ones, which have no CJK glyphs.
    def EnumFonts(self, _, mapper):
        return None

    def MapFont(self, _, weight, italic, charset, pitch_family, face, exact):
        return None

    def GetFont(self, _, face):
        return None


if sys.argv[1] == "hidden":
    handler = NoSystemFonts()
    handler.setup()


def cjk_glyphs_drawn(data):
    # CJK characters of a non-embedded font for which PDFium found a glyph with an outline
    document = pdfium.PdfDocument(data)
    textpage = document[0].get_textpage()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    found = 0
    for i in range(textpage.count_chars()):
        if 0x4E00 <= pdfium_c.FPDFText_GetUnicode(textpage.raw, i) <= 0x9FFF:
            pdfium_c.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
            found += top.value - bottom.value > 0.5
    return found


paths = [Path(p) for p in sys.argv[2:]]
reports = {}
for path in paths:
    report = parse_document(path.read_bytes(), source=path.name)
    cells = sorted((c["table"], c["row"], c["col"], c["value"], c["raw"], c["flags"])
                   for c in report.cells.iter_rows(named=True))
    reports[path.name] = {"status": report.status, "error": report.error, "notes": report.notes,
                          "completeness": report.completeness, "cells": cells}
print(json.dumps({"cjk_glyphs": cjk_glyphs_drawn(paths[0].read_bytes()), "reports": reports}))
"""


def _parse_in_process(fonts: str, paths: list[Path]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, fonts, *map(str, paths)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _assert_same_cells_with_and_without_fonts(paths: list[Path]) -> dict:
    """Parse with fonts visible and hidden; the first path must use a non-embedded CJK font."""
    visible = _parse_in_process("visible", paths)
    hidden = _parse_in_process("hidden", paths)
    assert hidden["cjk_glyphs"] == 0, "hiding the system fonts from PDFium did not work"
    if visible["cjk_glyphs"] == 0:
        message = "no CJK system font for PDFium to substitute: apt-get install fonts-noto-cjk"
        if os.environ.get("GONGKAI_REQUIRE_CJK_FONTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    for name in visible["reports"]:
        assert visible["reports"][name] == hidden["reports"][name], name
    return visible["reports"]


def _demo_pdfs(directory: Path) -> list[Path]:
    """Every PDF attachment the demo's portals serve, as the fixture server renders it."""
    paths = []
    for spec in showcase_portals():
        for publication in spec.publications:
            if publication.format in ("pdf", "pdf-unruled"):
                path = directory / f"{publication.key.replace('/', '_')}-{publication.format}.pdf"
                path.write_bytes(render_attachment(publication))
                paths.append(path)
    unruled = [p for p in paths if p.name.endswith("-pdf-unruled.pdf")]
    return unruled + [p for p in paths if p not in unruled]


def test_demo_pdfs_read_the_same_with_and_without_cjk_fonts(tmp_path):
    generated = _demo_pdfs(tmp_path)
    real = sorted(RECORDED.glob("*.pdf"))
    reports = _assert_same_cells_with_and_without_fonts(generated + real)
    for path in real:   # hongze prints rows no reader can settle: partial, never a cut or a collapsed layout
        assert reports[path.name]["status"] in ("ok", "partial"), (path.name, reports[path.name]["error"])
        assert reports[path.name]["notes"] == [], path.name
    for path in generated + real:
        report = reports[path.name]
        if path in generated:
            assert report["status"] == "ok", (path.name, report["error"])
        printed = [cell for cell in report["cells"] if cell[3] is not None]
        assert len(printed) >= 150, path.name   # a whole report, not the 43 cells of a collapsed layout
        assert not [cell for cell in report["cells"] if "uncertain" in cell[5]], path.name


@pytest.mark.skipif(not EVAL_CORPUS.is_dir(), reason="the shared evaluation corpus is not next to the checkout")
def test_eval_pdfs_read_the_same_with_and_without_cjk_fonts(tmp_path):
    # the eval's PDFs embed their fonts: a demo PDF goes first so the probe sees a non-embedded one
    paths = _demo_pdfs(tmp_path)[:1] + sorted(EVAL_CORPUS.glob("*.pdf"))
    reports = _assert_same_cells_with_and_without_fonts(paths)
    assert all(reports[p.name]["status"] in ("ok", "partial") and not reports[p.name]["notes"] for p in paths)
