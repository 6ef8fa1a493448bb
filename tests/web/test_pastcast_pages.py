"""The pastcast page and API: the empty state, a refused value kept as typed, the reveal,
one answer each, and the record on the calibration pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World
from tests.integration.test_pastcast_intervals import resolved_continuous
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


def test_a_numeric_pastcast_takes_an_interval_and_keeps_a_wrong_one_typed(
    app: Flask, client: FlaskClient
) -> None:
    q = resolved_continuous(World(app))
    make_user(app, "pat")
    login(client, "pat")
    page = client.get("/calibration/pastcasts").data.decode()
    assert q.title in page and 'id="interval-prompt"' in page and 'name="lower"' in page
    assert 'id="community-interval-then"' in page and "20 to 40" in page
    assert 'name="probability"' not in page and "It resolved" not in page
    for typed, field, message in (
        ({"lower": "eighty", "upper": "90"}, "lower", "“eighty” is not a number."),
        ({"lower": "90", "upper": "80"}, "lower", "lower must not exceed upper"),
        ({"lower": "10", "upper": ""}, "upper", "give the upper end"),
    ):
        refused = client.post(f"/calibration/pastcasts/{q.id}", data=typed)
        assert refused.status_code == 422
        body = refused.data.decode()
        assert message in body and 'id="pastcast-form"' in body
        assert f'id="{field}" name="{field}" inputmode="decimal" value="{typed[field]}"' in body
        assert 'aria-invalid="true"' in body
    # Separators are read as typed: 1,000 is a thousand. Width 950: worse than the
    # community's missed interval then (about 20 to 40: 20 + 20 * 32 = 660).
    done = client.post(f"/calibration/pastcasts/{q.id}", data={"lower": "50", "upper": "1,000"})
    assert done.status_code == 302
    reveal = client.get(f"/calibration/pastcasts/{q.id}").data.decode()
    assert "It resolved 72" in reveal and "a hit" in reveal
    assert '<td class="value" id="your-score">950</td>' in reveal and "worse by 290" in reveal
    record = client.get("/calibration/me").data.decode()
    assert 'id="pastcast-interval-hits"' in record and "100.0%" in record


def test_a_date_pastcast_takes_dates(app: Flask, client: FlaskClient) -> None:
    q = resolved_continuous(World(app), "date")
    make_user(app, "pat")
    login(client, "pat")
    page = client.get(f"/calibration/pastcasts/{q.id}").data.decode()
    assert 'type="date"' in page and "(that whole day)" in page
    refused = client.post(f"/calibration/pastcasts/{q.id}", data={"lower": "", "upper": ""})
    assert refused.status_code == 422 and "give the lower end" in refused.data.decode()
    typed = {"lower": "2030-06-01", "upper": "15/06/2030"}
    refused = client.post(f"/calibration/pastcasts/{q.id}", data=typed)
    body = refused.data.decode()
    assert refused.status_code == 422 and "“15/06/2030” is not a date (YYYY-MM-DD)." in body
    assert 'value="15/06/2030"' in body and 'value="2030-06-01"' in body
    done = client.post(
        f"/calibration/pastcasts/{q.id}", data={"lower": "2030-06-01", "upper": "2030-06-15"}
    )
    assert done.status_code == 302
    reveal = client.get(f"/calibration/pastcasts/{q.id}").data.decode()
    assert 'It resolved <span class="nowrap">2030-06-15</span>' in reveal
    assert "a hit" in reveal and "in days" in reveal


def test_the_api_answers_an_interval_pastcast(app: Flask, client: FlaskClient) -> None:
    q = resolved_continuous(World(app))
    api = Api(client, make_token(app, make_user(app, "pat", Role.FORECASTER)))
    item = api.get("/calibration/pastcasts/next").get_json()
    assert item["kind"] == "interval" and item["community_interval_then"]["median"] == 30
    url = f"/calibration/pastcasts/{q.id}/answers"
    for bad in ({}, {"lower": 80, "upper": 50}, {"lower": "a", "upper": 5}, {"low": 1}):
        assert api.post(url, json=bad).status_code == 422
    first = api.post(url, json={"lower": 60, "upper": 75})
    assert first.status_code == 201
    assert first.get_json()["reveal"]["score"] == 15 and first.get_json()["reveal"]["correct"]
    assert api.post(url, json={"lower": 0, "upper": 100}).status_code == 409
    assert api.get("/calibration/me").get_json()["pastcast"]["interval"]["answered"] == 1
