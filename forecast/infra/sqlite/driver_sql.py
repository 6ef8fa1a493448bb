"""Core statements and transactions run straight on the driver, for the busiest requests.

A SQLAlchemy Core execute spends about 35 us in Python per statement before the driver sees
it (compiled-cache lookup, execution context, result objects); the driver itself takes 3 to 8
us on SQLite. The submit path runs its statements while it holds SQLite's single write lock,
so there that overhead is serial time that every worker waits for.

A DriverStatement is still written in Core, so its SQL stays portable and checked against the
models. It is compiled once per dialect into the SQL string, the order of its parameters, and
the type processors of its parameters and result columns (all public SQLAlchemy API), then
runs on a DBAPI connection. Driver errors come back as SQLAlchemy's own exception classes.

driver_read and driver_write hand out that connection. Inside a Session's transaction they
join it. Otherwise they work outside any Session (on SQLite on the thread's own connection,
see _KeptConnections): a Session transaction costs about 80 us of bookkeeping around an empty
SQLite commit that itself takes 20 us, and the write path would pay it inside the write lock.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.expression import ClauseElement
from sqlmodel import Session

from forecast.infra.sqlite.writers import writer_queue
from forecast.infra.unit_of_work import begin_write, is_sqlite, session_engine

Processor = Callable[[Any], Any]


@dataclass
class _Compiled:
    """One statement as one dialect's driver takes it."""

    dialect: Dialect
    sql: str
    positional: bool
    keys: tuple[str, ...]  # the keys the driver expects for each parameter (named style)
    defaults: Mapping[str, Any]  # values fixed in the statement itself (literals)
    # Parameter names, in the driver's order when positional, with their bind processors.
    parameters: tuple[tuple[str, Processor | None], ...]
    columns: tuple[Any, ...]  # the result columns' types, as this dialect implements them
    # Result processors by the driver's type codes of the columns (PostgreSQL's numeric
    # processors depend on them), filled on first use.
    results: dict[tuple[Any, ...], tuple[Processor | None, ...]] = field(default_factory=dict)

    def processors(self, description: Sequence[Sequence[Any]]) -> tuple[Processor | None, ...]:
        """Return the result processors for a cursor's description."""
        codes = tuple(d[1] for d in description)
        found = self.results.get(codes)
        if found is None:
            found = tuple(
                t.result_processor(self.dialect, code)
                for t, code in zip(self.columns, codes, strict=True)
            )
            self.results[codes] = found
        return found


@dataclass(frozen=True)
class DriverConnection:
    """A DBAPI connection with the dialect that compiles statements for it."""

    dialect: Dialect
    dbapi: Any

    @classmethod
    def of(cls, conn: Connection) -> DriverConnection:
        """Return the driver connection under a SQLAlchemy connection (same transaction)."""
        return cls(conn.dialect, conn.connection.dbapi_connection)


def _translate(dialect: Dialect, sql: str, arguments: Any, exc: Exception) -> StatementError:
    """Return a driver error as SQLAlchemy's exception class for it (IntegrityError and so on)."""
    return DBAPIError.instance(sql, arguments, exc, dialect.loaded_dbapi.Error)


@contextmanager
def _translated(dialect: Dialect, sql: str, arguments: Any) -> Iterator[None]:
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise _translate(dialect, sql, arguments, exc) from exc


class _KeptConnections:
    """SQLite driver connections kept by their threads between uses.

    A pool checkout and return costs about 70,000 instructions, and the submit path needs a
    connection twice (the token, then the write). A SQLite connection is a file handle with
    nothing to check again, so each thread keeps one; the page cache it holds also stays warm
    from the token read to the write. A connection goes back to the pool when its thread has
    ended (without its memory map), and is closed when the engine is disposed. A forked child
    opens its own.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)  # the registry must not keep engines alive
        self.local = threading.local()
        self.lock = threading.Lock()
        self.kept: list[tuple[int, weakref.ref[threading.Thread], Any]] = []
        event.listen(engine, "engine_disposed", self.close_all)

    def get(self) -> Any:
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        engine = self.engine()
        assert engine is not None
        pooled = engine.raw_connection()
        # No memory map here. A connection drops its map whenever another process has written
        # and faults the pages in again: about 11 us more per transaction. The token read and
        # the forecast write nearly always follow another worker's commit under load.
        driver: Any = pooled.dbapi_connection
        driver.execute("PRAGMA mmap_size=0")
        with self.lock:
            self._return_orphans()
            self.kept.append((os.getpid(), weakref.ref(threading.current_thread()), pooled))
        self.local.held = (os.getpid(), pooled)
        return pooled

    def _return_orphans(self) -> None:
        pid, still = os.getpid(), []
        for entry in self.kept:
            owner_pid, thread, pooled = entry
            if owner_pid != pid:
                continue  # a parent's connection: never touched in a child
            owner = thread()
            if owner is None or not owner.is_alive():
                pooled.close()
            else:
                still.append(entry)
        self.kept = still

    def close_all(self, _engine: Engine | None = None) -> None:
        with self.lock:
            for owner_pid, _thread, pooled in self.kept:
                if owner_pid == os.getpid():
                    pooled.invalidate()  # closes the driver connection now
            self.kept = []
            self.local = threading.local()


_KEPT: weakref.WeakKeyDictionary[Engine, _KeptConnections] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


@contextmanager
def _connection(engine: Engine, *, autocommit: bool = False) -> Iterator[Any]:
    """Yield a driver connection outside any Session: the thread's own on SQLite, else pooled.

    autocommit (PostgreSQL): run each statement as a transaction of its own. A read then costs
    one round trip instead of three (BEGIN, the query, and the ROLLBACK of the pool's reset):
    about 100 us against 300 us here.
    """
    if is_sqlite(engine):
        kept = _KEPT.get(engine)
        if kept is None:
            with _KEPT_LOCK:
                kept = _KEPT.get(engine) or _KeptConnections(engine)
                _KEPT[engine] = kept
        raw = kept.get().dbapi_connection
        if raw.in_transaction:
            raw.rollback()  # whatever left a transaction open, the next user starts clean
        yield raw
        return
    pooled = engine.raw_connection()
    driver: Any = pooled.dbapi_connection
    try:
        if autocommit:
            driver.autocommit = True
        yield driver
        if autocommit:
            driver.autocommit = False  # the pool hands out connections in transaction mode
    except BaseException:
        if autocommit:
            # A connection that cannot be put back into transaction mode is not reused.
            try:
                driver.autocommit = False
            except Exception:
                pooled.invalidate()
        raise
    finally:
        pooled.close()  # the pool's reset on return ends any transaction left open


@contextmanager
def driver_read(session: Session) -> Iterator[DriverConnection]:
    """Yield a connection to read from: the session's inside its transaction, else the driver's.

    Outside a transaction each statement reads a snapshot of its own (on PostgreSQL in
    autocommit mode, so no transaction is opened and none has to be ended).
    """
    if session.in_transaction():
        yield DriverConnection.of(session.connection())
        return
    engine = session_engine(session)
    with _connection(engine, autocommit=True) as raw:
        yield DriverConnection(engine.dialect, raw)


@contextmanager
def driver_write(session: Session) -> Iterator[DriverConnection]:
    """Yield a connection inside a write transaction, committed when the block ends.

    An exception rolls everything back. Inside a Session's transaction the block joins it
    (and commits it); otherwise it runs on the driver's connection, queued on SQLite's writer
    lock for exactly as long as the transaction lasts.
    """
    if session.in_transaction():
        begin_write(session)
        try:
            yield DriverConnection.of(session.connection())
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return
    engine = session_engine(session)
    dialect = engine.dialect
    queue = writer_queue(engine)
    with _connection(engine) as raw:
        lock = queue.acquire() if queue is not None else None
        try:
            if dialect.name == "sqlite":
                with _translated(dialect, "BEGIN IMMEDIATE", ()):
                    raw.execute("BEGIN IMMEDIATE")
            try:
                yield DriverConnection(dialect, raw)
            except BaseException:
                raw.rollback()
                raise
            with _translated(dialect, "COMMIT", ()):
                raw.commit()
        finally:
            if queue is not None:
                queue.release(lock)


class DriverStatement:
    """A Core statement compiled once per dialect and executed on the raw DBAPI cursor."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            with self._lock:
                found = self._compiled.get(dialect.name) or _compile(self.statement, dialect)
                self._compiled[dialect.name] = found
        return found

    def rows(self, conn: DriverConnection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute with params on conn; return the processed rows."""
        compiled = self._for(conn.dialect)
        defaults = compiled.defaults
        values = []
        for name, process in compiled.parameters:
            # A parameter left out is a KeyError, never a silent NULL.
            value = params[name] if name in params else defaults[name]
            values.append(process(value) if process else value)
        arguments: Sequence[Any] | dict[str, Any] = (
            values if compiled.positional else dict(zip(compiled.keys, values, strict=True))
        )
        cursor = conn.dbapi.cursor()
        try:
            cursor.execute(compiled.sql, arguments)
            description = cursor.description
            raw = cursor.fetchall() if description is not None else []
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _translate(conn.dialect, compiled.sql, arguments, exc) from exc
        finally:
            cursor.close()
        if not raw:
            return []
        processors = compiled.processors(description)
        if not any(processors):
            return [tuple(r) for r in raw]
        return [tuple(p(v) if p else v for p, v in zip(processors, r, strict=True)) for r in raw]

    def first(self, conn: DriverConnection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Execute and return the first row, or None."""
        found = self.rows(conn, params)
        return found[0] if found else None


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    positional = bool(dialect.positional)
    names = tuple(compiled.positiontup if positional else compiled.binds)
    escaped = getattr(compiled, "escaped_bind_names", None) or {}
    columns = list(getattr(statement, "exported_columns", ()))
    return _Compiled(
        dialect=dialect,
        sql=compiled.string,
        positional=positional,
        keys=tuple(escaped.get(n, n) for n in names),
        defaults={n: b.value for n, b in compiled.binds.items() if not b.required},
        parameters=tuple(
            (n, compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect)) for n in names
        ),
        columns=tuple(c.type.dialect_impl(dialect) for c in columns),
    )
