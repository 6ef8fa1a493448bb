"""Engine and session per app context; SQLite pragmas and write transactions."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import configure_mappers
from sqlmodel import Session
from werkzeug.routing import IntegerConverter, Map

from forecast.infra.config import ConfigError
from forecast.infra.sqlite.account_generation import watch_account_writes
from forecast.infra.sqlite.checkpoints import BACKSTOP_PAGES, start_checkpoints
from forecast.infra.sqlite.token_cache import keep_token_lookups
from forecast.infra.sqlite.writers import register_writer_queue
from forecast.infra.unit_of_work import IMMEDIATE as _IMMEDIATE
from forecast.infra.unit_of_work import begin_write as begin_write
from forecast.infra.unit_of_work import is_sqlite as is_sqlite
from forecast.infra.unit_of_work import session_engine as session_engine
from forecast.infra.unit_of_work import write as write

EXTENSION_KEY = "forecast_db"
MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: 32-bit signed on PostgreSQL
# Seconds a new PostgreSQL connection may take (FORECAST_DB_CONNECT_TIMEOUT). Without a bound,
# libpq waits as long as the kernel does on a server that accepts but never answers, and the
# readiness check hangs with it instead of telling the load balancer 503.
DEFAULT_CONNECT_TIMEOUT = 5


class RowIdConverter(IntegerConverter):
    """`<int:...>` in URLs: an id past any column's range matches no route (404), not a crash."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def make_engine(
    url: str, *, echo: bool = False, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and explicit transaction control.

    connect_timeout bounds each new PostgreSQL connection (libpq counts whole seconds, 2 at
    least); SQLite opens a file and has no connection to wait for.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=5,
            max_overflow=10,
        )
        database = engine.url.database
        on_disk = bool(database) and database != ":memory:"
        _configure_sqlite(engine, f"{database}-writelock" if on_disk else None)
        if on_disk and database:
            keep_token_lookups(engine, watch_account_writes(engine, database))
        return engine
    return create_engine(
        url,
        echo=echo,
        connect_args={"connect_timeout": max(2, math.ceil(connect_timeout))},
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
    )


def _configure_sqlite(engine: Engine, lock_path: str | None) -> None:
    # pysqlite opens transactions lazily and never as IMMEDIATE; a deferred transaction that
    # reads and then writes fails at once with SQLITE_BUSY when another process committed in
    # between, so we issue BEGIN ourselves and use BEGIN IMMEDIATE for writing transactions.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reads map the file (no copy per page); the driver's kept connections turn it off
        # (forecast.infra.sqlite.driver_sql), since their transactions mostly follow another's
        # commit.
        cursor.execute("PRAGMA mmap_size=268435456")
        if lock_path:
            cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.close()

    writers = register_writer_queue(engine, lock_path) if lock_path else None
    if writers is not None and engine.url.database:
        start_checkpoints(engine, engine.url.database, writers)

    # One listener does both steps, in this order: event listeners give no ordering promise.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        if immediate and writers is not None:
            writers.enter(conn)
        # Straight to the driver: every request begins a transaction, and this skips the
        # statement machinery (result objects, events) that a bare BEGIN does not need.
        conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if immediate else "BEGIN"
        )

    if writers is not None:
        event.listen(engine, "checkin", writers.leave)


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request session at teardown."""
    import forecast.models  # noqa: F401  (every table registered before mappers are configured)

    # Configure the ORM now, not lazily on a worker's first query: the token lookup builds
    # users without a query (model_construct), which needs configured mappers.
    configure_mappers()
    engine = make_engine(
        app.config["DATABASE_URL"],
        echo=app.config.get("SQL_ECHO", False),
        connect_timeout=_connect_timeout(app.config.get("DB_CONNECT_TIMEOUT")),
    )
    app.extensions[EXTENSION_KEY] = engine
    app.teardown_appcontext(_close_session)
    app.url_map.converters["int"] = RowIdConverter


def _connect_timeout(value: object) -> float:
    """Read DB_CONNECT_TIMEOUT: a positive number of seconds (a bad value stops the start)."""
    if value is None:
        return DEFAULT_CONNECT_TIMEOUT
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0 or not math.isfinite(seconds):
        raise ConfigError(
            f"FORECAST_DB_CONNECT_TIMEOUT must be a positive number of seconds, not {value!r}"
        )
    return seconds


def get_engine(app: Flask | None = None) -> Engine:
    """Return the engine of the given (or current) app."""
    engine: Engine = (app or current_app).extensions[EXTENSION_KEY]
    return engine


def new_session(engine: Engine | None = None) -> Session:
    """Open a session that keeps objects usable after commit."""
    return Session(engine or get_engine(), expire_on_commit=False)


def get_session() -> Session:
    """Return the session of the current app context, opening it on first use."""
    if "db_session" not in g:
        g.db_session = new_session()
    session: Session = g.db_session
    return session


def end_failed_transaction() -> None:
    """Roll back the request's failed transaction, so that an error page can still read."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.rollback()


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    # A session that never began a transaction nor held an object has nothing to close (the
    # busiest API paths only hand it to the driver, which finds no transaction and goes on its
    # own); closing it anyway walks its empty identity map, about 5 us a request.
    if session is not None and (
        session.in_transaction() or session.identity_map or session.new or session.deleted
    ):
        session.close()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """Yield a standalone session for jobs and commands, closed afterwards."""
    session = new_session(engine)
    try:
        yield session
    finally:
        session.close()
