"""Alembic driven from the app's configuration."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from flask import Flask

MIGRATIONS_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations"
)


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the database at url."""
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS_DIR)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    """Migrate the app's database up to revision."""
    command.upgrade(alembic_config(app.config["DATABASE_URL"]), revision)


def downgrade(app: Flask, revision: str) -> None:
    """Migrate the app's database down to revision."""
    command.downgrade(alembic_config(app.config["DATABASE_URL"]), revision)


def current(app: Flask) -> None:
    """Print the database's current revision."""
    command.current(alembic_config(app.config["DATABASE_URL"]))
