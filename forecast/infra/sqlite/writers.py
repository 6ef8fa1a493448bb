"""SQLite writers queue on a file lock, taken just before BEGIN IMMEDIATE.

SQLite lets one writer in at a time and makes a blocked writer sleep in growing steps (1, 2,
5, 10 ms...) before it retries, so under load most of a queued writer's wait is idle sleep. A
blocking file lock queues writers in the kernel instead: the next one wakes the moment the
previous one's transaction ends. SQLite's own lock still guards the data.

Checkpoints are taken beside the writers, not inside their commits
(forecast.infra.sqlite.checkpoints):
the lock is held only for the short pass that lets the WAL start over.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

_LOCK_FD = "forecast_write_lock_fd"


class _LockFile:
    """The lock file, opened once per thread (two system calls fewer per write)."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.pid = os.getpid()

    def __del__(self) -> None:
        # Closed with its thread; a forked child leaves its parent's descriptor alone.
        if self.pid == os.getpid():
            os.close(self.fd)


class WriterQueue:
    """The writer lock of one SQLite database file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.held = threading.local()
        self.on_release: Callable[[], None] | None = None  # told of each writer's release

    def acquire(self) -> int | None:
        """Wait for the lock; return its descriptor (None when this thread holds it already)."""
        # A thread that already writes elsewhere must not wait on itself: it falls back on
        # SQLite's own busy handling for the nested transaction.
        if getattr(self.held, "locked", False):
            return None
        lock_file = getattr(self.held, "file", None)
        if lock_file is None or lock_file.pid != os.getpid():
            # One descriptor per thread and process: flock excludes open file descriptions, and
            # a forked child must not share its parent's.
            lock_file = self.held.file = _LockFile(self.path)
        fcntl.flock(lock_file.fd, fcntl.LOCK_EX)
        self.held.locked = True
        return lock_file.fd

    def release(self, fd: int | None, *, wrote: bool = True) -> None:
        """Let the next writer in (wrote=False: the holder only checkpointed)."""
        if fd is not None:
            self.held.locked = False
            fcntl.flock(fd, fcntl.LOCK_UN)
            if wrote and self.on_release is not None:
                self.on_release()

    def enter(self, conn: Connection) -> None:
        """Take the lock for a SQLAlchemy connection's transaction (the `begin` event)."""
        fd = self.acquire()
        if fd is not None:
            conn.connection.info[_LOCK_FD] = fd

    def leave(self, _dbapi_connection: Any, record: Any) -> None:
        """Release it when the connection goes back to the pool (the `checkin` event)."""
        self.release(record.info.pop(_LOCK_FD, None))


_WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def register_writer_queue(engine: Engine, path: str) -> WriterQueue:
    """Create the writer queue of a SQLite engine on a file, locking on path."""
    queue = _WRITER_QUEUES[engine] = WriterQueue(path)
    return queue


def writer_queue(engine: Engine) -> WriterQueue | None:
    """Return the writer queue of a SQLite engine on a file (None for any other engine)."""
    return _WRITER_QUEUES.get(engine)
