"""Statements and transactions on the driver behave as SQLAlchemy's own, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from forecast.infra.db import get_engine, session_scope
from forecast.infra.sqlite.driver_sql import (
    DriverConnection,
    DriverStatement,
    driver_read,
    driver_write,
)
from forecast.models import Forecast, Question, Role
from forecast.services import forecasts
from tests.conftest import make_user
from tests.integration.factories import World, write_lock_is_free

F = Forecast.__table__  # type: ignore[attr-defined]
Q = Question.__table__  # type: ignore[attr-defined]

# The service's own insert, returning more columns to check how they come back.
INSERT = DriverStatement(
    forecasts._INSERT.statement.returning(F.c.start_time, F.c.cdf, F.c.probability)
)
BUMP = DriverStatement(
    update(Q)
    .where(Q.c.id == bindparam("question_id"))
    .values(forecasts_version=Q.c.forecasts_version + 1)
    .returning(Q.c.forecasts_version, Q.c.open_lower, Q.c.close_time)
)
COUNT = DriverStatement(select(func.count()).select_from(F))


def _row_values(user_id: int, question_id: int, at: datetime, **extra: object) -> dict:
    values = {
        "question_id": question_id,
        "user_id": user_id,
        "start_time": at,
        "probability": None,
        "cdf": None,
        "rationale": None,
    }
    values.update(extra)
    return values


def _count(app: Flask) -> int:
    with session_scope(get_engine(app)) as session, driver_read(session) as conn:
        row = COUNT.first(conn, {})
    assert row is not None
    return int(row[0])


@pytest.fixture
def world(any_app: Flask) -> tuple[Flask, int, int]:
    question = World(any_app).question("numeric")
    user = make_user(any_app, "alice", Role.FORECASTER)
    assert question.id is not None and user.id is not None
    return any_app, question.id, user.id


def test_values_go_in_and_come_back_through_the_column_types(world: tuple) -> None:
    app, question_id, user_id = world
    at = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    cdf = np.linspace(0.01, 0.99, 201)
    with session_scope(get_engine(app)) as session:
        with driver_write(session) as conn:
            row = INSERT.first(conn, _row_values(user_id, question_id, at, cdf=cdf))
        assert row is not None
        forecast_id, start, stored_cdf, probability = row
        # Aware UTC datetimes and float arrays, as the ORM reads them.
        assert start == at and start.tzinfo is not None
        assert isinstance(stored_cdf, np.ndarray) and np.array_equal(stored_cdf, cdf)
        assert probability is None
        loaded = session.get(Forecast, forecast_id)
        assert loaded is not None and loaded.start_time == at
        assert loaded.cdf is not None and np.array_equal(loaded.cdf, cdf)


def test_literals_in_the_statement_and_booleans_in_results_are_handled(world: tuple) -> None:
    app, question_id, _ = world
    with session_scope(get_engine(app)) as session:
        versions = []
        for _ in range(2):
            with driver_write(session) as conn:
                row = BUMP.first(conn, {"question_id": question_id})
            assert row is not None
            versions.append(row[0])
            assert isinstance(row[1], bool)
            assert isinstance(row[2], datetime) and row[2].tzinfo is not None
        assert versions[1] == versions[0] + 1
        with driver_read(session) as conn:
            assert BUMP.first(conn, {"question_id": 10**6}) is None


def test_a_missing_parameter_is_an_error_not_a_null(world: tuple) -> None:
    app, question_id, user_id = world
    values = _row_values(user_id, question_id, datetime.now(UTC))
    del values["rationale"]
    with (
        session_scope(get_engine(app)) as session,
        pytest.raises(KeyError),
        driver_write(session) as conn,
    ):
        INSERT.rows(conn, values)
    assert _count(app) == 0


def test_driver_errors_arrive_as_sqlalchemy_errors_and_roll_everything_back(world: tuple) -> None:
    app, question_id, user_id = world
    at = datetime.now(UTC)
    with session_scope(get_engine(app)) as session:
        with driver_write(session) as conn:
            INSERT.rows(conn, _row_values(user_id, question_id, at, probability=0.4))
        before = _count(app)
        with pytest.raises(IntegrityError), driver_write(session) as conn:
            later = at + timedelta(seconds=1)
            INSERT.rows(conn, _row_values(user_id, question_id, later, probability=0.5))
            # A second standing forecast of the same user breaks the partial unique index.
            INSERT.rows(conn, _row_values(user_id, question_id, later, probability=0.6))
    assert _count(app) == before == 1


def test_an_exception_inside_the_block_rolls_the_write_back(world: tuple) -> None:
    app, question_id, user_id = world
    with (
        session_scope(get_engine(app)) as session,
        pytest.raises(RuntimeError),
        driver_write(session) as conn,
    ):
        INSERT.rows(conn, _row_values(user_id, question_id, datetime.now(UTC)))
        raise RuntimeError("refused after the insert")
    assert _count(app) == 0


def test_inside_a_session_transaction_the_driver_joins_it(world: tuple) -> None:
    app, question_id, user_id = world
    with session_scope(get_engine(app)) as session:
        session.add(
            Forecast(
                question_id=question_id,
                user_id=user_id,
                start_time=datetime.now(UTC) - timedelta(hours=1),
                end_time=datetime.now(UTC) - timedelta(minutes=30),
                probability=0.3,
            )
        )
        session.flush()
        # The read sees the session's own uncommitted row: it is the same transaction.
        with driver_read(session) as conn:
            assert COUNT.first(conn, {}) == (1,)
        assert _count(app) == 0, "nothing is visible outside before the commit"
        with driver_write(session) as conn:
            INSERT.rows(conn, _row_values(user_id, question_id, datetime.now(UTC)))
        assert not session.in_transaction()
    assert _count(app) == 2


def test_a_write_outside_any_session_holds_the_writer_lock_only_while_it_lasts(
    app: Flask, tmp_path: Path
) -> None:
    lock = Path(f"{app.config['DATABASE_URL'].removeprefix('sqlite:///')}-writelock")

    question = World(app).question()
    user = make_user(app, "bob", Role.FORECASTER)
    with session_scope(get_engine(app)) as session:
        assert write_lock_is_free(lock)
        with driver_write(session) as conn:
            assert not write_lock_is_free(lock)
            assert isinstance(conn, DriverConnection)
            INSERT.rows(conn, _row_values(user.id, question.id, datetime.now(UTC)))
        assert write_lock_is_free(lock)
        with pytest.raises(RuntimeError), driver_write(session):
            raise RuntimeError("boom")
        assert write_lock_is_free(lock), "an error releases the lock too"
        assert not session.in_transaction()


def test_reads_outside_a_transaction_see_what_others_committed(world: tuple) -> None:
    app, question_id, user_id = world
    with Session(get_engine(app)) as reader, session_scope(get_engine(app)) as writer:
        with driver_read(reader) as conn:
            assert COUNT.first(conn, {}) == (0,)
        with driver_write(writer) as conn:
            INSERT.rows(conn, _row_values(user_id, question_id, datetime.now(UTC)))
        with driver_read(reader) as conn:
            assert COUNT.first(conn, {}) == (1,)


def test_on_sqlite_each_thread_keeps_its_connection_until_the_engine_is_disposed(
    app: Flask,
) -> None:
    import sqlite3
    import threading

    engine = get_engine(app)

    def connection_used() -> object:
        with session_scope(engine) as session, driver_read(session) as conn:
            return conn.dbapi

    first = connection_used()
    assert connection_used() is first, "the same thread reuses its connection"
    others: list[object] = []
    worker = threading.Thread(target=lambda: others.append(connection_used()))
    worker.start()
    worker.join()
    assert others[0] is not first, "another thread has its own"
    engine.dispose()
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")  # type: ignore[attr-defined]
    assert connection_used() is not first, "a disposed engine's threads start afresh"


def test_on_sqlite_the_kept_connections_read_without_a_memory_map_and_the_pool_with_one(
    app: Flask,
) -> None:
    engine = get_engine(app)
    with session_scope(engine) as session, driver_read(session) as conn:
        kept = conn.dbapi.execute("PRAGMA mmap_size").fetchone()[0]
    with engine.connect() as pooled:
        mapped = pooled.exec_driver_sql("PRAGMA mmap_size").scalar()
    assert kept == 0, "the hot path's transactions mostly follow another process's commit"
    assert mapped == 268435456, "page reads map the file"


def test_the_request_session_ends_its_transaction_and_forgets_its_objects(any_app: Flask) -> None:
    from forecast.infra.db import get_session
    from forecast.models import User

    make_user(any_app, "holder")
    with any_app.app_context():
        session = get_session()
        held = session.scalars(select(User)).first()  # the identity map holds it weakly
        assert held is not None
        assert session.in_transaction() and len(session.identity_map) == 1
    # The app context's teardown closed it.
    assert not session.in_transaction()
    assert len(session.identity_map) == 0


def test_an_untouched_request_session_is_left_as_it_was(app: Flask) -> None:
    from forecast.infra.db import get_session

    with app.app_context():
        session = get_session()
        with driver_read(session) as conn:
            assert COUNT.first(conn, {}) == (0,)
        # The driver read went around the session, which holds nothing to close.
        assert not session.in_transaction() and len(session.identity_map) == 0


def test_on_postgresql_a_read_opens_no_transaction_and_hands_its_connection_back_intact(
    world: tuple,
) -> None:
    app, _question_id, _user_id = world
    engine = get_engine(app)
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite reads run on the thread's kept connection")
    from psycopg.pq import TransactionStatus

    with Session(engine) as session:
        with driver_read(session) as conn:
            assert COUNT.first(conn, {}) == (0,)
            used = conn.dbapi
            # One round trip: the count ran as a transaction of its own, none is left open.
            assert used.info.transaction_status == TransactionStatus.IDLE
        assert used.autocommit is False, "back in the pool in transaction mode"
        with pytest.raises(DBAPIError), driver_read(session) as conn:
            failed = conn.dbapi
            DriverStatement(select(func.count()).select_from(Q).where(Q.c.id == "x")).rows(conn, {})
        assert failed.autocommit is False, "a failed read hands it back in transaction mode"
    # The pool's connections still write and read as before.
    assert _count(app) == 0
