"""The percentile editor of a continuous question starts from sensible values."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.core.distributions import Scale, cdf_from_quantiles
from forecast.infra.db import session_scope
from forecast.services.forecasts import submit_forecast
from forecast.web.forecast_form import QUANTILE_LEVELS, STARTING_POSITIONS
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login

LOG_RANGE = {"min": 1e25, "max": 1e29, "open_lower": False, "open_upper": True, "zero_point": 0}


def _starting_values(page: str) -> list[float]:
    found = re.findall(r'name="q(\d+)" class="quantile"[^>]*value="([^"]*)"', page, re.S)
    return [float(value) for _, value in found]


def test_a_log_question_starts_with_a_bell_spread_in_magnitude(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question("numeric", range=LOG_RANGE)
    make_user(app, "ann")
    login(client, "ann")
    values = _starting_values(client.get(f"/questions/{question.id}").data.decode())
    # 10% and 90% of the way from 1e25 to 1e29 in orders of magnitude for the 5th and 95th,
    # the median in the middle, the quartiles where a logistic puts them: 0.4 * ln 3 / ln 19
    # of the way out from the middle, i.e. 4 * 0.14926 = 0.597 decades.
    # Each is shown in round numbers, within a hundredth of the axis (0.04 decades) of its place.
    offset = 4 * 0.4 * math.log(3) / math.log(19)
    exponents = [25.4, 27 - offset, 27.0, 27 + offset, 28.6]
    assert [math.log10(v) for v in values] == pytest.approx(exponents, abs=0.04)
    assert values == [2.5e25, 2.5e26, 1e27, 4e27, 4e28]


def test_the_starting_percentiles_give_one_smooth_hump() -> None:
    def density(positions: tuple[float, ...], scale: Scale) -> np.ndarray:
        pairs = list(zip(QUANTILE_LEVELS, positions, strict=True))
        return np.diff(cdf_from_quantiles(pairs, scale))

    def one_hump(d: np.ndarray) -> bool:
        peak = int(np.argmax(d))
        rising, falling = np.diff(d[: peak + 1]), np.diff(d[peak:])
        return abs(peak - len(d) / 2) <= 5 and bool(
            np.all(rising >= -1e-12) and np.all(falling <= 1e-12)
        )

    open_scale = Scale(0.0, 1.0, open_lower=True, open_upper=True)
    closed = Scale(0.0, 1.0, open_lower=False, open_upper=False)
    # Open bounds: an exact logistic, rising to one peak in the middle and falling after it.
    assert one_hump(density(STARTING_POSITIONS, open_scale))
    # Closed bounds pull the tails in to 0 and 1; between the 5th and 95th it is the same bell.
    assert one_hump(density(STARTING_POSITIONS, closed)[20:180])
    # Evenly spaced percentiles, the editor's old start, kink into a hump at each quartile.
    assert not one_hump(density((0.1, 0.3, 0.5, 0.7, 0.9), open_scale))


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
