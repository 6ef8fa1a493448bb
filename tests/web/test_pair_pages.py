"""The conditional pair's pages: an organizer links two questions, a forecaster reads both
branches with P(C) and forecasts both in one form; a refusal keeps what was typed."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.forecasts import standing_forecast
from tests.conftest import PASSWORD, make_user
from tests.integration.factories import World


def login(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )


def test_an_organizer_links_and_a_forecaster_forecasts_both_branches(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    condition = world.question(opens=timedelta(days=-1), title="A 1e27 FLOP run by 2028?")
    outcome = world.question("numeric", opens=timedelta(days=-1), title="Params in 2030?")
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    form = client.get("/conditionals/new").get_data(as_text=True)
    assert '<label for="condition">' in form and "Params in 2030? (numeric)" in form
    refused = client.post(
        "/conditionals/new", data={"condition": outcome.id, "outcome": outcome.id}
    )
    assert refused.status_code == 422 and b"binary" in refused.data
    made = client.post(
        "/conditionals/new", data={"condition": str(condition.id), "outcome": str(outcome.id)}
    )
    assert made.status_code == 302 and made.headers["Location"].endswith("/pair")
    pair_url = made.headers["Location"]
    client.post("/logout")
    make_user(app, "fay")
    login(client, "fay")
    page = client.get(pair_url).get_data(as_text=True)
    assert "If the condition resolves yes" in page and "If the condition resolves no" in page
    assert "P(condition) now" in page and 'id="pair-form"' in page
    bad = {"yes_p5": "10", "yes_p50": "40", "yes_p95": "90", "no_p5": "50", "no_p50": "20"}
    bad["no_p95"] = "60"
    answer = client.post(pair_url, data=bad)
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert 'id="pair-error"' in text and 'value="50"' in text  # kept as typed
    good = {**bad, "no_p5": "5", "no_p50": "20", "no_p95": "60", "rationale": "compute"}
    assert client.post(pair_url, data=good).status_code == 302
    yes_id = int(pair_url.split("/")[-2])
    with app.app_context(), session_scope() as session:
        from forecast.services.accounts.users import get_user

        fay = get_user(session, "fay")
        for qid in (yes_id, yes_id + 1):
            standing = standing_forecast(session=session, user_id=fay.id or 0, question_id=qid)
            assert standing is not None and standing.rationale == "compute"
    again = client.get(pair_url).get_data(as_text=True)  # the standing forecasts, as typed
    assert (
        'name="no_p5" required value="5"' in again and 'name="yes_p95" required value="90"' in again
    )
    detail = client.get(f"/questions/{yes_id}").get_data(as_text=True)
    assert 'id="conditional-note"' in detail and "resolves yes" in detail
