"""Tournaments through the API: listed with their counts, read one by one, created by organizers."""

from __future__ import annotations

from typing import Any

from forecast.models import Role
from tests.conftest import Api
from tests.integration.factories import question_data


def test_an_organizer_creates_tournaments_and_anyone_lists_them_with_counts(
    api_as: Any, client: Any
) -> None:
    olga: Api = api_as("olga", Role.ORGANIZER)
    made = olga.post("/tournaments", json={"slug": "ai", "title": "AI", "description": "Compute."})
    assert made.status_code == 201
    assert made.get_json()["question_count"] == 0 and made.get_json()["next_close"] is None
    assert olga.post("/tournaments", json={"slug": "bio", "title": "Bio"}).status_code == 201
    qid = olga.post("/questions", json=question_data()).get_json()["id"]
    api_as("ann").post(f"/questions/{qid}/forecasts", json={"probability": 0.3})
    api_as("ben").post("/questions", json=question_data())  # a proposal: not counted

    listed = Api(client).get("/tournaments?per_page=1").get_json()
    assert listed["total"] == 2 and listed["per_page"] == 1
    ai = listed["items"][0]
    assert ai["slug"] == "ai" and ai["description"] == "Compute."
    assert ai["question_count"] == 1 and ai["questions"] == {"open": 1}
    assert ai["forecasters"] == 1 and ai["next_close"].endswith("Z")
    second = Api(client).get("/tournaments?page=2&per_page=1").get_json()["items"]
    assert [t["slug"] for t in second] == ["bio"]
    one = Api(client).get("/tournaments/ai").get_json()
    assert one == ai


def test_bad_tournaments_are_refused_and_nothing_is_stored(api_as: Any, client: Any) -> None:
    olga: Api = api_as("olga", Role.ORGANIZER)
    assert olga.post("/tournaments", json={"slug": "ai", "title": "AI"}).status_code == 201
    duplicate = olga.post("/tournaments", json={"slug": "ai", "title": "Again"})
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["field"] == "slug"
    for body in (
        {"slug": "Not A Slug", "title": "T"},
        {"slug": "ok", "title": ""},
        {"slug": "ok"},
        {"slug": "ok", "title": "T", "prize": 5},
    ):
        response = olga.post("/tournaments", json=body)
        assert response.status_code in (400, 422), body
        assert "error" in response.get_json()
    assert Api(client).get("/tournaments").get_json()["total"] == 1
    assert Api(client).get("/tournaments/nope").status_code == 404
    assert api_as("fran").post("/tournaments", json={"slug": "x", "title": "X"}).status_code == 403
