"""WAL checkpoints beside the writers: the bulk outside the writer lock, the end under it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from forecast.db import begin_write, make_engine
from forecast.sqlite_checkpoints import (
    BACKSTOP_PAGES,
    BATCH_COMMITS,
    IDLE_ROUND_S,
    Checkpointer,
    checkpointer_of,
)
from forecast.sqlite_writers import WriterQueue
from tests.integration.factories import write_lock_is_free

ROW = 6000  # bytes per row: two pages of WAL per commit or so


def _database(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer under test copies
    conn.execute("CREATE TABLE t (x BLOB)")
    return conn


def _write(conn: sqlite3.Connection, rows: int) -> None:
    for _ in range(rows):
        conn.execute("INSERT INTO t VALUES (?)", (os.urandom(ROW),))


def _wal_pages(conn: sqlite3.Connection) -> int:
    """Pages in the WAL since it last started over (a passive checkpoint reports them)."""
    return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])


class _Recording:
    """A connection that notes, for each statement, whether the writer lock was held."""

    def __init__(self, conn: sqlite3.Connection, lock: Path) -> None:
        self.conn = conn
        self.lock = lock
        self.held: list[bool] = []

    def execute(self, sql: str) -> Any:
        self.held.append(not write_lock_is_free(self.lock))
        return self.conn.execute(sql)


def test_the_pass_that_completes_the_wal_holds_the_lock_and_the_wal_then_starts_over(
    tmp_path: Path,
) -> None:
    path, lock = tmp_path / "c.db", tmp_path / "c.db-writelock"
    writer = _database(path)
    _write(writer, 800)
    before = _wal_pages(writer)
    assert before >= 1000
    checkpointer = Checkpointer(str(path), WriterQueue(str(lock)))
    reader = sqlite3.connect(path, isolation_level=None)
    recording = _Recording(reader, lock)
    assert checkpointer.checkpoint(recording) is True
    assert recording.held == [False, True], "the bulk ran unlocked, the completion locked"
    assert write_lock_is_free(lock)
    _write(writer, 1)
    assert _wal_pages(writer) < 10, "the next commit started the WAL over"
    assert writer.execute("SELECT count(*) FROM t").fetchone()[0] == 801


def test_below_the_target_it_copies_without_waiting_for_the_lock(tmp_path: Path) -> None:
    path, lock = tmp_path / "s.db", tmp_path / "s.db-writelock"
    writer = _database(path)
    _write(writer, 50)
    blocker = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(blocker, fcntl.LOCK_EX)  # a writer in the middle of its transaction
    try:
        checkpointer = Checkpointer(str(path), WriterQueue(str(lock)))
        started = time.monotonic()
        assert checkpointer.checkpoint(sqlite3.connect(path, isolation_level=None)) is False
        assert time.monotonic() - started < 1.0
    finally:
        os.close(blocker)
    assert checkpointer.passes == 0


def test_under_steady_writes_the_thread_keeps_the_wal_short(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    engine = make_engine(f"sqlite:///{path}")
    checkpointer = checkpointer_of(engine)
    assert checkpointer is not None
    with Session(engine) as session:
        session.connection().execute(text("CREATE TABLE t (x BLOB)"))
        session.commit()
        # A count, not a time: a slow machine writes the same bytes, only later.
        commits = 4 * BACKSTOP_PAGES * 4096 // ROW + 1
        for _ in range(commits):
            begin_write(session)
            session.connection().execute(text("INSERT INTO t VALUES (:x)"), {"x": os.urandom(ROW)})
            session.commit()
    assert checkpointer.passes > 0, "the thread completed the WAL itself"
    wal = Path(f"{path}-wal").stat().st_size
    assert wal < BACKSTOP_PAGES * 4096 / 2, f"the WAL grew to {wal:,} bytes"
    thread = checkpointer.thread
    engine.dispose()
    assert thread is not None and not thread.is_alive(), "disposing the engine ends the thread"


def test_a_write_after_dispose_starts_a_new_thread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    checkpointer = checkpointer_of(engine)
    assert checkpointer is not None and checkpointer.thread is None, "no write, no thread"

    def write() -> None:
        with Session(engine) as session:
            begin_write(session)
            session.connection().execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
            session.commit()

    write()
    first = checkpointer.thread
    assert first is not None and first.is_alive()
    engine.dispose()
    write()
    assert checkpointer.thread is not None and checkpointer.thread is not first
    assert checkpointer.thread.is_alive()
    engine.dispose()


def test_a_removed_database_is_not_created_again(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    checkpointer = Checkpointer(str(path), WriterQueue(str(tmp_path / "gone.db-writelock")))
    done = threading.Event()
    checkpointer._run(done)  # returns at once: the file cannot be opened
    assert not path.exists()


def test_rounds_wait_for_a_batch_of_commits_or_a_quiet_spell() -> None:
    # Each round fsyncs twice: one per commit would multiply the fsyncs of a light load.
    assert not Checkpointer.due(0, 3600.0), "nothing written, nothing to copy"
    assert not Checkpointer.due(BATCH_COMMITS - 1, 0.1)
    assert Checkpointer.due(BATCH_COMMITS, 0.1)
    assert not Checkpointer.due(1, IDLE_ROUND_S - 0.5)
    assert Checkpointer.due(1, IDLE_ROUND_S), "a trickle of writes is still copied soon"
