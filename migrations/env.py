"""Alembic environment: the app's metadata and database URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import forecast.models  # noqa: F401  (registers every table)
from forecast.infra.db import is_sqlite, make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        if is_sqlite(engine):
            _run_without_foreign_keys(conn)
        else:
            _run(conn)
    engine.dispose()


def _run_without_foreign_keys(conn: Connection) -> None:
    # Batch operations on SQLite copy a table, drop the original and rename the copy. With
    # foreign keys enforced, dropping a table that others reference either fails (users) or
    # silently cascades and deletes the referencing rows (questions -> forecasts), so the
    # migration runs with enforcement off and checks the references once at the end.
    # The pragma only takes effect outside a transaction: run it on the raw connection first.
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(conn)
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left broken foreign keys: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
