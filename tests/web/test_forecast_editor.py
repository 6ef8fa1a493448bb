"""The percentile editor of a continuous question starts from sensible values."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.db import session_scope
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login

LOG_RANGE = {"min": 1e25, "max": 1e29, "open_lower": False, "open_upper": True, "zero_point": 0}


def _starting_values(page: str) -> list[float]:
    found = re.findall(r'name="q(\d+)" class="quantile"[^>]*value="([^"]*)"', page, re.S)
    return [float(value) for _, value in found]


def test_a_log_question_starts_with_percentiles_spread_evenly_in_magnitude(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question("numeric", range=LOG_RANGE)
    make_user(app, "ann")
    login(client, "ann")
    values = _starting_values(client.get(f"/questions/{question.id}").data.decode())
    # 10%, 30%, ... 90% of the way from 1e25 to 1e29 in orders of magnitude.
    assert values == pytest.approx([10**25.4, 10**26.2, 1e27, 10**27.8, 10**28.6], rel=1e-5)


def test_an_update_starts_from_your_standing_forecast(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    question = world.question("numeric")  # 0 to 100, linear
    ann = make_user(app, "ann")
    mine = [[0.05, 12.0], [0.25, 30.0], [0.5, 44.0], [0.75, 61.0], [0.95, 83.0]]
    with app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=question.id, quantiles=mine)
    login(client, "ann")
    values = _starting_values(client.get(f"/questions/{question.id}").data.decode())
    # The stored CDF is on a 201-point grid, so the percentiles come back to within a step.
    assert values == pytest.approx([v for _, v in mine], abs=0.5)
