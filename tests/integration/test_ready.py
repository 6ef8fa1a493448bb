"""GET /api/v1/ready: 200 when the database answers at the migration head, else 503 and why."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from flask import Flask

from forecast.infra.clock import utcnow
from forecast.infra.config import ConfigError
from forecast.infra.db import get_engine
from forecast.infra.migrate import alembic_config, head_revision, known_revisions
from forecast.infra.readiness import check
from forecast.infra.scheduler_lock import LEASE, SchedulerLock
from tests.conftest import build_app


def test_ready_when_the_database_answers_at_the_head(any_app: Flask) -> None:
    response = any_app.test_client().get("/api/v1/ready")
    body = response.get_json()
    assert response.status_code == 200
    assert body["status"] == "ready" and "problems" not in body
    assert body["database"]["ok"] is True
    assert body["migrations"] == {"ok": True, "revision": head_revision(), "head": head_revision()}
    assert body["scheduler"] == {"state": "absent", "holder": None}
    assert response.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Nothing listens on port 1: as a stopped PostgreSQL server looks to the app.
    app = build_app("postgresql+psycopg://postgres@127.0.0.1:1/forecast", tmp_path)
    response = app.test_client().get("/api/v1/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not_ready"
    assert body["problems"] == ["database: unreachable (OperationalError)"]
    # The driver's message (hosts, ports) goes to the log, not to anonymous callers.
    assert "127.0.0.1" not in response.get_data(as_text=True)
    # Liveness stays up: the process itself is fine.
    assert app.test_client().get("/api/v1/health").status_code == 200


def test_not_ready_when_the_database_is_behind_the_head(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    older = known_revisions()[-2]
    command.upgrade(alembic_config(f"sqlite:///{path}"), older)
    app = build_app(f"sqlite:///{path}", tmp_path)
    response = app.test_client().get("/api/v1/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["problems"] == [
        f"migrations: the database is at {older}, the app needs {head_revision()} "
        "(forecast db upgrade)"
    ]
    assert body["database"]["ok"] is True
    assert body["migrations"]["ok"] is False


def test_not_ready_when_the_database_was_never_migrated(tmp_path: Path) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    response = app.test_client().get("/api/v1/ready")
    assert response.status_code == 503
    assert response.get_json()["problems"] == [
        "migrations: the database is not migrated (forecast db upgrade)"
    ]


def test_the_scheduler_lock_holder_and_its_age_are_reported(any_app: Flask) -> None:
    engine = get_engine(any_app)
    lock = SchedulerLock(engine, holder="sched-host:4242")
    now = utcnow()
    try:
        assert lock.holds(now)
        found = check(engine, now=now + timedelta(seconds=5)).checks["scheduler"]
        assert found["state"] == "running"
        assert "sched-host:4242" in found["holder"]
        if engine.dialect.name == "sqlite":
            # The lease was renewed at `now`: five seconds ago, by the clock we passed.
            assert found["seconds_since_renewal"] == 5.0
            late = check(engine, now=now + LEASE + timedelta(seconds=1)).checks["scheduler"]
            assert late["state"] == "stale"
        else:
            # The holder's connection last spoke moments ago, by the server's clock.
            assert 0 <= found["seconds_since_renewal"] < 60
        # A stopped or stale scheduler is reported, but the web worker stays ready.
        assert check(engine, now=now + LEASE * 10).ready
    finally:
        lock.release()
    assert check(engine).checks["scheduler"]["state"] == "absent"


@pytest.mark.timeout(60)  # without the connect timeout the request would wait for ever
def test_not_ready_soon_when_the_database_accepts_but_never_answers(tmp_path: Path) -> None:
    # A listener that completes the TCP handshake and then says nothing: as a PostgreSQL host
    # looks whose server hangs (or whose packets a firewall swallows after the handshake).
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        app = build_app(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/forecast",
            tmp_path,
            DB_CONNECT_TIMEOUT=2,
        )
        response = app.test_client().get("/api/v1/ready")
    assert response.status_code == 503
    assert response.get_json()["problems"] == ["database: unreachable (OperationalError)"]


@pytest.mark.parametrize("value", [0, -1, "soon", float("nan")])
def test_a_connect_timeout_that_is_not_a_positive_number_stops_the_start(
    tmp_path: Path, value: object
) -> None:
    with pytest.raises(ConfigError, match="FORECAST_DB_CONNECT_TIMEOUT"):
        build_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, DB_CONNECT_TIMEOUT=value)


def test_the_connect_timeout_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORECAST_DB_CONNECT_TIMEOUT", "7")
    app = build_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    assert app.config["DB_CONNECT_TIMEOUT"] == 7
