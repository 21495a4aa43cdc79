"""Anti-bot challenge detection."""
from __future__ import annotations

import pytest

from pipeline.crawl.blocking import STUB_MAX_BYTES, detect_block, is_script_stub

RUISHU = b"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84081;$_ts.cd="qN3rrpAlWa"</script>
<script type="text/javascript" r='m' src="/4QbVtADbnLVI/c.FxJzG50F.0e7c1b1.js"></script></head><body></body></html>"""
JIASULE = b"<script>document.cookie=('_')+('_')+('jsl_clearance_s=1623')+';Expires=Tue';" \
          b"document.cookie='__jsl_clearance=1623914412.263|0|abc';location.href=location.pathname+location.search</script>"
STUB = b"<html><head><script src='/waf/check.js'></script><script>check();</script></head>\n<body>&nbsp;</body></html>"
REAL_PAGE = "<html><head><script>var a=1;</script></head><body><p>海盐县2023年政府信息公开工作年度报告</p></body></html>".encode()


def test_ruishu_412_is_blocked():
    assert "Ruishu" in detect_block(412, RUISHU)


def test_jiasule_521_is_blocked():
    assert "Jiasule" in detect_block(521, JIASULE)


def test_script_stub_200_is_blocked():
    assert "stub" in detect_block(200, STUB)


@pytest.mark.parametrize("status, body", [
    (412, b"Precondition Failed"),            # a real 412, no challenge script
    (521, b"origin down"),
    (200, REAL_PAGE),                           # scripts plus readable text
    (200, b"<html><body></body></html>"),      # empty but no script: an empty page, not a challenge
    (200, b"%PDF-1.4 binary"),
    (404, STUB),
    (200, None),
])
def test_ordinary_answers_are_not_blocks(status, body):
    assert detect_block(status, body) is None


def test_large_script_pages_are_not_stubs():
    big = b"<script>" + b"x" * STUB_MAX_BYTES + b"</script>"
    assert not is_script_stub(big)
    assert is_script_stub(b"<!-- waf --><SCRIPT>go()</SCRIPT>")
