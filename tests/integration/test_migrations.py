"""Migrations: one head, and they build exactly the models' schema on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlmodel import SQLModel

import forecast.models  # noqa: F401
from forecast.infra.db import get_engine
from forecast.infra.migrate import MIGRATIONS_DIR, alembic_config


def test_there_is_exactly_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert Path(MIGRATIONS_DIR, "env.py").exists()


def test_autogenerate_finds_no_difference_after_upgrade(any_app: Flask) -> None:
    with get_engine(any_app).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app: Flask) -> None:
    with get_engine(app).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
