"""A throwaway PostgreSQL and S3-compatible server on loopback, for the deployment tests.

PostgreSQL is Debian's (`postgresql` package: initdb and pg_ctl under /usr/lib/postgresql/<v>/bin),
initialised into a temporary directory with trust authentication and started on a free port;
initdb refuses to run as root, so as root it runs as the `postgres` user the package creates.
The S3 server is moto's (`moto[server]`), in a thread of the test process.
"""
from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MODULES = ("dagster_postgres", "s3fs", "moto", "psycopg2")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else the newest Debian postgresql-<v> package."""
    if found := shutil.which("initdb"):
        return Path(found).resolve().parent   # /usr/local/bin/initdb may link into the package's bin
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def missing_tools() -> list[str]:
    """What this machine lacks to run the deployment tests, as install hints."""
    missing = [f"{module} (pip install -e '.[deploy]')" for module in MODULES if importlib.util.find_spec(module) is None]
    if postgres_bindir() is None:
        missing.append("PostgreSQL's initdb (apt-get install postgresql)")
    if os.geteuid() == 0 and not _has_user("postgres"):
        missing.append("a `postgres` user to run initdb as (apt-get install postgresql creates it)")
    return missing


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    db: str

    def env(self) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads (trust authentication: the password is not checked)."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_USER": self.user,
                "DAGSTER_PG_PASSWORD": "unused", "DAGSTER_PG_DB": self.db}


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """initdb into a temporary directory, pg_ctl start on a free loopback port; stopped and removed after."""
    bindir = postgres_bindir()
    directory = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))   # not under pytest's root-only tmp: postgres must reach it
    as_owner: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(directory, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, port = directory / "data", free_port()
    server = Postgres(host="127.0.0.1", port=port, user="gongkai", db="dagster")
    try:
        subprocess.run([*as_owner, str(bindir / "initdb"), "-D", str(data), "-U", server.user, "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"), "-w",
                        "-o", f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True)
        subprocess.run([*as_owner, str(bindir / "createdb"), "-h", server.host, "-p", str(port), "-U", server.user,
                        server.db], check=True, capture_output=True)
        yield server
    finally:
        subprocess.run([*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


@dataclass(frozen=True)
class S3:
    endpoint_url: str
    bucket: str

    def env(self) -> dict[str, str]:
        """What s3fs (through botocore) reads: the endpoint and keys moto accepts."""
        return {"AWS_ENDPOINT_URL": self.endpoint_url, "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def s3_server(bucket: str) -> Iterator[S3]:
    """moto's S3 on a free loopback port, with `bucket` created."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        s3 = S3(endpoint_url=f"http://127.0.0.1:{port}", bucket=bucket)
        import boto3

        boto3.client("s3", endpoint_url=s3.endpoint_url, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=bucket)
        yield s3
    finally:
        server.stop()
