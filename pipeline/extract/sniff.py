"""Which format a fetched document really is.

Portals mislabel files all the time: a `.doc` link serving an HTML page, a PDF served as
`application/octet-stream`, a WPS file named `.doc`. The bytes decide first (magic numbers,
the members of a zip or OLE container), then the HTTP content type, then the file extension.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

FORMATS = ("html", "pdf", "docx", "doc", "rtf", "wps", "text", "image", "ofd", "xls", "zip", "empty", "unknown")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<meta|<body|<title|<table|<div|<p[\s>]|<!--)", re.I)
_HTML_ANYWHERE = re.compile(rb"<(html|body|table|div|p|br|span|meta)[\s>/]", re.I)

_CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "application/pdf": "pdf", "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/rtf": "rtf", "text/rtf": "rtf",
    "application/kswps": "wps", "application/wps-office.wps": "wps", "application/vnd.ms-works": "wps",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xls",
    "application/ofd": "ofd",
    "application/zip": "zip", "application/x-zip-compressed": "zip",
    "application/x-rar-compressed": "zip", "application/x-7z-compressed": "zip",
    "text/plain": "text", "text/markdown": "text",
}

_EXTENSIONS = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".jsp": "html", ".asp": "html",
    ".aspx": "html", ".php": "html",
    ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".rtf": "rtf", ".wps": "wps",
    ".txt": "text", ".md": "text",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".tif": "image", ".tiff": "image",
    ".bmp": "image", ".ofd": "ofd", ".xls": "xls", ".xlsx": "xls", ".et": "xls",
    ".zip": "zip", ".rar": "zip", ".7z": "zip",
}


def sniff_format(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> str:
    """One of FORMATS: magic bytes first, then content type, then extension."""
    if not data or not data.strip():
        return "empty"
    by_bytes = _from_bytes(data, filename)
    if by_bytes:
        return by_bytes
    declared = _from_content_type(content_type) or _from_extension(filename)
    # A declared binary format whose magic bytes are absent is not that format: judge the text.
    if declared in ("html", "text") or _looks_like_text(data):
        return "html" if _looks_like_html(data) else "text"
    return "unknown"


def _from_bytes(data: bytes, filename: str | None) -> str | None:
    head = data[:1024].lstrip()
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, filename)
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:  # readers accept junk before the header
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if any(data.startswith(magic) for magic in _IMAGE_MAGIC) or data[8:12] == b"WEBP":
        return "image"
    if data.startswith((b"Rar!", b"7z\xbc\xaf'\x1c", b"\x1f\x8b")):
        return "zip"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:2048].decode("utf-16", errors="ignore").encode("utf-8")
    if _HTML_START.match(_strip_bom(head)):
        return "html"
    return None


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # a truncated zip has no central directory: judge by the member names in local headers
        names = {"word/"} if b"word/" in data else {"xl/"} if b"xl/" in data else set()
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xls"
    if "OFD.xml" in names or any(name.lower().endswith("ofd.xml") for name in names):
        return "ofd"
    return "zip"


def _ole_kind(data: bytes, filename: str | None) -> str:
    """Word, WPS and Excel all use the OLE compound file: tell them apart by the stream names
    in the first directory sector; WPS writes a WordDocument stream too, so its name decides."""
    names = _ole_stream_names(data)
    if "WordDocument" in names:
        return "wps" if _from_extension(filename) == "wps" else "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    if names:
        return "unknown"
    return "wps" if _from_extension(filename) == "wps" else "doc"


def _ole_stream_names(data: bytes) -> set[str]:
    """Names in the compound file's directory, following its sector chain through the FAT."""
    def u32(offset: int) -> int:
        return int.from_bytes(data[offset:offset + 4], "little")

    sector_size = 1 << int.from_bytes(data[30:32], "little")
    if sector_size not in (512, 4096):
        return set()
    per_fat_sector = sector_size // 4
    fat_sectors = [u32(0x4C + 4 * i) for i in range(min(u32(0x2C), 109))]
    names: set[str] = set()
    sector, seen = u32(48), set()
    while sector < 0xFFFFFFFA and sector not in seen and len(seen) < 256:
        seen.add(sector)
        start = (sector + 1) * sector_size
        for offset in range(start, min(start + sector_size, len(data) - 127), 128):
            length = int.from_bytes(data[offset + 64:offset + 66], "little")
            if 2 <= length <= 64:
                names.add(data[offset:offset + length - 2].decode("utf-16-le", "replace"))
        fat_index = sector // per_fat_sector
        if fat_index >= len(fat_sectors):
            break
        sector = u32((fat_sectors[fat_index] + 1) * sector_size + 4 * (sector % per_fat_sector))
    return names


def _from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime.startswith("image/"):
        return "image"
    return _CONTENT_TYPES.get(mime)


def _from_extension(filename: str | None) -> str | None:
    if not filename:
        return None
    path = filename.split("?", 1)[0].split("#", 1)[0]
    return _EXTENSIONS.get(PurePosixPath(path).suffix.lower())


def _strip_bom(data: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(bom):
            return data[len(bom):].lstrip()
    return data


def _looks_like_html(data: bytes) -> bool:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = sample.decode("utf-16", errors="ignore").encode("utf-8")
    return bool(_HTML_ANYWHERE.search(sample))


def _looks_like_text(data: bytes) -> bool:
    """Few control bytes: text in some encoding rather than a binary file."""
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return controls <= len(sample) // 100
