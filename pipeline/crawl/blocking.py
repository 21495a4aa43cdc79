"""Soft-block detection: anti-bot answers that must never pass for a page or an empty column.

- 瑞数 Ruishu: HTTP 412 with an inline ``$_ts`` bootstrap script.
- 加速乐 Jiasule: HTTP 521 with a script setting the ``__jsl_clearance`` cookie.
- A 200 whose body is a tiny page of scripts and nothing readable (the 1–2 KB stubs some
  WAFs serve in place of the page).

A tiny script page that only sends the browser to a URL written in it (`location.replace("/xxgk/")`,
`window.location.href = "…"`) is a redirect shell, not a challenge: many portals' home pages and
columns are exactly that. A challenge computes where to go, or sets a cookie first.
"""
from __future__ import annotations

import re

STUB_MAX_BYTES = 3 * 1024

_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_OPEN = re.compile(rb"<script\b", re.IGNORECASE)
_CHALLENGE_MARKS = re.compile(rb"document\.cookie|\$_ts|__jsl|\beval\s*\(|String\.fromCharCode|atob\s*\(", re.I)
_SCRIPT_REDIRECT = re.compile(
    rb"""(?:window\.|top\.|self\.|document\.|parent\.)?location(?:\.href)?\s*(?:=|\.replace\s*\(|\.assign\s*\()\s*["']([^"'\s<>]{1,500})["']""",
    re.I)
_NON_TEXT = re.compile(rb"<!--.*?-->|<style\b[^>]*>.*?</style\s*>|<[^>]*>|&nbsp;|&#160;", re.IGNORECASE | re.DOTALL)


def detect_block(status: int | None, body: bytes | None) -> str | None:
    """A short reason when the answer is an anti-bot challenge, else None."""
    body = body or b""
    if status == 412 and b"$_ts" in body:
        return "Ruishu anti-bot challenge (HTTP 412 with a $_ts script)"
    if status == 521 and b"__jsl_clearance" in body:
        return "Jiasule anti-bot challenge (HTTP 521 with a __jsl_clearance cookie script)"
    if status == 200 and is_script_stub(body):
        return f"script-only stub page ({len(body)} bytes, no readable text): anti-bot challenge"
    return None


def is_script_stub(body: bytes) -> bool:
    """True for a small body made of scripts with no visible text around them."""
    if len(body) >= STUB_MAX_BYTES or not _SCRIPT_OPEN.search(body):
        return False
    visible = _NON_TEXT.sub(b"", _SCRIPT.sub(b"", body))
    return not visible.strip() and script_redirect_target(body) is None


def script_redirect_target(body: bytes) -> str | None:
    """The literal URL a redirect shell sends the browser to; None for a page that computes it (a challenge)."""
    if _CHALLENGE_MARKS.search(body):
        return None
    match = _SCRIPT_REDIRECT.search(body)
    return match.group(1).decode("utf-8", "replace") if match else None
