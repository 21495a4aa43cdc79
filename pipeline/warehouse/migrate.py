"""A small strict migration runner for the warehouse schema.

Migrations are `sql/migrations/NNNN_name.sql`, applied in order. Each file runs together with
its version record in one transaction, so a failing file leaves no trace. The sha256 of every
applied file is recorded; a run refuses to continue when an applied file was changed or removed,
because the warehouse would no longer match the code that reads it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.config import sql_dir

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The warehouse schema and the migration files disagree."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def discover(directory: Path | None = None) -> list[Migration]:
    directory = directory or sql_dir() / "migrations"
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files must be named NNNN_lowercase_name.sql")
        migrations.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migration files share a version number")
    return migrations


def _ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS meta_schema_migration (
            version INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL,
            checksum_sha256 VARCHAR NOT NULL,
            applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )
        """
    )


def migrate(con: duckdb.DuckDBPyConnection, directory: Path | None = None) -> list[str]:
    """Apply pending migrations; return the names applied. Refuses changed or missing files."""
    migrations = discover(directory)
    _ensure_ledger(con)
    applied = {
        version: (name, checksum)
        for version, name, checksum in con.execute(
            "SELECT version, name, checksum_sha256 FROM meta_schema_migration"
        ).fetchall()
    }
    by_version = {m.version: m for m in migrations}
    for version, (name, checksum) in sorted(applied.items()):
        current = by_version.get(version)
        if current is None:
            raise MigrationError(
                f"migration {name} is applied in this warehouse but its file is missing; "
                "restore the file or rebuild the warehouse"
            )
        if current.checksum != checksum:
            raise MigrationError(
                f"migration {name} was changed after it was applied (checksum {checksum[:12]} "
                f"recorded, {current.checksum[:12]} on disk); add a new migration instead of editing it"
            )
    newly_applied = []
    for migration in migrations:
        if migration.version in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO meta_schema_migration (version, name, checksum_sha256) VALUES ($version, $name, $checksum)",
                {"version": migration.version, "name": migration.name, "checksum": migration.checksum},
            )
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise MigrationError(f"migration {migration.name} failed and was rolled back: {exc}") from exc
        newly_applied.append(migration.name)
    return newly_applied
