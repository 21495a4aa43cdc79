"""No parser process outlives its caller: not a worker, not a LibreOffice conversion.

`dg dev` stopped with Ctrl-C (issue 11) sends SIGINT to its terminal's process group; LibreOffice runs
in a session of its own, which that never reaches. A stand-in `soffice` that hangs, with a child of
its own as the real one has (oosplash → soffice.bin), records its process ids; each test ends the
caller in a different way and checks both are gone.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.extract.isolate import parse_many

pytestmark = [pytest.mark.timeout(120), pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")]

FAKE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)  # an OLE file: sniffed as DOC, sent to LibreOffice
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hanging_soffice(tmp_path, monkeypatch):
    """A `soffice` on PATH that writes its pid, its parent's and its child's, then waits forever."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(f"""#!/bin/sh
sleep 600 &
echo "$$ $PPID $!" > {tmp_path}/soffice.pids.tmp
mv {tmp_path}/soffice.pids.tmp {tmp_path}/soffice.pids
wait
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return tmp_path / "soffice.pids"


def started(pids_file: Path, timeout_s: float = 60) -> tuple[int, int, int]:
    """(soffice, its parent, its child) once the stand-in is running."""
    deadline = time.monotonic() + timeout_s
    while not pids_file.exists():
        assert time.monotonic() < deadline, "the stand-in soffice never started"
        time.sleep(0.1)
    soffice, parent, child = (int(pid) for pid in pids_file.read_text().split())
    return soffice, parent, child


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def assert_gone(*pids: int, within_s: float = 10) -> None:
    deadline = time.monotonic() + within_s
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            left = [pid for pid in pids if alive(pid)]
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"left behind: {left}")
        time.sleep(0.1)


def caller(code: str) -> subprocess.Popen:
    """A Python process running `code`, leading a process group of its own like a job in a terminal. It
    takes SIGINT as Python does by default even when this test runs where it is ignored (a shell's `&`)."""
    prelude = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
    return subprocess.Popen([sys.executable, "-c", prelude + code], cwd=ROOT, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_ctrl_c_during_a_conversion_kills_libreoffice(hanging_soffice):
    process = caller("from pipeline.extract.formats.office import convert_to_docx\n"
                     "convert_to_docx(b'x', timeout_s=300)")
    soffice, _, child = started(hanging_soffice)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the terminal's foreground group, not LibreOffice's
    assert process.wait(timeout=30) != 0
    assert_gone(soffice, child)


def test_a_worker_killed_for_overrunning_takes_its_conversion_with_it(hanging_soffice):
    (report,) = parse_many([("slow.doc", FAKE_DOC, "slow.doc", None)], timeout_s=3)
    assert report.status == "error" and "longer than 3 s" in report.error
    soffice, worker, child = started(hanging_soffice, timeout_s=0)
    assert_gone(worker, soffice, child)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_worker_exits_when_its_caller_is_gone(hanging_soffice, how):
    """SIGKILL: the caller could clean nothing up. SIGINT to the caller alone (not its group, as a process
    manager or `kill -INT` does): the caller stops while its worker is busy converting."""
    process = caller("from pipeline.extract.isolate import parse_many\n"
                     f"list(parse_many([('slow.doc', {FAKE_DOC!r}, 'slow.doc', None)], timeout_s=300))")
    soffice, worker, child = started(hanging_soffice)
    os.kill(process.pid, how)
    process.wait(timeout=30)
    assert_gone(worker, soffice, child)
