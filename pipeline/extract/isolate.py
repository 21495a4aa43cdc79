"""Parse many documents in worker processes that cannot hang or crash the caller.

A crawl brings back whatever portals serve: truncated PDFs, decompression bombs, files that
send a parser into a loop. Each document is parsed in a reused worker process under an
address-space limit (``RLIMIT_AS``) and a wall-clock deadline; a worker that overruns is
killed and replaced, and the document gets a ``ParsedReport`` with status ``error`` saying
what happened. Results come back in input order.

A worker proves it can parse (a tiny built-in page) before it takes a document. One that cannot
start under its memory limit raises ``WorkerStartupError``: the limit is wrong, not the document.

No worker outlives its caller, nor leaves a LibreOffice conversion behind: a worker exits (killing
its conversion) as soon as the process that started it is gone, however that one ended; and a worker
killed for overrunning is killed with the process groups of its children (LibreOffice runs in its
own session, which a terminal's Ctrl-C does not reach).

    for report in parse_many([(source, path_or_bytes, filename, content_type), ...],
                             timeout_s=60, memory_mb=2048, workers=2):
        ...
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from pipeline.errors import InfrastructureError
from pipeline.report.model import ParsedReport

Item = tuple[str, bytes | Path, str | None, str | None]
STARTUP_TIMEOUT_S = 120.0  # importing polars & co. on a loaded machine
MAX_BUFFERED = 32          # finished reports held per worker while an earlier one is still parsing
READY = "ready"
PARENT_POLL_S = 1.0        # how often a worker checks that the process that started it is still there
SELF_TEST_PAGE = "<html><body><h1>自检</h1><table><tr><td>一</td><td>1</td></tr></table></body></html>".encode()


class WorkerStartupError(InfrastructureError):
    """A parser worker died or failed its self-test before reading any document."""


def parse_many(items: Iterable[Item], *, timeout_s: float = 60, memory_mb: int = 2048,
               workers: int = 1) -> Iterator[ParsedReport]:
    """Parse (source, data_or_path, filename, content_type) items; one ParsedReport each, in order."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    pool = [_Worker(memory_mb) for _ in range(workers)]
    pending = iter(enumerate(items))
    done: dict[int, ParsedReport] = {}
    next_to_yield = 0
    exhausted = False
    try:
        while True:
            for worker in pool:
                if worker.task is None and not exhausted and len(done) < MAX_BUFFERED * workers:
                    try:
                        index, item = next(pending)
                    except StopIteration:
                        exhausted = True
                        break
                    worker.start(index, item, timeout_s)
            busy = [w for w in pool if w.task is not None]
            if not busy:
                break
            deadline = min(w.task.deadline for w in busy)
            ready = wait([w.reader for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            now = time.monotonic()
            for worker in busy:
                report = worker.collect(ready, now, timeout_s, memory_mb)
                if report is not None:
                    done[worker.finished_index] = report
            while next_to_yield in done:
                yield done.pop(next_to_yield)
                next_to_yield += 1
    finally:
        for worker in pool:
            worker.stop()


@dataclass
class _Task:
    index: int
    source: str
    deadline: float


class _Worker:
    """One worker process (a fresh interpreter running this module) and the document it is
    parsing. A fresh interpreter, not a fork: forking a threaded parent (Dagster, polars'
    thread pool) can leave locks held in the child, and a spawned process never re-imports
    the caller's main module."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.task: _Task | None = None
        self.finished_index = -1
        self.process: subprocess.Popen | None = None
        self._spawn()

    def _spawn(self) -> None:
        """Start the worker; it says "ready" once it has imported the parser."""
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.extract.isolate", str(child_read), str(child_write), str(self.memory_mb),
             str(os.getpid())],
            pass_fds=(child_read, child_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        os.close(child_read)
        os.close(child_write)
        self.reader = Connection(parent_read, writable=False)
        self.writer = Connection(parent_write, readable=False)
        self.ready = False

    def _await_ready(self) -> None:
        """Wait for a new worker to import the parser and pass its self-test, so start-up never counts
        against a document; a worker that cannot start is the run's problem, never a document's."""
        if self.ready:
            return
        self.ready = True
        if not self.reader.poll(STARTUP_TIMEOUT_S):
            return  # slow to start: its first document's deadline still bounds it
        try:
            message = self.reader.recv()
        except (EOFError, OSError):
            message = None
        if message == READY:
            return
        code = self._close()
        why = message if isinstance(message, str) else (
            f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}")
        raise WorkerStartupError(
            f"the parser worker could not start under its {self.memory_mb} MB memory limit ({why}); no document "
            "was read. Raise the limit (gongkai parse --memory-mb, or parse_memory_mb in the gongkai resource's "
            "config for a night): the parser needs about 500 MB to start")

    def start(self, index: int, item: Item, timeout_s: float) -> None:
        source, data, filename, content_type = item
        payload = str(data) if isinstance(data, Path) else data
        if self.process is None:
            self._spawn()
        self._await_ready()
        self.task = _Task(index, source, time.monotonic() + timeout_s)
        try:
            self.writer.send((source, payload, isinstance(data, Path), filename, content_type))
        except OSError:
            pass  # the worker is dead: its pipe reads EOF and collect() reports the crash

    def collect(self, ready: list, now: float, timeout_s: float, memory_mb: int) -> ParsedReport | None:
        """The finished report, or an error report when the worker overran or died; None if still working."""
        task = self.task
        if task is None:
            return None
        if self.reader in ready:
            try:
                report = self.reader.recv()
            except (EOFError, OSError):
                report = None
            if isinstance(report, ParsedReport):
                return self._finish(report)
            if isinstance(report, str):  # the worker's last word before it stops
                self._replace()
                return self._finish(_error(task.source, report))
            code = self._replace()
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return self._finish(_error(task.source, f"the parser process crashed ({how}), most likely by exceeding "
                                                    f"the {memory_mb} MB memory limit or on a malformed file; "
                                                    "parse it alone to see the error"))
        if now >= task.deadline:
            self._replace()
            return self._finish(_error(task.source, f"parsing took longer than {timeout_s:g} s and was stopped: the "
                                                    "document is huge or pathological; parse it alone with a larger "
                                                    "time limit to check"))
        return None

    def _finish(self, report: ParsedReport) -> ParsedReport:
        assert self.task is not None
        self.finished_index = self.task.index
        self.task = None
        return report

    def _replace(self) -> int | None:
        """Kill the worker and return its exit code; a fresh one starts with the next document."""
        return self._close()

    def _close(self) -> int | None:
        if self.process is None:
            return None
        _kill_child_groups(self.process.pid)
        self.process.kill()
        code = self.process.wait()
        self.reader.close()
        self.writer.close()
        self.process = None
        return code

    def stop(self) -> None:
        if self.process is not None:
            try:
                self.writer.send(None)
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._close()


def _error(source: str, message: str) -> ParsedReport:
    return ParsedReport(source=source, status="error", error=message)


def _kill_child_groups(pid: int) -> None:
    """Kill the process groups that children of `pid` lead in sessions of their own (a LibreOffice
    conversion), which killing `pid` alone would orphan. Reads /proc; elsewhere it does nothing."""
    own_group = os.getpgid(0)
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        ppid, pgid = int(fields[1]), int(fields[2])
        if ppid == pid and pgid not in (own_group, pid) and pgid == int(entry):
            with contextlib.suppress(OSError):
                os.killpg(pgid, signal.SIGKILL)


def _exit_with_parent(parent: int) -> None:
    """Watchdog thread of a worker: once the process that started it is gone (it was killed, or
    interrupted while this worker was busy), kill any LibreOffice conversion and exit."""
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent:
            office = sys.modules.get("pipeline.extract.formats.office")
            if office is not None:
                with contextlib.suppress(BaseException):
                    office.kill_conversions()
            os._exit(1)


def _serve(read_fd: int, write_fd: int, memory_mb: int, parent: int | None = None) -> None:
    """Worker loop: limit this process's address space, prove it can parse, then parse documents until told to stop."""
    reader, writer = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    if parent is not None:
        if os.getppid() != parent:
            return  # the caller is already gone
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="exit-with-parent").start()
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from pipeline.extract.parse import parse_document

        check = parse_document(SELF_TEST_PAGE, source="self-test.html", filename="self-test.html",
                               content_type="text/html")
        if check.status == "error":
            raise RuntimeError(f"the self-test page gave an error: {check.error}")
    except BaseException as exc:  # under a tight limit, imports and native libraries fail in any way
        with contextlib.suppress(BaseException):
            writer.send(f"start-up failed: {type(exc).__name__}: {exc}")
        return
    writer.send(READY)
    while True:
        try:
            message = reader.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # the document itself does not fit; the pipe is mid-message, so stop
            writer.send(f"the document does not fit in the {memory_mb} MB memory limit; "
                        "parse it alone with a larger limit")
            return
        if message is None:
            return
        source, payload, is_path, filename, content_type = message
        try:
            data = Path(payload).read_bytes() if is_path else payload
            report = parse_document(data, source=source, filename=filename, content_type=content_type)
            if report.status == "error" and "MemoryError" in (report.error or ""):
                report.error = (f"the document needs more than the {memory_mb} MB memory limit to parse; "
                                "parse it alone with a larger limit to check")
        except MemoryError:
            report = _error(source, f"the document needs more than the {memory_mb} MB memory limit to parse")
        except OSError as exc:
            report = _error(source, f"cannot read {payload}: {exc}")
        except Exception as exc:  # parse_document should not raise; never let a worker die silently
            report = _error(source, f"the parser failed ({type(exc).__name__}: {exc})")
        try:
            writer.send(report)
        except MemoryError:
            writer.send(_error(source, f"the parsed report exceeded the {memory_mb} MB memory limit"))


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else None)
