"""The pastcast page and API: the empty state, a refused value kept as typed, the reveal,
one answer each, and the record on the calibration pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World
from tests.integration.test_pastcasts import resolved
from tests.web.test_pages import login


def test_with_no_resolved_question_the_page_says_so(app: Flask, client: FlaskClient) -> None:
    make_user(app, "ann")
    login(client, "ann")
    page = client.get("/calibration/pastcasts").data.decode()
    assert "No resolved questions yet that you have not forecast" in page
    assert (
        "No resolved questions yet that you have not forecast"
        in client.get("/calibration").data.decode()
    )
    api = Api(client, make_token(app, make_user(app, "bob")))
    assert api.get("/calibration/pastcasts/next").status_code == 204


def test_a_pastcast_is_answered_once_and_revealed(app: Flask, client: FlaskClient) -> None:
    q = resolved(World(app))
    make_user(app, "pat")
    login(client, "pat")
    assert "1 resolved question you have not forecast" in client.get("/calibration").data.decode()
    page = client.get("/calibration/pastcasts").data.decode()
    assert q.title in page and "20.0%" in page and 'id="pastcast-form"' in page
    assert "Resolved" not in page and "It resolved" not in page and "92.5%" not in page
    refused = client.post(f"/calibration/pastcasts/{q.id}", data={"probability": "150"})
    assert refused.status_code == 422
    body = refused.data.decode()
    assert 'value="150"' in body and "between 0.01 and 0.99" in body
    assert 'aria-invalid="true"' in body
    done = client.post(f"/calibration/pastcasts/{q.id}", data={"probability": "80"})
    assert done.status_code == 302
    reveal = client.get(f"/calibration/pastcasts/{q.id}").data.decode()
    assert "It resolved Yes" in reveal and "0.040" in reveal and "0.640" in reveal
    assert "better by 0.600" in reveal and "92.5%" in reveal
    again = client.post(f"/calibration/pastcasts/{q.id}", data={"probability": "10"})
    assert again.status_code == 302
    assert "already answered" in client.get(again.location).data.decode()
    record = client.get("/calibration/me").data.decode()
    assert 'id="pastcast-record"' in record and "0.040" in record
    assert "No resolved questions yet" in client.get("/calibration/pastcasts").data.decode()


def test_the_api_answers_once_with_the_reveal(app: Flask, client: FlaskClient) -> None:
    q = resolved(World(app))
    api = Api(client, make_token(app, make_user(app, "pat", Role.FORECASTER)))
    item = api.get("/calibration/pastcasts/next").get_json()
    assert item["question_id"] == q.id and item["community_then"] == 0.2
    assert api.get(f"/calibration/pastcasts/{q.id}").get_json()["reveal"] is None
    for bad in ({}, {"probability": "0.5"}, {"probability": 0.995}, {"p": 0.5}):
        assert api.post(f"/calibration/pastcasts/{q.id}/answers", json=bad).status_code == 422
    first = api.post(f"/calibration/pastcasts/{q.id}/answers", json={"probability": 0.3})
    assert first.status_code == 201
    assert first.get_json()["reveal"]["score"] == pytest.approx(0.49)  # (0.3 - 1)^2
    second = api.post(f"/calibration/pastcasts/{q.id}/answers", json={"probability": 0.9})
    assert second.status_code == 409
    assert api.get(f"/calibration/pastcasts/{q.id}").get_json()["answer"]["probability"] == 0.3
    assert api.get("/calibration/me").get_json()["pastcast"]["answered"] == 1
    assert api.get("/calibration/pastcasts/999999").status_code == 404
