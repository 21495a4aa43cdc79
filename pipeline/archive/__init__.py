"""Raw archive stage: content-addressed bodies and the append-only fetch log."""
from pipeline.archive.fetchlog import FetchEntry, FetchLog, Validators
from pipeline.archive.store import Archive, sha256_hex

__all__ = ["Archive", "FetchEntry", "FetchLog", "Validators", "sha256_hex"]
