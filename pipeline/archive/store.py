"""Content-addressed raw archive: every fetched body stored once under its sha256.

Keeping the exact bytes (not a parsed form) lets extraction be re-run on last year's crawl
and lets anyone verify what a portal served. Local paths need nothing beyond the standard
library; any fsspec URL (``s3://…``, ``memory://…``) works when fsspec is installed.
"""
from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

from pipeline.errors import InfrastructureError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ArchiveWriteError(InfrastructureError):
    """A file could not be written to the archive (disk full, I/O error, permissions)."""


class Storage:
    """Byte files under a root, written atomically; a local directory or an fsspec URL."""

    def __init__(self, root: str | os.PathLike) -> None:
        text = os.fspath(root)
        scheme, sep, rest = text.partition("://")
        if sep and scheme != "file":
            import fsspec  # only needed for remote or in-memory roots

            self._fs, base = fsspec.core.url_to_fs(text)
            self._base = base.rstrip("/")
            self._local: Path | None = None
        else:
            self._fs = None
            self._local = Path(rest if sep else text)
            self._base = str(self._local)
        self.root = text

    def location(self, relpath: str) -> str:
        if self._local is not None:
            return str(self._local / relpath)
        return f"{self._base}/{relpath}"

    def exists(self, relpath: str) -> bool:
        if self._local is not None:
            return (self._local / relpath).exists()
        return self._fs.exists(self.location(relpath))

    def size(self, relpath: str) -> int | None:
        try:
            if self._local is not None:
                return (self._local / relpath).stat().st_size
            return int(self._fs.size(self.location(relpath)))
        except (FileNotFoundError, OSError):
            return None

    def read(self, relpath: str) -> bytes:
        """Raises FileNotFoundError when absent."""
        if self._local is not None:
            return (self._local / relpath).read_bytes()
        return self._fs.cat_file(self.location(relpath))

    def write_atomic(self, relpath: str, data: bytes) -> None:
        """Readers never see a partial file: temp file + rename locally; object stores put whole objects.

        A failed write leaves no temporary file and raises ArchiveWriteError: it is the archive's
        fault, never the fault of whatever the bytes came from.
        """
        try:
            if self._local is None:
                self._fs.makedirs(self.location(relpath).rsplit("/", 1)[0], exist_ok=True)
                self._fs.pipe_file(self.location(relpath), data)
            else:
                self._write_local(self._local / relpath, data)
        except OSError as exc:
            raise ArchiveWriteError(
                f"cannot write {self.location(relpath)} ({len(data)} bytes) to the archive at {self.root}: "
                f"{exc.strerror or exc}; free space or repair that volume (or point GONGKAI_DATA_DIR elsewhere), "
                "then run the night again"
            ) from exc

    @staticmethod
    def _write_local(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temp, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)

    def list(self, reldir: str, suffix: str) -> list[str]:
        """Relative paths of the files directly under ``reldir`` ending in ``suffix``, sorted."""
        if self._local is not None:
            folder = self._local / reldir
            if not folder.is_dir():
                return []
            return sorted(f"{reldir}/{p.name}" for p in folder.iterdir() if p.name.endswith(suffix) and p.is_file())
        folder = self.location(reldir)
        if not self._fs.exists(folder):
            return []
        names = [str(p).rstrip("/").rsplit("/", 1)[-1] for p in self._fs.ls(folder, detail=False)]
        return sorted(f"{reldir}/{name}" for name in names if name.endswith(suffix))


class Archive:
    """Bodies stored once under ``{root}/blobs/ab/cd/<sha256>``, checked against their hash on read."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.storage = Storage(root)
        self.root = self.storage.root

    @staticmethod
    def _relpath(sha256: str) -> str:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r} (expected 64 lowercase hex characters)")
        return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path_for(self, sha256: str) -> str:
        """Where the blob lives (a local path or an fsspec URL path)."""
        return self.storage.location(self._relpath(sha256))

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its sha256; an intact existing copy is never rewritten."""
        digest = sha256_hex(data)
        relpath = self._relpath(digest)
        if self.storage.size(relpath) != len(data):  # absent, or a damaged copy left by a crash
            self.storage.write_atomic(relpath, data)
        return digest

    def has(self, sha256: str) -> bool:
        return self.storage.exists(self._relpath(sha256))

    def size(self, sha256: str) -> int | None:
        """The stored copy's size without reading it (None when absent): the cheap check of a blob verified before."""
        return self.storage.size(self._relpath(sha256))

    def get(self, sha256: str) -> bytes:
        """The stored bytes; KeyError if absent, ValueError if the copy no longer matches its hash."""
        relpath = self._relpath(sha256)
        try:
            data = self.storage.read(relpath)
        except FileNotFoundError:
            raise KeyError(
                f"blob {sha256} is not in the archive at {self.root} (looked for {self.path_for(sha256)}); "
                "re-fetch the document or point to the archive root that holds it"
            ) from None
        actual = sha256_hex(data)
        if actual != sha256:
            raise ValueError(
                f"blob {sha256} in {self.root} is corrupt (its bytes hash to {actual}); "
                f"delete {self.path_for(sha256)} and re-fetch the document"
            )
        return data
