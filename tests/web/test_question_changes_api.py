"""The API's way to edit a question and close it early: the same service as the pages."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import Api
from tests.integration.factories import World


def test_an_organizer_closes_an_open_question_early(app: Flask, api_as: Any) -> None:
    question = World(app).question()
    organizer: Api = api_as("olga", Role.ORGANIZER)
    closed = organizer.post(f"/questions/{question.id}/close", {"reason": "announced"})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed"
    again = organizer.post(f"/questions/{question.id}/close", {})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_an_organizer_edits_and_forecasts_fix_the_meaning(app: Flask, api_as: Any) -> None:
    question = World(app).question()
    organizer: Api = api_as("olga", Role.ORGANIZER)
    ann: Api = api_as("ann")
    edited = organizer.patch(f"/questions/{question.id}", {"title": "Reworded?", "reason": "typo"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["title"] == "Reworded?"
    assert edited.get_json()["changed"] == ["title"]
    assert ann.post(f"/questions/{question.id}/forecasts", {"probability": 0.3}).status_code == 201
    fixed = organizer.patch(f"/questions/{question.id}", {"resolution_criteria": "Other."})
    error = fixed.get_json()["error"]
    assert fixed.status_code == 409 and error["field"] == "resolution_criteria"
    assert ann.patch(f"/questions/{question.id}", {"title": "Mine?"}).status_code == 403
    unknown = organizer.patch(f"/questions/{question.id}", {"key": "other"})
    assert unknown.status_code == 422


def test_editing_and_closing_need_a_token(app: Flask, client: FlaskClient) -> None:
    question = World(app).question()
    anonymous = Api(client)
    assert anonymous.patch(f"/questions/{question.id}", {"title": "X?"}).status_code == 401
    assert anonymous.post(f"/questions/{question.id}/close", {}).status_code == 401
    spec = anonymous.get("/openapi.json").get_json()["paths"]
    assert "patch" in spec["/api/v1/questions/{question_id}"]
    assert "post" in spec["/api/v1/questions/{question_id}/close"]
