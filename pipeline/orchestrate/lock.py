"""One night at a time per warehouse: an exclusive lock on a file next to the published warehouse.

The kernel's `flock` makes taking the lock atomic and releases it when the holder's process ends,
however it ends (SIGKILL included), so a crashed night never leaves a lock that needs clearing by
hand. The file's content says who holds it (run id, PID, host, start time) for the message a
second night prints, and whether that process is still alive.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger("gongkai")
POLL_INTERVAL_S = 0.2


@dataclass(frozen=True)
class ProcessIdentity:
    """A process on a host. `start_ticks` (from /proc) tells a live process from a later one reusing its PID."""
    pid: int
    host: str
    start_ticks: int | None

    @classmethod
    def current(cls) -> ProcessIdentity:
        return cls(os.getpid(), socket.gethostname(), process_start_ticks(os.getpid()))

    def is_alive(self) -> bool:
        """False only when this process is certainly gone; a process on another host counts as alive."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        if self.start_ticks is None:
            return True
        return process_start_ticks(self.pid) in (self.start_ticks, None)


def process_start_ticks(pid: int) -> int | None:
    """When `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat); None without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[19])


@dataclass(frozen=True)
class LockHolder:
    run_id: str
    pid: int
    host: str
    start_ticks: int | None
    started_at: str

    @property
    def process(self) -> ProcessIdentity:
        return ProcessIdentity(self.pid, self.host, self.start_ticks)

    def describe(self) -> str:
        return f"run {self.run_id}, pid {self.pid} on {self.host}, started {self.started_at}"


class NightAlreadyRunning(RuntimeError):
    """Another night holds the warehouse's lock."""


class RunLock:
    """An exclusive, process-lifetime lock on `path`; `acquire` waits up to `wait_s` for it."""

    def __init__(self, path: Path, purpose: str) -> None:
        self.path = path
        self.purpose = purpose
        self._fd: int | None = None

    def acquire(self, run_id: str, *, wait_s: float = 0.0) -> LockHolder | None:
        """Take the lock and record this process in it; return the previous holder if it died holding it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_s
        try:
            if not _try_flock(fd) and wait_s > 0:
                holder = _read_holder(fd)
                log.warning("waiting up to %g s for the night running on %s (%s)", wait_s, self.purpose,
                            holder.describe() if holder else "holder unknown")
            while not _try_flock(fd):
                if time.monotonic() >= deadline:
                    raise NightAlreadyRunning(self._busy_message(fd, wait_s))
                time.sleep(POLL_INTERVAL_S)
            previous = _read_holder(fd)
            identity = ProcessIdentity.current()
            holder = LockHolder(run_id, identity.pid, identity.host, identity.start_ticks,
                                datetime.now(UTC).isoformat(timespec="seconds"))
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(asdict(holder)).encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return previous

    def release(self) -> None:
        """Empty the file (no holder) and unlock; the file stays, so every night locks the same inode."""
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        os.close(self._fd)
        self._fd = None

    def _busy_message(self, fd: int, wait_s: float) -> str:
        holder = _read_holder(fd)
        who = holder.describe() if holder else "holder unknown"
        if holder and not holder.process.is_alive():
            who += "; that process is gone, so a process it started still holds the lock"
        waited = f" after waiting {wait_s:g} s" if wait_s else ""
        return (f"another night is running on {self.purpose} ({who}){waited}; "
                f"let it finish, or pass --wait SECONDS to wait for it (lock file {self.path})")


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_holder(fd: int) -> LockHolder | None:
    content = os.pread(fd, 4096, 0)
    try:
        return LockHolder(**json.loads(content))
    except (ValueError, TypeError):
        return None
