"""Image attachments (PNG, JPEG, TIFF, GIF, BMP, WebP) → blocks, by OCR of their ruled tables."""
from __future__ import annotations

from pipeline.extract.blocks import Block
from pipeline.extract.formats import NeedsOCR


def read_blocks(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> list[Block]:
    from pipeline.extract.ocr import image_pages, ocr_tables

    try:
        pages = image_pages(data)
    except Exception as exc:   # PIL raises many kinds on a corrupt or truncated file
        raise NeedsOCR(f"the image cannot be decoded ({type(exc).__name__}: {exc}); fetch it again") from exc
    tables = ocr_tables(pages, list(range(1, len(pages) + 1)), what="image")
    return [block for number in sorted(tables) for block in tables[number]]
