"""WAL checkpoints beside the writers: the bulk outside the writer lock, the end under it."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from forecast.infra.db import begin_write, make_engine
from forecast.infra.sqlite import checkpoints as sqlite_checkpoints
from forecast.infra.sqlite.checkpoints import (
    BACKSTOP_PAGES,
    BATCH_COMMITS,
    IDLE_ROUND_S,
    TARGET_PAGES,
    Checkpointer,
    checkpointer_of,
    retry_pause,
)
from forecast.infra.sqlite.writers import WriterQueue
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
        # Each time the writes since the thread's last completed pass reach the target again,
        # the writer slows to one commit at a time, yielding, then waits for the next pass: a
        # loaded machine may leave the thread unscheduled for a while, which says nothing about
        # whether it works. A commit appends two or three pages; a pass is due once the WAL holds
        # TARGET_PAGES of them.
        per_pass = TARGET_PAGES // 2 + BATCH_COMMITS
        slow_most = per_pass // 4
        since, seen, slow = 0, checkpointer.passes, 0

        def write_one() -> None:
            begin_write(session)
            session.connection().execute(text("INSERT INTO t VALUES (:x)"), {"x": os.urandom(ROW)})
            session.commit()

        for _ in range(commits):
            write_one()
            since += 1
            while since >= per_pass and checkpointer.passes == seen and slow < slow_most:
                time.sleep(0.002)
                write_one()
                slow += 1
            # By now the WAL holds well over TARGET_PAGES: the pass must come, however late.
            deadline = time.monotonic() + 60
            while since >= per_pass and checkpointer.passes == seen:
                assert time.monotonic() < deadline, "no pass under the lock: the thread is stuck"
                time.sleep(0.01)
            if checkpointer.passes != seen:
                since, seen, slow = 0, checkpointer.passes, 0
    assert checkpointer.passes >= commits // (2 * per_pass), "the thread completed the WAL itself"
    wal = Path(f"{path}-wal").stat().st_size
    # At most per_pass + slow_most commits of two or three pages each between two passes: well
    # short of SQLite's backstop, which a WAL left to itself reaches.
    assert wal < BACKSTOP_PAGES * 4096 * 3 / 4, f"the WAL grew to {wal:,} bytes"
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


def _sqlite_full() -> sqlite3.OperationalError:
    """Return the error SQLite raises when the database file cannot grow (SQLITE_FULL)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA max_page_count=1")
        conn.execute("CREATE TABLE t (x)")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite found room for a second page")


class _FailingWhileFull:
    """The checkpointer's round, failing while full is set and counting how often it failed."""

    def __init__(self, checkpointer: Checkpointer, full: threading.Event, error: Exception):
        self.real = checkpointer.checkpoint
        self.full = full
        self.error = error
        self.failed = 0
        self.failed_thrice = threading.Event()
        self.completed = threading.Event()

    def __call__(self, conn: Any) -> bool:
        if self.full.is_set():
            self.failed += 1
            if self.failed == 3:
                self.failed_thrice.set()
            raise self.error
        done = self.real(conn)
        if done:
            self.completed.set()
        return done


def _engine_writes(engine: Engine, commits: int) -> None:
    with Session(engine) as session:
        session.connection().execute(text("CREATE TABLE IF NOT EXISTS t (x BLOB)"))
        session.commit()
        for _ in range(commits):
            begin_write(session)
            session.connection().execute(text("INSERT INTO t VALUES (:x)"), {"x": os.urandom(ROW)})
            session.commit()


@pytest.mark.parametrize(
    "error",
    [_sqlite_full(), OSError(errno.ENOSPC, "No space left on device"), RuntimeError("a bug")],
    ids=["sqlite-full", "enospc", "unexpected"],
)
def test_the_thread_outlives_failed_rounds_and_completes_the_wal_once_they_succeed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
) -> None:
    monkeypatch.setattr(sqlite_checkpoints, "RETRY_FIRST_S", 0.001)
    monkeypatch.setattr(sqlite_checkpoints, "RETRY_MAX_S", 0.01)
    path = tmp_path / "full.db"
    engine = make_engine(f"sqlite:///{path}")
    checkpointer = checkpointer_of(engine)
    assert checkpointer is not None
    full = threading.Event()
    full.set()  # the disk is full: the database file cannot take the WAL's pages
    failing = _FailingWhileFull(checkpointer, full, error)
    monkeypatch.setattr(checkpointer, "checkpoint", failing)
    caplog.set_level(logging.WARNING, logger=sqlite_checkpoints.__name__)

    _engine_writes(engine, TARGET_PAGES * 4096 // ROW + BATCH_COMMITS)
    assert failing.failed_thrice.wait(20), "the thread took its failed round again"
    thread = checkpointer.thread
    assert thread is not None and thread.is_alive()

    full.clear()  # room again
    assert failing.completed.wait(20), "a round completed the WAL once the disk had room"
    assert checkpointer.thread is thread and thread.is_alive()
    _engine_writes(engine, 1)
    side = sqlite3.connect(path, isolation_level=None)
    assert _wal_pages(side) < 10, "the next commit started the WAL over"
    side.close()
    engine.dispose()  # ends the thread and waits for it
    assert checkpointer.failures >= 3
    assert "failed (1 in a row)" in caplog.text and "resumed after" in caplog.text


def test_failed_rounds_are_taken_again_after_a_pause_that_doubles_up_to_a_limit() -> None:
    pauses = [retry_pause(n) for n in range(1, 40)]
    assert pauses[0] == sqlite_checkpoints.RETRY_FIRST_S
    assert pauses[1] == 2 * pauses[0]
    assert pauses == sorted(pauses) and max(pauses) == sqlite_checkpoints.RETRY_MAX_S
