"""A working file that deletes left bloated is rebuilt from its live rows before it is published."""
import pytest

from pipeline.warehouse import publish as publish_module
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report, standard_reports

CATALOG = {
    "columns": "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() ORDER BY ALL",
    "tables": "SELECT table_name, comment FROM duckdb_tables() ORDER BY ALL",
    "views": "SELECT view_name, comment, sql FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
    "constraints": "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() ORDER BY ALL",
    "migrations": "SELECT version, name, checksum_sha256 FROM meta_schema_migration ORDER BY ALL",
    "facts": "SELECT * FROM out_facts ORDER BY ALL",
    "applications": "SELECT * FROM core_report_applications ORDER BY ALL",
    "reports": "SELECT * EXCLUDE (loaded_at) FROM core_report ORDER BY ALL",
}


def state(published):
    with connect_published(published) as con:
        blocks = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
        return {name: con.execute(sql).fetchall() for name, sql in CATALOG.items()}, blocks


def changed_nights(published, nights):
    for n in range(nights):
        reports = standard_reports()
        reports[n % 4] = report(reports[n % 4][0].url, division=reports[n % 4][0].division_code, publisher=reports[n % 4][0].publisher,
                                year=2020, received=100 + n, granted=100 + n, sha=f"{n:064x}")
        load_and_publish(published, night(f"night-{n}", reports))


def test_a_bloated_working_file_is_rebuilt_with_the_same_contents(tmp_path, monkeypatch, caplog):
    kept, compacted = tmp_path / "kept.duckdb", tmp_path / "compacted.duckdb"
    monkeypatch.setattr(publish_module, "COMPACT_AT_FREE_SHARE", 1.0)
    changed_nights(kept, 3)
    assert "rebuilt from its live rows" not in caplog.text
    monkeypatch.setattr(publish_module, "COMPACT_AT_FREE_SHARE", 0.0)
    with caplog.at_level("INFO", logger="gongkai"):
        changed_nights(compacted, 3)
    assert "rebuilt from its live rows" in caplog.text, "the operator sees the rebuild in the night's log"
    (kept_state, kept_blocks), (compacted_state, compacted_blocks) = state(kept), state(compacted)
    assert kept_blocks[1] > 0 and compacted_blocks[1] == 0
    assert compacted_blocks[0] < kept_blocks[0]
    for name in CATALOG:
        assert compacted_state[name] == kept_state[name], name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compacted.duckdb", "kept.duckdb"]


def test_a_failed_compaction_leaves_the_published_warehouse_unchanged(tmp_path, monkeypatch):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    before = state(published)
    monkeypatch.setattr(publish_module, "COMPACT_AT_FREE_SHARE", 0.0)
    monkeypatch.setattr(publish_module.os, "replace", lambda *args: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        load_and_publish(published, night("night-2", standard_reports()))
    monkeypatch.undo()
    assert state(published) == before
