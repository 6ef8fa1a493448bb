"""A freshly started worker must serve an authenticated write as its very first request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.accounts.tokens import create_token
from tests.conftest import make_user
from tests.integration.factories import World

SCRIPT = """
import sys
from forecast.app import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x", "SCHEDULER_ENABLED": False})
response = app.test_client().post(
    f"/api/v1/questions/{sys.argv[2]}/forecasts", json={"probability": 0.4},
    headers={"Authorization": "Bearer " + sys.argv[3]})
print(response.status_code)
"""


def test_the_first_request_of_a_new_process_can_submit_a_forecast(app: Flask) -> None:
    question = World(app).question()
    user = make_user(app, "alice", Role.FORECASTER)
    with app.app_context(), session_scope() as session:
        token = create_token(session=session, user=user)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, app.config["DATABASE_URL"], str(question.id), token],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip().splitlines()[-1] == "201", result.stderr[-1500:]


WSGI_SCRIPT = """
import gc
from forecast.wsgi import app
print(app.config["DATABASE_URL"])
print(app.test_client().get("/api/v1/health").status_code)
print(gc.get_freeze_count())
"""


def test_the_wsgi_entry_point_serves_the_configured_database_with_the_app_frozen(
    app: Flask,
) -> None:
    url = app.config["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "-c", WSGI_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "FORECAST_DATABASE_URL": url, "FORECAST_SCHEDULER_ENABLED": "false"},
    )
    database, status, frozen = result.stdout.strip().splitlines()[-3:]
    assert (database, status) == (url, "200"), result.stderr[-1500:]
    # The collector no longer scans the objects built at start-up.
    assert int(frozen) > 50_000
