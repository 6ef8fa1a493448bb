"""WAL checkpoints taken beside the writers, so that their fsyncs stay off the write path.

A checkpoint copies the WAL's pages back into the database file, and with synchronous=NORMAL
it fsyncs the WAL before and the database after: about 3 ms for 1,000 pages here, of which the
fsyncs are nine tenths. Taken by SQLite itself, inside the commit that crosses the threshold,
all of that runs while the committing writer holds the writer lock, and every other writer
waits it out.

A Checkpointer thread in each writing process takes them instead, in two passes:

1. a passive checkpoint without the lock: the bulk of the copying and both long fsyncs, while
   writers go on appending;
2. once the WAL holds `TARGET_PAGES` pages, a second passive checkpoint under the writer lock, which
   copies only what was appended during the first and so completes. The next writer then
   starts the WAL over from its beginning.

The second pass is what keeps the WAL from growing: a checkpoint that races the writers never
reaches the WAL's end, and a WAL starts over only after one has. SQLite's own checkpoint stays
as a backstop at `BACKSTOP_PAGES`, for processes whose thread is not running.

A round that fails (a full disk: the database file cannot grow to take the WAL's new pages) is
logged and taken again after a pause that doubles up to `RETRY_MAX_S`, on a fresh connection;
the thread ends only with its engine, or when the database file is gone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
import weakref
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, event

from forecast.infra.sqlite.writers import WriterQueue

log = logging.getLogger(__name__)

TARGET_PAGES = 1000  # SQLite's default threshold, now reached by the thread
BACKSTOP_PAGES = 4000  # wal_autocheckpoint: SQLite checkpoints in the commit past this
INTERVAL_S = 0.025  # how often the thread looks at the commit count
BATCH_COMMITS = 64  # a round once this process has committed this many times since the last
IDLE_ROUND_S = 5.0  # or once this long has passed since the last round with any commit at all
RETRY_FIRST_S = 0.1  # the pause after a failed round, doubled after each further failure
RETRY_MAX_S = 5.0  # up to this


class Checkpointer:
    """The checkpoint thread of one SQLite database file, started by its first write."""

    def __init__(self, path: str, queue: WriterQueue) -> None:
        self.path = path
        self.queue = queue
        self.writes = 0  # commits seen by this process (read by the thread; races are harmless)
        self.passes = 0  # checkpoints the thread completed under the lock
        self.failures = 0  # rounds that failed and were taken again
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.start_lock = threading.Lock()

    def wrote(self) -> None:
        """Note a commit; start the thread in this process on the first."""
        self.writes += 1
        if self.pid != os.getpid():
            self._start()

    def _start(self) -> None:
        with self.start_lock:
            if self.pid == os.getpid() or self.stopped.is_set():
                return
            # A forked child starts its own thread: its parent's did not come along.
            self.pid = os.getpid()
            self.thread = threading.Thread(
                target=self._run, args=(self.stopped,), name="sqlite-checkpoint", daemon=True
            )
            self.thread.start()

    def halt(self) -> None:
        """Tell the thread to end (the engine was garbage-collected)."""
        self.stopped.set()

    def stop(self) -> None:
        """End the thread and wait for it (the engine was disposed); a later write starts anew."""
        with self.start_lock:
            self.stopped.set()
            thread, mine = self.thread, self.pid == os.getpid()
            self.stopped, self.thread, self.pid = threading.Event(), None, 0
        # A forked child has no thread of its parent's to wait for.
        if thread is not None and mine and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self, stopped: threading.Event) -> None:
        conn: sqlite3.Connection | None = None
        failed, seen, last = 0, 0, time.monotonic()  # failed: rounds failed in a row
        pause = 0.0
        try:
            while not stopped.wait(pause):
                pause = INTERVAL_S
                try:
                    if conn is None:
                        conn = self._connect()
                    writes, now = self.writes, time.monotonic()
                    # After a failure the round is taken again whatever was written since.
                    if not failed and not self.due(writes - seen, now - last):
                        continue
                    self.checkpoint(conn)
                except Exception as exc:
                    if conn is None and not os.path.exists(self.path):
                        log.warning("no checkpoint thread for %s: %s", self.path, exc)
                        return
                    failed += 1
                    self.failures += 1
                    pause = retry_pause(failed)
                    _log_failure(self.path, exc, failed, pause)
                    _close(conn)
                    conn = None
                    continue
                if failed:
                    log.warning("checkpoints of %s resumed after %d failed", self.path, failed)
                failed, seen, last = 0, writes, now
        finally:
            _close(conn)

    def _connect(self) -> sqlite3.Connection:
        # mode=rw: a database file removed meanwhile is an error, never a new empty file.
        address = f"file:{quote(os.path.abspath(self.path))}?mode=rw"
        conn = sqlite3.connect(address, uri=True, isolation_level=None, timeout=0)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def due(commits: int, seconds: float) -> bool:
        """Tell whether a round is due after commits in seconds since the last one.

        Every round costs two fsyncs, so a round per commit would multiply them; rounds wait
        for a batch of commits, and a trickle of writes is still copied within seconds.
        """
        return commits >= BATCH_COMMITS or (commits > 0 and seconds >= IDLE_ROUND_S)

    def checkpoint(self, conn: Any) -> bool:
        """Run one round on conn; return whether it completed the WAL under the lock."""
        _busy, pages, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if pages < TARGET_PAGES:
            return False
        fd = self.queue.acquire()
        try:
            busy, pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            self.queue.release(fd, wrote=False)
        done = bool(busy == 0 and copied == pages)
        self.passes += done
        return done


def retry_pause(failed: int) -> float:
    """Return the pause before taking a round again after failed rounds in a row."""
    return float(min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** min(failed - 1, 30)))


def _log_failure(path: str, exc: Exception, failed: int, pause: float) -> None:
    # The 1st, 2nd, 4th, 8th... failure in a row: a disk full for hours logs a few lines.
    if failed & (failed - 1) == 0:
        unexpected = not isinstance(exc, sqlite3.Error | OSError)
        message = "checkpoint of %s failed (%d in a row), retrying in %.1f s: %s"
        log.warning(message, path, failed, pause, exc, exc_info=unexpected)


def _close(conn: sqlite3.Connection | None) -> None:
    """Close conn, whatever state a failure left it in."""
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()


def start_checkpoints(engine: Engine, path: str, queue: WriterQueue) -> Checkpointer:
    """Give a SQLite engine on a file its checkpoint thread, stopped with the engine."""
    checkpointer = _CHECKPOINTERS[engine] = Checkpointer(path, queue)
    queue.on_release = checkpointer.wrote
    event.listen(engine, "engine_disposed", lambda _engine: checkpointer.stop())
    weakref.finalize(engine, checkpointer.halt)
    return checkpointer


def checkpointer_of(engine: Engine) -> Checkpointer | None:
    """Return the checkpointer of a SQLite engine on a file (None for any other engine)."""
    return _CHECKPOINTERS.get(engine)
