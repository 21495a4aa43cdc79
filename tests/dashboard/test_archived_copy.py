"""The report page's archived copy comes from wherever the night archived it: the data dir or an fsspec URL."""
import uuid

from pipeline.archive import Archive
from pipeline.dashboard.data import archived_copy


def test_the_copy_is_read_from_the_data_dirs_archive(tmp_path, monkeypatch):
    sha = Archive(tmp_path / "archive").put(b"%PDF-1.4 report")
    monkeypatch.delenv("GONGKAI_ARCHIVE_ROOT", raising=False)
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path))
    location, content = archived_copy(sha)
    assert content == b"%PDF-1.4 report" and location.endswith(f"blobs/{sha[:2]}/{sha[2:4]}/{sha}")
    assert archived_copy("0" * 64) is None


def test_the_copy_is_read_from_an_object_store_archive(monkeypatch):
    bucket = f"gongkai-{uuid.uuid4().hex}"
    root = f"memory://{bucket}/archive"
    sha = Archive(root).put(b"%PDF-1.4 report on object storage")
    monkeypatch.delenv("GONGKAI_DATA_DIR", raising=False)
    monkeypatch.setenv("GONGKAI_ARCHIVE_ROOT", root)
    location, content = archived_copy(sha)
    assert content == b"%PDF-1.4 report on object storage" and location.endswith(f"{bucket}/archive/blobs/{sha[:2]}/{sha[2:4]}/{sha}")


def test_no_archive_configured_means_no_copy(monkeypatch):
    monkeypatch.delenv("GONGKAI_DATA_DIR", raising=False)
    monkeypatch.delenv("GONGKAI_ARCHIVE_ROOT", raising=False)
    assert archived_copy("a" * 64) is None
