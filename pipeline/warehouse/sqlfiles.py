"""Run the project's SQL files statement by statement with named parameters ($name)."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

from pipeline.config import sql_dir

PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def statements(relative_path: str) -> tuple[str, ...]:
    """The statements of `sql/<relative_path>`, split at semicolons that end a line."""
    text = (sql_dir() / relative_path).read_text(encoding="utf-8")
    parts = re.split(r";\s*\n", text + "\n")
    return tuple(p.strip() for p in parts if _has_code(p))


def _has_code(part: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in part.splitlines())


def run_file(con: duckdb.DuckDBPyConnection, relative_path: str, params: dict | None = None) -> None:
    for statement in statements(relative_path):
        execute(con, statement, params or {})


def execute(con: duckdb.DuckDBPyConnection, statement: str, params: dict):
    """Execute one statement, passing only the parameters it names."""
    wanted = set(PARAMETER.findall(statement))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"SQL statement needs parameters {sorted(missing)}: {statement[:80]}…")
    return con.execute(statement, {k: params[k] for k in wanted}) if wanted else con.execute(statement)


def query_text(relative_path: str) -> str:
    return (sql_dir() / relative_path).read_text(encoding="utf-8").strip().rstrip(";")


def list_files(relative_dir: str) -> list[Path]:
    return sorted((sql_dir() / relative_dir).glob("*.sql"))
