"""Documents whose bytes mix two encodings (UTF-8 and GBK), as a page stitched from two sources is.

Such a page is valid in neither encoding as a whole, and decoding it as either garbles the other
part's labels, so its tables read as a handful of cells. ASCII is the same in both, so the
non-ASCII runs between ASCII bytes are judged one by one: a run that is valid UTF-8 and decodes to
CJK characters is UTF-8, any other run is GB18030. Where the first run of the second encoding
starts, the document stops being one text: readers mark it with `MIXED_ENCODING_MARK` so the
template model can flag every cell read from there on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MIXED_ENCODING_MARK = "\ufdd0"   # a Unicode noncharacter: never printed by a real document
END_MARK = "\ufdd1"              # where a document cut off inside a table ends (see formats/html.py)
MARKS = MIXED_ENCODING_MARK + END_MARK
MIN_RUN_CHARS = 2                # a run this long or longer is evidence of its encoding
MIN_EVIDENCE_CHARS = 4           # each encoding needs this many characters of evidence: a stray run is chance

_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")


@dataclass(frozen=True)
class MixedText:
    text: str
    switch_at: int   # offset in `text` where the second encoding's first run starts


def decode_mixed(data: bytes) -> MixedText | None:
    """The bytes decoded run by run when they hold both UTF-8 and GBK text of some length, else None."""
    pieces: list[str] = []
    first_kind: str | None = None
    switch_at: int | None = None
    kinds: dict[str, int] = {"utf-8": 0, "gb18030": 0}
    position = 0
    length = 0
    runs = list(_NON_ASCII_RUN.finditer(data))
    for k, run in enumerate(runs):
        ascii_text = data[position:run.start()].decode("ascii")
        pieces.append(ascii_text)
        length += len(ascii_text)
        kind, text = _decode_run(run.group(), last=k == len(runs) - 1 and run.end() == len(data))
        if len(text) >= MIN_RUN_CHARS:
            kinds[kind] += len(text)
            if first_kind is None:
                first_kind = kind
            elif kind != first_kind and switch_at is None:
                switch_at = length
        pieces.append(text)
        length += len(text)
        position = run.end()
    pieces.append(data[position:].decode("ascii"))
    if switch_at is None or min(kinds.values()) < MIN_EVIDENCE_CHARS:
        return None
    return MixedText("".join(pieces), switch_at)


def _decode_run(run: bytes, *, last: bool) -> tuple[str, str]:
    """(encoding, text) of one non-ASCII run; the document's last run may end in a cut-off character."""
    try:
        text = run.decode("utf-8")
    except UnicodeDecodeError as exc:
        if last and exc.start >= len(run) - 3 and exc.reason == "unexpected end of data":
            text = run[:exc.start].decode("utf-8", errors="replace")
        else:
            text = ""
    if text and all(ord(char) >= 0x2000 for char in text):
        return "utf-8", text
    return "gb18030", run.decode("gb18030", errors="replace")


def strip_marks(text: str) -> str:
    return text.translate({ord(mark): None for mark in MARKS}) if any(m in text for m in MARKS) else text
