"""PostgreSQL backups with the README's own pg_dump and pg_restore commands.

A database filled through the app is dumped, restored into a new database, and the copy must
hold the same rows and serve the app (tokens, pages, new writes). Restoring the same dump again
over the changed copy must bring it back to the dumped state.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlmodel import SQLModel

import forecast.models  # noqa: F401  (every table registered)
from forecast.infra.db import get_engine, session_scope
from forecast.models import Role
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import PG_URL, Api, _truncate_postgres, build_app, make_token, make_user
from tests.integration.factories import question_data

pytestmark = pytest.mark.postgres

README = Path(__file__).resolve().parents[2] / "README.md"
# Named after the test database, so that runs on different databases never share it.
RESTORED = f"{make_url(PG_URL).database}_restore" if PG_URL else "forecast_restore"


def readme_command(program: str) -> list[str]:
    """Return the README's command line for program (in backticks) as arguments."""
    found = re.findall(rf"`({program} [^`]+)`", README.read_text())
    assert len(found) == 1, f"the README should show one {program} command"
    return shlex.split(found[0])


def with_names(args: list[str], database: str, dump: Path) -> list[str]:
    """Put a real database and dump file where the README says forecast and forecast.dump."""
    names = {"forecast": database, "forecast.dump": str(dump)}
    return [names.get(arg, arg) for arg in args]


def libpq_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PGHOST": url.host or "", "PGPORT": str(url.port or 5432)})
    if url.username:
        env["PGUSER"] = url.username
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def run(args: list[str], url: URL) -> None:
    done = subprocess.run(args, env=libpq_env(url), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{shlex.join(args)} failed:\n{done.stderr[-2000:]}"


@pytest.fixture
def source(postgres_url: str, tmp_path: Path) -> Iterator[Flask]:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    app = build_app(postgres_url, tmp_path)
    _truncate_postgres(app)
    yield app
    _truncate_postgres(app)
    get_engine(app).dispose()


@pytest.fixture
def restored_url(source: Flask) -> Iterator[URL]:
    """An empty database next to the test database, dropped afterwards."""
    assert PG_URL is not None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {RESTORED}"))
    try:
        yield make_url(PG_URL).set(database=RESTORED)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)"))
        admin.dispose()


def fill(app: Flask) -> dict[str, Any]:
    """Put a bit of everything in the database through the app's API."""
    client = app.test_client()
    apis = {}
    for name, role in (
        ("olga", Role.ORGANIZER),
        ("ann", Role.FORECASTER),
        ("ben", Role.FORECASTER),
        ("lea", Role.LEADER),
    ):
        user = make_user(app, name, role)
        apis[name] = Api(client, make_token(app, user))
        if role is Role.ORGANIZER:
            with app.app_context(), session_scope() as session:
                create_tournament(session=session, actor=user, slug="ai", title="AI")
    org = apis["olga"]
    open_q = org.post("/questions", json=question_data(title="Open one?")).get_json()["id"]
    done_q = org.post("/questions", json=question_data(title="Resolved one?")).get_json()["id"]
    for name, probabilities in (("ann", (0.2, 0.35)), ("ben", (0.8,))):
        for qid in (open_q, done_q):
            for p in probabilities:
                response = apis[name].post(f"/questions/{qid}/forecasts", json={"probability": p})
                assert response.status_code == 201
    assert org.post(f"/questions/{done_q}/resolution", json={"outcome": "yes"}).status_code == 200
    boundary = apis["lea"].post(
        "/boundaries",
        json={
            "question": open_q,
            "action": "Fund a team",
            "event": {"kind": "yes"},
            "comparator": ">=",
            "threshold": 0.1,
        },
    )
    assert boundary.status_code == 201
    assert apis["lea"].post(f"/boundaries/{boundary.get_json()['id']}/commit").status_code == 200
    assert apis["lea"].get("/boundaries/report").status_code == 200
    return {"apis": apis, "open": open_q, "resolved": done_q}


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows[table.name] = [
                tuple(r)
                for r in conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {order}'))
            ]
        rows["alembic_version"] = [
            tuple(r) for r in conn.execute(text("SELECT * FROM alembic_version"))
        ]
    return rows


def test_a_dump_restores_into_a_new_database_that_serves_the_app(
    source: Flask, restored_url: URL, tmp_path: Path
) -> None:
    world = fill(source)
    before = snapshot(get_engine(source))
    for name in ("users", "questions", "forecasts", "scores", "boundaries", "api_tokens"):
        assert before[name], f"the filled database should have {name}"
    source_url = make_url(source.config["DATABASE_URL"])
    dump = tmp_path / "forecast.dump"
    run(with_names(readme_command("pg_dump"), source_url.database or "", dump), source_url)
    assert dump.stat().st_size > 0
    restore = with_names(readme_command("pg_restore"), RESTORED, dump)
    run(restore, restored_url)

    copy = build_app(restored_url.render_as_string(hide_password=False), tmp_path / "copy")
    engine = get_engine(copy)
    try:
        assert snapshot(engine) == before
        # The copy serves the app: the same tokens, the same questions, pages, new writes.
        ann = Api(copy.test_client(), world["apis"]["ann"].token)
        listed = ann.get("/questions?per_page=100").get_json()["items"]
        assert sorted(q["id"] for q in listed) == sorted([world["open"], world["resolved"]])
        assert copy.test_client().get(f"/questions/{world['resolved']}").status_code == 200
        new = ann.post(f"/questions/{world['open']}/forecasts", json={"probability": 0.5})
        assert new.status_code == 201
        assert new.get_json()["id"] > max(r[0] for r in before["forecasts"])
        lea = Api(copy.test_client(), world["apis"]["lea"].token)
        assert [row["action"] for row in lea.get("/boundaries/report").get_json()] == [
            "Fund a team"
        ]

        # Restoring again over the changed copy brings back exactly the dumped state.
        engine.dispose()
        run(restore, restored_url)
        assert snapshot(engine) == before
    finally:
        engine.dispose()
