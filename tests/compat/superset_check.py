"""Query a published warehouse through Apache Superset, and check that each query sees the newest night.

The recipe in warehouse/README.md ("Superset"), tried for real. Run with the Python of a virtualenv that
holds Superset and duckdb-engine (not gongkai's: Superset pins its own Flask, SQLAlchemy 1.4 and pandas):

    python3 -m venv /tmp/superset-venv
    /tmp/superset-venv/bin/pip install apache-superset duckdb-engine rich cachetools 'flask-caching==2.3.1'
    /tmp/superset-venv/bin/python tests/compat/superset_check.py warehouse/demo.duckdb [SUPERSET_HOME]

It works in a temporary directory and never writes the warehouse it is given: it publishes copies of
it there (os.replace, as gongkai's publish step does), initialises a Superset metadata database in
SQLite (`superset db upgrade`, `fab create-admin`, `superset init`; about two minutes), then, through
Superset's REST API with Flask's test client:

1. registers the warehouse with each read-only form of the duckdb-engine URI and runs a SQL Lab query
   against `out_county_rankings`, checking rows come back and the connection is read-only;
2. publishes a changed copy by os.replace and checks the next SQL Lab query sees the new night;
3. shows why that holds: Superset opens each query's engine with NullPool, whereas a SQLAlchemy engine
   with its default pool (what a hand-written app would get) keeps the replaced night open, and while it
   does, DuckDB gives every other connection to that path in the process the same old night.

It needs nothing from gongkai, so it does not import it. Exit code 0 when every check passed. Not run
by `.ci/run`: installing Superset takes about 4 minutes and initialising it 2 more.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SECRET_KEY = "gongkai-superset-check-not-a-secret"
ADMIN = ("admin", "admin")


def superset_config(home: Path) -> Path:
    path = home / "superset_config.py"
    path.write_text(
        f"SECRET_KEY = {SECRET_KEY!r}\n"
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{home / 'superset.db'}'\n"
        "TALISMAN_ENABLED = False\n",
        encoding="utf-8")
    return path


def initialise(home: Path) -> None:
    """superset db upgrade, create-admin, init: the documented first steps, against SQLite."""
    superset = str(Path(sys.executable).with_name("superset"))
    commands = [
        [superset, "db", "upgrade"],
        [superset, "fab", "create-admin", "--username", ADMIN[0], "--password", ADMIN[1],
         "--firstname", "gongkai", "--lastname", "check", "--email", "admin@example.org"],
        [superset, "init"],
    ]
    for command in commands:
        done = subprocess.run(command, cwd=home, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command[1:])} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        print(f"ok: superset {' '.join(command[1:3])}")


def publish(source: Path, published: Path, night: int) -> None:
    """Copy the warehouse, stamp it with a night number, and os.replace it onto the published path."""
    import duckdb

    working = published.with_name(f"working-{night}.duckdb")
    shutil.copyfile(source, working)
    con = duckdb.connect(str(working))
    con.execute("CREATE OR REPLACE TABLE superset_check_night AS SELECT ? AS night", [night])
    con.execute("CHECKPOINT")
    con.close()
    os.replace(working, published)


class Client:
    """Superset's REST API through Flask's test client, logged in as the admin."""

    def __init__(self, app) -> None:
        self.client = app.test_client()
        login = self.client.post("/api/v1/security/login", json={
            "username": ADMIN[0], "password": ADMIN[1], "provider": "db", "refresh": False})
        assert login.status_code == 200, login.get_data(as_text=True)
        self.headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
        csrf = self.client.get("/api/v1/security/csrf_token/", headers=self.headers)
        assert csrf.status_code == 200, csrf.get_data(as_text=True)
        self.headers["X-CSRFToken"] = csrf.get_json()["result"]

    def post(self, url: str, body: dict) -> tuple[int, dict]:
        response = self.client.post(url, json=body, headers=self.headers)
        return response.status_code, response.get_json() or {"text": response.get_data(as_text=True)}

    def add_database(self, name: str, uri: str, extra: dict | None = None) -> int:
        status, body = self.post("/api/v1/database/", {
            "database_name": name, "sqlalchemy_uri": uri, "expose_in_sqllab": True,
            "extra": json.dumps(extra or {})})
        assert status == 201, f"adding database {name} ({uri}): {status} {body}"
        return body["id"]

    def sql(self, database_id: int, sql: str) -> list[dict]:
        status, body = self.post("/api/v1/sqllab/execute/", {
            "database_id": database_id, "sql": sql, "runAsync": False, "schema": "main"})
        assert status == 200, f"SQL Lab {sql!r}: {status} {body}"
        return body["data"]


def main(warehouse: str, keep: str | None = None) -> int:
    source = Path(warehouse).resolve()
    if not source.exists():
        sys.exit(f"no warehouse at {source} (run `gongkai demo` first)")
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gongkai-superset-") as tmp:
        home = Path(keep).resolve() if keep else Path(tmp)
        published = home / "published" / "gongkai.duckdb"
        published.parent.mkdir(parents=True, exist_ok=True)
        publish(source, published, night=1)
        os.environ["SUPERSET_CONFIG_PATH"] = str(superset_config(home))
        os.environ.setdefault("FLASK_APP", "superset")
        if not (home / "superset.db").exists():
            initialise(home)

        import duckdb
        import duckdb_engine
        import sqlalchemy
        from importlib.metadata import version

        from superset.app import create_app

        print(f"apache-superset {version('apache-superset')}, duckdb-engine {duckdb_engine.__version__}, "
              f"duckdb {duckdb.__version__}, SQLAlchemy {sqlalchemy.__version__}")

        app = create_app()
        client = Client(app)
        forms = {
            "uri access_mode=read_only": (f"duckdb:///{published}?access_mode=read_only", None),
            "connect_args read_only": (f"duckdb:///{published}",
                                       {"engine_params": {"connect_args": {"read_only": True}}}),
        }
        ids = {}
        for label, (uri, extra) in forms.items():
            database_id = client.add_database(f"gongkai ({label}) {os.getpid()}", uri, extra)
            ids[label] = database_id
            rows = client.sql(database_id, "SELECT county_name, report_year, national_rank FROM out_county_rankings "
                                           "ORDER BY report_year, national_rank LIMIT 5")
            mode = client.sql(database_id, "SELECT current_setting('access_mode') AS mode")[0]["mode"]
            print(f"{label}: {uri}  extra={json.dumps(extra)}\n  {len(rows)} rows, first {rows[0] if rows else None}; "
                  f"access_mode={mode}")
            if not rows:
                failures.append(f"{label}: out_county_rankings returned no rows")
            if mode.lower() != "read_only":
                failures.append(f"{label}: the connection is {mode}, not read_only")

        # The newest night: every SQL Lab query gets a fresh engine with NullPool, so a publish between
        # two queries is seen by the second.
        database_id = ids["uri access_mode=read_only"]
        before = client.sql(database_id, "SELECT night FROM superset_check_night")[0]["night"]
        publish(source, published, night=2)
        after = client.sql(database_id, "SELECT night FROM superset_check_night")[0]["night"]
        print(f"SQL Lab across an os.replace publish: night {before} then {after}")
        if (before, after) != (1, 2):
            failures.append(f"SQL Lab saw night {before} then {after} across a publish (expected 1 then 2)")

        # Contrast: an engine with SQLAlchemy's default pool keeps its connection, and so the replaced night;
        # and while it does, DuckDB hands every new connection to that path in the process the same database
        # instance, so even a NullPool engine reads the old night until the pooled one lets go.
        uri = f"duckdb:///{published}?access_mode=read_only"
        pooled = sqlalchemy.create_engine(uri)
        fresh = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)

        def night(engine) -> int:
            with engine.connect() as con:
                return con.execute(sqlalchemy.text("SELECT night FROM superset_check_night")).scalar()

        pooled_nights = [night(pooled)]
        publish(source, published, night=3)
        pooled_nights.append(night(pooled))
        fresh_while_pooled = night(fresh)
        pooled.dispose()
        fresh_nights = [night(fresh)]
        publish(source, published, night=4)
        fresh_nights.append(night(fresh))
        fresh.dispose()
        print(f"plain SQLAlchemy across a publish of night 3: {type(pooled.pool).__name__} (the default) read nights "
              f"{pooled_nights}; a NullPool engine read night {fresh_while_pooled} while the pooled engine was open, "
              f"then {fresh_nights[0]} once it was disposed, and {fresh_nights[1]} after the next publish")
        if fresh_nights != [3, 4]:
            failures.append(f"a NullPool engine read nights {fresh_nights} (expected [3, 4])")
        last = client.sql(database_id, "SELECT night FROM superset_check_night")[0]["night"]
        print(f"SQL Lab after that: night {last}")
        if last != 4:
            failures.append(f"SQL Lab read night {last} after the last publish (expected 4)")

    for failure in failures:
        print(f"FAILED {failure}")
    print("superset check: " + ("failed" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: superset_check.py WAREHOUSE.duckdb [SUPERSET_HOME]   (with a Python that has apache-superset "
                 "and duckdb-engine; a SUPERSET_HOME is kept and initialised once, else a temporary one is used)")
    sys.exit(main(*sys.argv[1:]))
