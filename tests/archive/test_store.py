"""Content-addressed archive: stored once, written atomically, verified on read, local or fsspec."""
from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from pipeline.archive import Archive, store
from pipeline.archive.store import ArchiveWriteError

BODY = "海盐县2023年政府信息公开工作年度报告".encode()
DIGEST = hashlib.sha256(BODY).hexdigest()


def test_put_returns_the_sha256_and_lays_out_blobs_by_prefix(tmp_path):
    archive = Archive(tmp_path)
    assert archive.put(BODY) == DIGEST
    expected = tmp_path / "blobs" / DIGEST[:2] / DIGEST[2:4] / DIGEST
    assert Path(archive.path_for(DIGEST)) == expected and expected.read_bytes() == BODY
    assert archive.has(DIGEST) and archive.get(DIGEST) == BODY


def test_existing_blobs_are_not_rewritten(tmp_path):
    archive = Archive(tmp_path)
    archive.put(BODY)
    blob = Path(archive.path_for(DIGEST))
    before = blob.stat()
    archive.put(BODY)
    after = blob.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_damaged_copy_is_replaced_on_put(tmp_path):
    archive = Archive(tmp_path)
    archive.put(BODY)
    Path(archive.path_for(DIGEST)).write_bytes(b"")  # e.g. a crash left an empty file
    archive.put(BODY)
    assert archive.get(DIGEST) == BODY


def test_writes_leave_no_temporary_files(tmp_path):
    archive = Archive(tmp_path)
    for index in range(20):
        archive.put(BODY + str(index).encode())
    names = [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert len(names) == 20 and not [n for n in names if n.endswith(".tmp")]


def test_missing_blob_raises_key_error_naming_it(tmp_path):
    with pytest.raises(KeyError, match=f"blob {DIGEST} is not in the archive"):
        Archive(tmp_path).get(DIGEST)
    assert not Archive(tmp_path).has(DIGEST)


def test_corrupt_blob_is_detected_on_read(tmp_path):
    archive = Archive(tmp_path)
    archive.put(BODY)
    Path(archive.path_for(DIGEST)).write_bytes(b"tampered")
    with pytest.raises(ValueError, match="corrupt"):
        archive.get(DIGEST)


@pytest.mark.parametrize("bad", ["", "abc", "../" * 20 + "etc/passwd", DIGEST.upper(), DIGEST + "0"])
def test_keys_must_be_sha256_hex(tmp_path, bad):
    with pytest.raises(ValueError, match="not a sha256"):
        Archive(tmp_path).path_for(bad)


def test_fsspec_memory_root():
    root = f"memory://archive-{uuid.uuid4().hex}"
    archive = Archive(root)
    assert archive.put(BODY) == DIGEST and archive.put(BODY) == DIGEST
    assert archive.has(DIGEST) and archive.get(DIGEST) == BODY
    assert archive.path_for(DIGEST).endswith(f"blobs/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}")
    with pytest.raises(KeyError):
        archive.get(hashlib.sha256(b"other").hexdigest())


def test_file_url_is_a_local_path(tmp_path):
    Archive(f"file://{tmp_path}").put(BODY)
    assert Archive(tmp_path).get(DIGEST) == BODY


def test_local_archive_does_not_import_fsspec(tmp_path):
    code = (
        "import sys; from pipeline.archive import Archive; "
        f"a = Archive({str(tmp_path)!r}); a.get(a.put(b'x')); "
        "assert 'fsspec' not in sys.modules, 'fsspec imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_a_failed_write_raises_an_archive_error_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    def full_disk(path, mode="r", *args, **kwargs):
        open(path, mode, *args, **kwargs).close()   # created empty, as on a full disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(store, "open", full_disk, raising=False)
    archive = Archive(tmp_path)
    with pytest.raises(ArchiveWriteError, match="No space left on device.*run the night again"):
        archive.put(b"report")
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
