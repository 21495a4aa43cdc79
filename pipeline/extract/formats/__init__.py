"""Format readers: bytes of one document → TextBlock/TableBlock in reading order.

Each module exposes ``read_blocks(data, *, filename=None, content_type=None) -> list[Block]``
(html, pdf, docx, office for DOC/WPS/RTF via LibreOffice; plain text lives in
``pipeline.extract.text``; image via OCR). ``read_document`` sniffs the format and dispatches. A reader
never returns an empty list for a document it could not read: it raises ``NeedsOCR`` when the
text exists only as pixels, ``UnreadableDocument`` (with what to do about it) otherwise.
"""
from __future__ import annotations

import importlib

from pipeline.extract.blocks import Block
from pipeline.extract.sniff import sniff_format


class UnreadableDocument(Exception):
    """The document cannot be read: corrupt, unsupported, too large, or a tool is missing."""


class NeedsOCR(UnreadableDocument):
    """The document's text exists only as images (a scan, a photo): it needs OCR first."""


_READERS = {
    "html": "pipeline.extract.formats.html",
    "pdf": "pipeline.extract.formats.pdf",
    "docx": "pipeline.extract.formats.docx",
    "doc": "pipeline.extract.formats.office",
    "wps": "pipeline.extract.formats.office",
    "rtf": "pipeline.extract.formats.office",
    "text": "pipeline.extract.text",
    "image": "pipeline.extract.formats.image",
}

_NOT_READ = {
    "empty": "the document is empty (0 bytes or only whitespace)",
    "xls": "the document is a spreadsheet (xls/xlsx/et), not a report text: reports are not read from spreadsheets",
    "zip": "the document is an archive (zip/rar/7z/gz): unpack it and parse the report inside",
    "ofd": "the document is an OFD file, which is not supported: convert it to PDF (e.g. with 数科OFD阅读器) and parse that",
    "unknown": "the document's format is not recognised (no known magic bytes, content type or extension)",
}


def read_document(data: bytes, *, filename: str | None = None,
                  content_type: str | None = None) -> tuple[str, list[Block]]:
    """(format, blocks) of one document; raises NeedsOCR or UnreadableDocument."""
    fmt = sniff_format(data, filename=filename, content_type=content_type)
    if fmt in _NOT_READ:
        raise UnreadableDocument(_NOT_READ[fmt])
    reader = importlib.import_module(_READERS[fmt])
    return fmt, reader.read_blocks(data, filename=filename, content_type=content_type)
