"""Percentiles round-trip: the page shows a forecaster's percentiles back exactly as typed."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Forecast
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World
from tests.web.test_pages import login

WIDE = {"min": 0, "max": 1000, "open_lower": False, "open_upper": True}
LOG = {"min": 1e25, "max": 1e29, "open_lower": False, "open_upper": True, "zero_point": 0}
BOXES = ("q5", "q25", "q50", "q75", "q95")


def _boxes(page: str) -> list[str]:
    found = dict(re.findall(r'name="(q\d+)" class="quantile"[^>]*value="([^"]*)"', page, re.S))
    return [found[name] for name in BOXES]


def _page(client: FlaskClient, question_id: int) -> str:
    return client.get(f"/questions/{question_id}").data.decode()


def _ann(app: Flask, client: FlaskClient) -> Api:
    user = make_user(app, "ann")
    login(client, "ann")
    return Api(app.test_client(), make_token(app, user))


def _forget_what_was_typed(app: Flask) -> None:
    """Make every forecast a row from before the typed percentiles were kept."""
    with app.app_context(), session_scope() as session:
        session.execute(update(Forecast).values(quantiles=None))


def test_typed_numbers_come_back_as_typed(app: Flask, client: FlaskClient) -> None:
    question = World(app).question("numeric", range=WIDE)
    _ann(app, client)
    typed = {"q5": "4", "q25": "", "q50": "30", "q75": "", "q95": "300"}
    response = client.post(f"/questions/{question.id}/forecast", data=typed)
    assert response.status_code == 302
    assert _boxes(_page(client, question.id)) == ["4", "", "30", "", "300"]


def test_a_typed_date_comes_back_as_the_same_day(app: Flask, client: FlaskClient) -> None:
    question = World(app).question("date")
    _ann(app, client)
    typed = {"q5": "2027-03-15", "q50": "2029-01-01", "q95": "2035-07-04"}
    client.post(f"/questions/{question.id}/forecast", data=typed)
    page = _page(client, question.id)
    assert _boxes(page) == ["2027-03-15", "", "2029-01-01", "", "2035-07-04"]
    # Text boxes, so the browser shows the day as written, not in its own locale's order.
    boxes = re.findall(r'name="q\d+" class="quantile"[^>]*>', page)
    assert len(boxes) == 5
    assert all('type="text"' in box and 'placeholder="YYYY-MM-DD"' in box for box in boxes)


def test_quantiles_sent_to_the_api_are_kept_and_shown(app: Flask, client: FlaskClient) -> None:
    numeric = World(app).question("numeric", range=WIDE)
    api = _ann(app, client)
    body = {"quantiles": [[0.05, 4], [0.25, 12.5], [0.5, 30], [0.75, 100], [0.95, 300]]}
    assert api.post(f"/questions/{numeric.id}/forecasts", json=body).status_code == 201
    assert _boxes(_page(client, numeric.id)) == ["4", "12.5", "30", "100", "300"]
    with app.app_context(), session_scope() as session:
        row = session.exec(select(Forecast)).one()
        assert json.loads(row.quantiles or "") == [
            [0.05, 4.0],
            [0.25, 12.5],
            [0.5, 30.0],
            [0.75, 100.0],
            [0.95, 300.0],
        ]


def test_a_date_sent_to_the_api_as_a_timestamp_shows_its_utc_day(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("date")
    api = _ann(app, client)
    body = {
        "quantiles": [
            [0.05, "2027-01-01T00:00:00Z"],
            [0.5, "2029-01-01T00:00:00+00:00"],
            [0.95, "2035-01-01T23:30:00Z"],
        ]
    }
    assert api.post(f"/questions/{question.id}/forecasts", json=body).status_code == 201
    assert _boxes(_page(client, question.id)) == ["2027-01-01", "", "2029-01-01", "", "2035-01-01"]


def test_without_typed_percentiles_the_cdf_is_read_back_rounded(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("numeric", range=WIDE)
    _ann(app, client)
    client.post(f"/questions/{question.id}/forecast", data={"q5": "4", "q50": "30", "q95": "300"})
    _forget_what_was_typed(app)
    shown = _boxes(_page(client, question.id))
    # Read off the CDF these are 3.99948, 30.0005 and 300.043: rounded, what was typed.
    assert [shown[0], shown[2], shown[4]] == ["4", "30", "300"]
    assert all(len(value.replace(".", "")) <= 3 for value in shown), shown


def test_a_date_read_back_from_the_cdf_is_the_day_that_was_typed(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("date")
    _ann(app, client)
    typed = {"q5": "2027-03-15", "q50": "2029-01-01", "q95": "2035-07-04"}
    client.post(f"/questions/{question.id}/forecast", data=typed)
    _forget_what_was_typed(app)
    shown = _boxes(_page(client, question.id))
    assert [shown[0], shown[2], shown[4]] == ["2027-03-15", "2029-01-01", "2035-07-04"]


def test_the_starting_percentiles_are_round_numbers(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    linear = world.question("numeric")  # 0 to 100
    log = world.question("numeric", range=LOG)
    date = world.question("date")  # 2026 to 2046
    _ann(app, client)
    assert _boxes(_page(client, linear.id)) == ["10", "35", "50", "65", "90"]
    assert _boxes(_page(client, log.id)) == ["2.5e25", "2.5e26", "1e27", "4e27", "4e28"]
    assert _boxes(_page(client, date.id)) == [
        "2028-01-01",
        "2033-01-01",
        "2036-01-01",
        "2039-01-01",
        "2044-01-01",
    ]


def test_the_starting_percentiles_of_a_narrow_range_stay_apart(
    app: Flask, client: FlaskClient
) -> None:
    narrow = {"min": 1000, "max": 1010, "open_lower": False, "open_upper": False}
    question = World(app).question("numeric", range=narrow)
    _ann(app, client)
    shown = _boxes(_page(client, question.id))
    assert shown == ["1001", "1003.5", "1005", "1006.5", "1009"]
    # What the page offers, sent back unchanged, is accepted.
    sent = dict(zip(BOXES, shown, strict=True))
    assert client.post(f"/questions/{question.id}/forecast", data=sent).status_code == 302
    assert _boxes(_page(client, question.id)) == shown
