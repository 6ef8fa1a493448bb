"""Logging: text or JSON lines through one dictConfig, a request id on every line of a request."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from forecast import jobs
from forecast.infra.config import ConfigError
from forecast.infra.logging_setup import JsonFormatter, RequestIdFilter, TextFormatter
from tests.conftest import build_app
from tests.integration.deployed import deployed, get


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, logging.Handler]]:
    """A handler as the configuration builds it (JSON, request ids) on the app's loggers."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("forecast")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream, handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_every_line_of_a_request_carries_its_id_which_is_echoed(
    tmp_path: Path, captured: tuple[io.StringIO, logging.Handler]
) -> None:
    stream, _ = captured
    # The readiness check logs why the database failed, inside the request.
    app = build_app("postgresql+psycopg://postgres@127.0.0.1:1/forecast", tmp_path)
    response = app.test_client().get("/api/v1/ready")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING" and line["logger"] == "forecast.infra.readiness"
    assert line["message"].startswith("readiness: database check failed")
    assert line["time"].endswith("Z")


def test_a_request_id_is_taken_only_from_a_trusted_proxy(app: Flask, tmp_path: Path) -> None:
    sent = {"X-Request-ID": "edge-7f3a.42"}
    # No trusted proxy: the client's header is not believed; a new id is made.
    untrusted = app.test_client().get("/api/v1/health", headers=sent)
    assert untrusted.headers["X-Request-ID"] != "edge-7f3a.42"
    proxied = build_app(app.config["DATABASE_URL"], tmp_path, PROXY_COUNT=1).test_client()
    assert proxied.get("/api/v1/health", headers=sent).headers["X-Request-ID"] == "edge-7f3a.42"
    # Garbage (spaces, newlines, too long) is replaced, even from a trusted proxy.
    for bad in ("a b", "x" * 200, "id\u00e9"):
        echoed = proxied.get("/api/v1/health", headers={"X-Request-ID": bad})
        assert echoed.headers["X-Request-ID"] != bad
    # Distinct requests, distinct ids.
    ids = {app.test_client().get("/api/v1/health").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_jobs_log_each_run_with_its_duration(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="forecast.jobs"):
        assert jobs.timed("advance_schedule", lambda: {"opened": 1, "closed": 0}) == {
            "opened": 1,
            "closed": 0,
        }
    record = caplog.records[-1]
    assert record.getMessage().startswith("job advance_schedule ran in ")
    assert record.job == "advance_schedule"  # type: ignore[attr-defined]
    assert 0 <= record.duration_s < 5  # type: ignore[attr-defined]
    # The JSON line carries the extras as fields.
    record.request_id = "-"
    line = json.loads(JsonFormatter().format(record))
    assert line["job"] == "advance_schedule" and line["duration_s"] == record.duration_s  # type: ignore[attr-defined]


def test_text_lines_name_the_request_id() -> None:
    record = logging.makeLogRecord(
        {"name": "forecast.x", "levelname": "INFO", "msg": "hello %s", "args": ("you",)}
    )
    record.request_id = "abc123"
    line = TextFormatter().format(record)
    assert line.endswith(" INFO forecast.x [abc123] hello you")


@pytest.mark.parametrize(("setting", "value"), [("LOG_FORMAT", "xml"), ("LOG_LEVEL", "LOUD")])
def test_an_unknown_log_setting_is_refused_at_start(
    tmp_path: Path, setting: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=f"FORECAST_{setting}"):
        build_app("sqlite://", tmp_path, **{setting: value})


def test_the_environment_chooses_json_lines_and_the_level(tmp_path: Path) -> None:
    code = (
        "import logging\n"
        "from forecast.app import create_app\n"
        "create_app({'DATABASE_URL': 'sqlite:///probe.db'})\n"
        "logging.getLogger('forecast.probe').info('not shown')\n"
        "logging.getLogger('forecast.probe').warning('shown %d', 7)\n"
    )
    env = {"FORECAST_LOG_FORMAT": "json", "FORECAST_LOG_LEVEL": "WARNING", "PATH": "/usr/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stderr.splitlines()]
    assert [(x["level"], x["logger"], x["message"]) for x in lines] == [
        ("WARNING", "forecast.probe", "shown 7")
    ]


def test_gunicorn_access_lines_are_json_with_the_request_id(
    sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    env = {"FORECAST_LOG_FORMAT": "json", "FORECAST_PROXY_COUNT": "1"}
    with deployed(f"sqlite:///{tmp_path / 'forecast.db'}", tmp_path, workers=1, **env) as server:
        headers = {"X-Request-ID": "trace-0001", "X-Forwarded-For": "198.51.100.23"}
        status, answered, _ = get(f"{server.base}/api/v1/questions?per_page=5", headers)
        assert status == 200 and answered["X-Request-ID"] == "trace-0001"
        status, answered, _ = get(f"{server.base}/api/v1/questions/424242")
        assert status == 404
        made = answered["X-Request-ID"]
    lines = [json.loads(line) for line in server.lines()]  # every line is JSON
    access = [x for x in lines if x["logger"] == "gunicorn.access"]
    first = next(x for x in access if x["request_id"] == "trace-0001")
    assert first["method"] == "GET" and first["path"] == "/api/v1/questions"
    assert first["query"] == "per_page=5" and first["status"] == 200
    assert first["forwarded_for"] == "198.51.100.23" and first["duration_ms"] >= 0
    missing = next(x for x in access if x["request_id"] == made)
    assert missing["status"] == 404
    assert any(x["logger"] == "gunicorn.error" for x in lines)  # "Booting worker ..." and such
