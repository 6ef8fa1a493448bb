"""`forecast db downgrade` refuses to destroy data unless forced, and says what would go.

Every revision is taken down one step and up again with rows in every table: a step that loses
data the upgrade cannot bring back must be refused without --force (the database left as it
was), and a step that is not refused must lose nothing but derived data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, MetaData, create_engine, inspect, select, update

from forecast.infra.db import get_engine
from forecast.infra.migrate import alembic_config
from forecast.infra.migration_losses import counted
from tests.conftest import build_app
from tests.integration.test_migrations_data import (
    ROWS_AT,
    T0,
    _insert,
    _normalise,
    pg_schema_url,  # noqa: F401  (a fixture, asked for by name below)
    revisions,
)

# Rebuilt after an upgrade (scores by `forecast score --all`, caches on the next read, the
# scores counter from a fresh start) or transient (the scheduler's lease): losing them is not
# losing data.
DERIVED = {
    "scores",
    "aggregate_cache",
    "data_versions.version",
    "boundary_evaluations",
    "scheduler_leases",
    "questions.forecasts_version",
}

# Values of columns that later revisions add to earlier tables, set away from their defaults
# so that dropping the column loses something: (revision, table, id, values).
SETTINGS: list[tuple[str, str, int, dict[str, Any]]] = [
    ("0002", "users", 2, {"email": "ann@example.org", "webhook_url": "https://example.org/h"}),
    ("0002", "questions", 1, {"weight": 2.0, "resolution_reminded_at": T0}),
    ("0002", "tournaments", 1, {"prize_pool": 100.0}),
    ("0007", "questions", 2, {"aggregate_open_to_leaders": True}),
    ("0009", "boundaries", 1, {"min_forecasters": 3}),
    ("0010", "forecasts", 3, {"quantiles": "[[0.5, 50.0]]"}),
]

Snapshot = dict[str, list[dict[str, Any]]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'downgrade.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    made = create_engine(url)
    yield made
    made.dispose()


@pytest.fixture
def url_app(url: str, tmp_path: Path) -> Iterator[Flask]:
    application = build_app(url, tmp_path)
    yield application
    get_engine(application).dispose()


def _fill(engine: Engine, url: str, revision: str) -> None:
    """Migrate to revision and put rows in every table it has, later columns set too."""
    steps = revisions()
    command.upgrade(alembic_config(url), revision)
    for step in steps[: steps.index(revision) + 1]:
        if step in ROWS_AT:
            _insert(engine, ROWS_AT[step]())
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for step, name, row_id, values in SETTINGS:
            if steps.index(step) <= steps.index(revision):
                table = meta.tables[name]
                if engine.dialect.name == "sqlite":
                    values = {k: _naive(v) for k, v in values.items()}
                conn.execute(update(table).where(table.c.id == row_id).values(**values))


def _naive(value: Any) -> Any:
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def _snapshot(engine: Engine) -> Snapshot:
    engine.dispose()
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: [
                {k: _normalise(v) for k, v in row.items()}
                for row in conn.execute(select(table).order_by(*table.primary_key)).mappings()
            ]
            for name, table in meta.tables.items()
            if name != "alembic_version"
        }


def _lost(before: Snapshot, after: Snapshot) -> set[str]:
    """Return the tables whose rows and the columns whose values did not come back."""
    lost = set()
    for name, rows in before.items():
        kept = after.get(name, [])
        if len(kept) != len(rows):
            lost.add(name)
            continue
        for old, new in zip(rows, kept, strict=True):
            lost.update(f"{name}.{column}" for column in old if new.get(column) != old[column])
    return lost


def _hints(snapshot: Snapshot) -> str:
    hinted = sum(bool(token["hint"]) for token in snapshot["api_tokens"])
    return f"the hint of {counted(hinted, 'API token')}"


def _current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _downgrade(app: Flask, *args: str) -> Any:
    runner: FlaskCliRunner = app.test_cli_runner()
    return runner.invoke(args=["db", "downgrade", *args])


@pytest.mark.parametrize("revision", revisions())
def test_each_downgrade_keeps_data_or_is_refused_without_force(
    revision: str, url: str, engine: Engine, url_app: Flask
) -> None:
    steps = revisions()
    below = (["base", *steps])[steps.index(revision)]
    _fill(engine, url, revision)
    before = _snapshot(engine)

    tried = _downgrade(url_app, below)
    refused = tried.exit_code != 0
    if refused:
        assert f"past {revision}: " in tried.output and "pass --force" in tried.output
        assert "Traceback" not in tried.output
        assert _current(engine) == revision and _snapshot(engine) == before
        forced = _downgrade(url_app, below, "--force")
        assert forced.exit_code == 0, forced.output
        assert f"destroyed past {revision}: " in forced.output
    else:
        assert tried.exit_code == 0, tried.output
    assert _current(engine) == (None if below == "base" else below)

    command.upgrade(alembic_config(url), revision)
    lost = _lost(before, _snapshot(engine)) - DERIVED
    # A step loses data exactly when it was refused: no silent loss, no false alarm.
    assert bool(lost) == refused, (lost, tried.output)


def test_downgrade_base_is_refused_without_force_on_a_database_with_data(
    url: str, engine: Engine, url_app: Flask
) -> None:
    _fill(engine, url, revisions()[-1])
    before = _snapshot(engine)
    tried = _downgrade(url_app, "base")
    assert tried.exit_code == 1
    expected = "; ".join(
        counted(len(before[table]), noun)
        for table, noun in [
            ("users", "user"),
            ("api_tokens", "API token"),
            ("tournaments", "tournament"),
            ("questions", "question"),
            ("forecasts", "forecast"),
        ]
    )
    assert f"past 0001: {expected}; " in tried.output
    assert _current(engine) == revisions()[-1] and _snapshot(engine) == before
    assert _downgrade(url_app, "base", "--force").exit_code == 0
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_downgrade_base_of_an_empty_database_needs_no_force(
    url: str, engine: Engine, url_app: Flask
) -> None:
    command.upgrade(alembic_config(url), "head")
    result = _downgrade(url_app, "base")
    assert result.exit_code == 0, result.output
    assert _current(engine) is None


def test_the_refusal_sums_what_every_revision_passed_destroys(
    url: str, engine: Engine, url_app: Flask
) -> None:
    _fill(engine, url, revisions()[-1])
    before = _snapshot(engine)
    tried = _downgrade(url_app, "0002")
    assert tried.exit_code == 1
    lines = tried.output.splitlines()
    assert lines[0] == (
        "error: downgrading to 0002 destroys data that upgrading cannot bring back:"
    )
    assert f"  past 0006: {_hints(before)}" in lines
    boundaries = before["boundaries"]
    committed = sum(b["status"] == "committed" for b in boundaries)
    assert (
        f"  past 0003: {counted(len(boundaries), 'boundary', 'boundaries')} ({committed} "
        f"committed) and their {counted(len(before['boundary_versions']), 'version')}; "
        f"{counted(len(before['boundary_events']), 'boundary crossing event')}"
    ) in lines
    opened = sum(bool(q["aggregate_open_to_leaders"]) for q in before["questions"])
    assert (
        f"  past 0007: the aggregate-open-to-leaders setting of {counted(opened, 'question')}"
    ) in lines
    assert not any(line.startswith("  past 0002") for line in lines)
    assert lines[-1] == "nothing was changed; pass --force to proceed"


def test_a_relative_downgrade_checks_the_revisions_it_passes(
    url: str, engine: Engine, url_app: Flask
) -> None:
    _fill(engine, url, revisions()[-1])
    steps = revisions()
    tried = _downgrade(url_app, "--", f"-{len(steps) - steps.index('0006')}")
    assert tried.exit_code == 1 and f"past 0006: {_hints(_snapshot(engine))}" in tried.output
    assert _current(engine) == steps[-1]


def test_an_unknown_revision_is_a_clear_error(url: str, engine: Engine, url_app: Flask) -> None:
    command.upgrade(alembic_config(url), "head")
    result = _downgrade(url_app, "nonesuch")
    assert result.exit_code == 1
    assert "error: Can't locate revision identified by 'nonesuch'" in result.output
