"""One process per database file: an OS lock on a file beside it.

SQLite serves one process (DESIGN.md); two ``pavilion run`` on the same file
would both run the scheduler and the sender, so each firing and each push
would happen twice. The lock is ``flock`` on ``<database>.lock``: the kernel
releases it when the process ends, however it ends (even ``kill -9``), so a
stale lock file never keeps the bot from starting again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class DatabaseInUseError(RuntimeError):
    """Another process holds the database's lock."""

    def __init__(self, path: Path, holder: str) -> None:
        who = f" (pid {holder})" if holder else ""
        super().__init__(f"{path}: already in use by another Pavilion process{who}")
        self.path = path
        self.holder = holder


def lock_path(database: Path) -> Path:
    """The lock file beside ``database``."""
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    """Held from :meth:`acquire` until :meth:`release` or the end of the process."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> DatabaseLock:
        """Take the lock now, or raise :class:`DatabaseInUseError` at once (never wait)."""
        if self._fd is not None:
            return self
        if self.path.parent != Path():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise DatabaseInUseError(self.database, holder) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Let another process have the database; safe to call twice."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the only descriptor releases the flock

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
