"""The unit of work: `with write(session):` commits or rolls back one write transaction.

A writing transaction begins as SQLite's BEGIN IMMEDIATE (the engine's "begin" listener in
`forecast.infra.db` reads the `IMMEDIATE` execution option), so the write lock is taken up front.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session

IMMEDIATE = "forecast_sqlite_immediate"
_WRITING = "forecast_writing"


def is_sqlite(engine: Engine) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def session_engine(session: Session) -> Engine:
    """Return the engine a session is bound to (ours always are, never to a connection)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return engine


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (takes SQLite's write lock up front).

    Calling it again inside the same writing transaction does nothing, so an entry point may
    open the write transaction early and let the service join it.
    """
    if session.info.get(_WRITING):
        return
    if session.in_transaction():
        # End the read-only transaction the request may have opened (auth lookups); with
        # expire_on_commit=False the loaded objects stay usable.
        session.commit()
    session.connection(execution_options={IMMEDIATE: True})
    session.info[_WRITING] = True


@contextmanager
def write(session: Session) -> Iterator[Session]:
    """Run the block as one write transaction: commit at its end, roll back on any exception.

    The transaction begins as `begin_write` begins it (SQLite's write lock taken up front). An
    exception of any kind, raised in the block or by the commit, rolls back and is re-raised,
    so a caller that expects one (an IntegrityError from a race) catches it outside the block.
    """
    try:
        begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_WRITING, None)
