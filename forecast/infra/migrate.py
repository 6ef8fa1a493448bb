"""Alembic driven from the app's configuration."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import Loss, downgrade_losses, refusal
from forecast.infra.resources import resource

MIGRATIONS_DIR = resource("migrations")


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the database at url."""
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS_DIR)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def scripts() -> ScriptDirectory:
    """Return the app's migration scripts."""
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def known_revisions() -> list[str]:
    """Return every revision the app knows, oldest first."""
    return [script.revision for script in reversed(list(scripts().walk_revisions()))]


def head_revision() -> str:
    """Return the revision the app's models expect."""
    head = scripts().get_current_head()
    assert head is not None
    return head


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Migrate the database behind an open connection up to revision."""
    cfg = alembic_config("sqlite://")
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


@cache
def schema_at(revision: str) -> dict[str, frozenset[str]]:
    """Return each table's columns at revision (migrating an empty database to find out)."""
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as connection:
            upgrade_connection(connection, revision)
            found = inspect(connection)
            return {
                table: frozenset(column["name"] for column in found.get_columns(table))
                for table in found.get_table_names()
            }
    finally:
        engine.dispose()


def upgrade(app: Flask, revision: str = "head") -> None:
    """Migrate the app's database up to revision."""
    command.upgrade(alembic_config(app.config["DATABASE_URL"]), revision)


def losses(url: str, revision: str) -> list[Loss]:
    """Return what migrating the database at url down to revision would destroy."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return downgrade_losses(connection, scripts(), revision)
    finally:
        engine.dispose()


def downgrade(app: Flask, revision: str, *, force: bool = False) -> list[Loss]:
    """Migrate the app's database down to revision; refuse to destroy data unless forced."""
    url = app.config["DATABASE_URL"]
    lost = losses(url, revision)
    if lost and not force:
        raise refusal(revision, lost)
    command.downgrade(alembic_config(url), revision)
    return lost


def current(app: Flask) -> None:
    """Print the database's current revision."""
    command.current(alembic_config(app.config["DATABASE_URL"]))
