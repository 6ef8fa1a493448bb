"""Withdrawing asks first (a page without script, a dialog with it); the history says withdrawn."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.services.forecasts import standing_forecast
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login


def _standing(app: Flask, user_id: int, question_id: int) -> bool:
    with app.app_context(), session_scope() as session:
        found = standing_forecast(session=session, user_id=user_id, question_id=question_id)
        return found is not None


def _history_rows(page: str) -> list[str]:
    body = re.search(r'<table class="list" id="history">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body
    return [re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def test_withdrawing_without_confirmation_asks_on_a_page_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question()
    ann = make_user(app, "ann")
    login(client, "ann")
    client.post(f"/questions/{question.id}/forecast", data={"probability": "35"})
    response = client.post(f"/questions/{question.id}/withdraw")
    page = response.data.decode()
    assert response.status_code == 200
    assert "Withdraw your forecast?" in page and "<strong>35%</strong>" in page
    assert 'name="confirmed" value="yes"' in page and "Keep it" in page
    assert _standing(app, ann.id, question.id)  # type: ignore[arg-type]
    # With nothing standing there is nothing to ask about: the page says so.
    client.post(f"/questions/{question.id}/withdraw", data={"confirmed": "yes"})
    again = client.post(f"/questions/{question.id}/withdraw", follow_redirects=True)
    assert "no standing forecast on this question" in again.data.decode()


def test_the_confirmation_page_shows_the_percentiles_as_typed(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("numeric")
    make_user(app, "ann")
    login(client, "ann")
    typed = {"q5": "4", "q50": "30", "q95": "90"}
    client.post(f"/questions/{question.id}/forecast", data=typed)
    page = client.post(f"/questions/{question.id}/withdraw").data.decode()
    assert "4 at the 5th percentile, 30 at the 50th percentile, 90 at the 95th percentile" in page


def test_a_confirmed_withdrawal_ends_the_forecast_and_the_history_says_withdrawn(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question()
    ann = make_user(app, "ann")
    login(client, "ann")
    client.post(f"/questions/{question.id}/forecast", data={"probability": "35"})
    client.post(f"/questions/{question.id}/forecast", data={"probability": "50"})
    response = client.post(f"/questions/{question.id}/withdraw", data={"confirmed": "yes"})
    assert response.status_code == 302
    assert not _standing(app, ann.id, question.id)  # type: ignore[arg-type]
    client.post(f"/questions/{question.id}/forecast", data={"probability": "60"})
    rows = _history_rows(client.get(f"/questions/{question.id}").data.decode())
    # Newest first: standing 60%, withdrawn 50%, replaced (not withdrawn) 35%.
    assert ["standing" in r for r in rows] == [True, False, False]
    assert ['<span class="withdrawn">withdrawn</span>' in r for r in rows] == [False, True, False]
    assert ["60.0%" in rows[0], "50.0%" in rows[1], "35.0%" in rows[2]] == [True] * 3


def test_the_question_page_asks_before_it_withdraws(app: Flask, client: FlaskClient) -> None:
    question = World(app).question()
    make_user(app, "ann")
    login(client, "ann")
    client.post(f"/questions/{question.id}/forecast", data={"probability": "35"})
    page = client.get(f"/questions/{question.id}").data.decode()
    form = re.search(r'<form[^>]*id="withdraw-form"[^>]*>(.*?)</form>', page, re.S)
    assert form and "data-confirm=" in form.group(0)
    assert '<input type="hidden" name="confirmed" value="">' in form.group(1)
