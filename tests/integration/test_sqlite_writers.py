"""SQLite writers queue on a file lock taken before BEGIN IMMEDIATE, and free it on release."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from forecast.infra.db import begin_write, make_engine
from forecast.infra.sqlite.checkpoints import BACKSTOP_PAGES
from tests.integration.factories import write_lock_is_free


def test_a_writing_transaction_holds_the_file_lock_until_its_connection_is_released(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    lock = Path(f"{tmp_path / 'w.db'}-writelock")
    with Session(engine) as session:
        session.connection().execute(text("CREATE TABLE t (x INTEGER)"))
        session.commit()
        session.connection().execute(text("SELECT 1"))
        assert write_lock_is_free(lock), "a reading transaction takes no write lock"
        session.rollback()
        begin_write(session)
        assert not write_lock_is_free(lock)
        session.connection().execute(text("INSERT INTO t VALUES (1)"))
        session.commit()
        assert write_lock_is_free(lock)
    engine.dispose()


def test_a_queued_writer_waits_on_the_file_lock_not_inside_sqlite(tmp_path: Path) -> None:
    # While another process holds the file lock, a writer must block before BEGIN IMMEDIATE:
    # if it reached BEGIN first it would sit in SQLite's sleeping busy handler instead.
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    lock = Path(f"{tmp_path / 'q.db'}-writelock")
    with Session(engine) as session:
        session.connection().execute(text("CREATE TABLE t (x INTEGER)"))
        session.commit()
    blocker = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(blocker, fcntl.LOCK_EX)
    done = threading.Event()

    def write() -> None:
        with Session(engine) as s:
            begin_write(s)
            s.connection().execute(text("INSERT INTO t VALUES (2)"))
            s.commit()
        done.set()

    worker = threading.Thread(target=write)
    worker.start()
    time.sleep(0.3)
    assert not done.is_set(), "the writer went ahead while the file lock was held"
    # Nothing reached SQLite: a raw connection can still take SQLite's write lock at once.
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
        raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        raw.driver_connection.execute("ROLLBACK")  # type: ignore[union-attr]
    finally:
        raw.close()
    os.close(blocker)
    worker.join(timeout=10)
    assert done.is_set()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalars().all() == [2]
    engine.dispose()


def test_the_wal_starts_over_under_writers_that_never_pause(tmp_path: Path) -> None:
    # Two writers alternating without a break, readers in between: the WAL must still be
    # checkpointed to the end and restarted, not grow with every commit.
    path = tmp_path / "w.db"
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        session.connection().execute(text("CREATE TABLE t (x BLOB)"))
        session.commit()
    enough = 2 * BACKSTOP_PAGES * 4096  # bytes: past the point where SQLite itself would copy
    counts = [0, 0]

    def writer(slot: int) -> None:
        with Session(engine) as s:
            # The amount written ends the run, not a clock: a busy machine only makes it slower.
            while sum(counts) * 6000 < enough:
                s.connection().execute(text("SELECT x FROM t ORDER BY rowid DESC LIMIT 1")).all()
                s.commit()
                begin_write(s)
                s.connection().execute(text("INSERT INTO t VALUES (:x)"), {"x": os.urandom(6000)})
                s.commit()
                counts[slot] += 1

    threads = [threading.Thread(target=writer, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wal = Path(f"{path}-wal").stat().st_size
    assert wal < BACKSTOP_PAGES * 4096, f"the WAL grew to {wal:,} bytes"
    engine.dispose()
