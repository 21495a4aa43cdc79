"""Extraction: document bytes → blocks → contract cells, metadata and checks."""
from pipeline.extract.parse import parse_document

__all__ = ["parse_document"]
