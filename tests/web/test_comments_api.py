"""Comments through the API: list, post, reply, edit, delete, hide, follow, publish a rationale."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from forecast.models import Role
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World, question_data

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))"


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, body
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture
def world(app: Flask, api_as: Any) -> dict[str, Any]:
    org: Api = api_as("olga", Role.ORGANIZER)
    assert org.post("/tournaments", json={"slug": "ai", "title": "AI"}).status_code == 201
    qid = org.post("/questions", json=question_data()).get_json()["id"]
    return {"org": org, "ann": api_as("ann"), "ben": api_as("ben"), "q": qid}


def test_a_comment_is_created_listed_and_paginated(world: dict[str, Any]) -> None:
    ann, q = world["ann"], world["q"]
    made = ann.post(f"/questions/{q}/comments", json={"body": "Why **so** low?"})
    assert made.status_code == 201
    body = made.get_json()
    assert {k: body[k] for k in ("body", "author", "parent", "deleted", "kind")} == {
        "body": "Why **so** low?",
        "author": "ann",
        "parent": None,
        "deleted": False,
        "kind": "comment",
    }
    assert body["html"] == "<p>Why <strong>so</strong> low?</p>\n" and body["created_at"]
    for i in range(2):
        ann.post(f"/questions/{q}/comments", json={"body": f"more {i}", "parent": body["id"]})
    page = Api(ann.client).get(f"/questions/{q}/comments?per_page=2&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"]) == (3, 2, 2)
    assert [c["body"] for c in page["items"]] == ["more 1"]
    assert page["items"][0]["parent"] == body["id"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": 7}, "body"),
        ({"body": "x", "parent": "1"}, "parent"),
        ({"body": "x", "parent": 99_999}, "parent"),
        ({"body": "x", "with_forecast": "yes"}, "with_forecast"),
        ({"body": "x", "with_forecast": True}, "with_forecast"),
        ({"body": "x", "extra": 1}, "extra"),
    ],
)
def test_bad_comments_are_refused_with_the_error_shape_and_nothing_stored(
    world: dict[str, Any], payload: dict[str, Any], field: str
) -> None:
    response = world["ann"].post(f"/questions/{world['q']}/comments", json=payload)
    assert response.status_code == 422
    error = error_of(response)
    assert field in (error["field"] or "") or field in error["message"]
    assert world["ann"].get(f"/questions/{world['q']}/comments").get_json()["total"] == 0


def test_comments_on_a_question_one_may_not_see_are_not_found(world: dict[str, Any]) -> None:
    pending = world["ben"].post("/questions", json=question_data(tournament=None)).get_json()
    for api in (world["ann"], Api(world["ann"].client)):
        assert api.get(f"/questions/{pending['id']}/comments").status_code == 404
    refused = world["ann"].post(f"/questions/{pending['id']}/comments", json={"body": "hi"})
    assert refused.status_code == 404 and error_of(refused)["code"] == "not_found"
    own = world["ben"].post(f"/questions/{pending['id']}/comments", json={"body": "hi"})
    assert own.status_code == 201
    assert (
        Api(world["ann"].client)
        .post(f"/questions/{world['q']}/comments", json={"body": "x"})
        .status_code
        == 401
    )


def test_edit_delete_and_hide_each_belong_to_their_people(world: dict[str, Any]) -> None:
    ann, ben, org, q = world["ann"], world["ben"], world["org"], world["q"]
    cid = ann.post(f"/questions/{q}/comments", json={"body": "first"}).get_json()["id"]
    assert ben.patch(f"/comments/{cid}", json={"body": "not mine"}).status_code == 403
    edited = ann.patch(f"/comments/{cid}", json={"body": "second"})
    assert edited.status_code == 200 and edited.get_json()["edited_at"] is not None
    assert ann.patch(f"/comments/{cid}", json={"body": ""}).status_code == 422
    assert ben.post(f"/comments/{cid}/hide", json={"reason": "no"}).status_code == 403
    assert org.post(f"/comments/{cid}/hide", json={}).status_code == 422
    hidden = org.post(f"/comments/{cid}/hide", json={"reason": "Off topic"})
    assert hidden.status_code == 200
    seen = ben.get(f"/comments/{cid}").get_json()
    assert (seen["hidden"], seen["body"], seen["hidden_reason"]) == (True, None, "Off topic")
    log = org.get(f"/comments/{cid}/moderation").get_json()
    assert [(e["action"], e["reason"], e["actor"]) for e in log["items"]] == [
        ("hide", "Off topic", "olga")
    ] and log["total"] == 1
    assert ben.get(f"/comments/{cid}/moderation").status_code == 403
    assert ben.delete(f"/comments/{cid}").status_code == 403
    gone = ann.delete(f"/comments/{cid}")
    assert gone.status_code == 200
    assert (gone.get_json()["deleted"], gone.get_json()["body"]) == (True, None)
    assert ann.delete(f"/comments/{cid}").status_code == 409
    assert ann.get("/comments/99999").status_code == 404


def test_edits_close_after_the_configured_window(app: Flask, world: dict[str, Any]) -> None:
    app.config["COMMENT_EDIT_MINUTES"] = 0
    cid = world["ann"].post(f"/questions/{world['q']}/comments", json={"body": "a"}).get_json()
    response = world["ann"].patch(f"/comments/{cid['id']}", json={"body": "b"})
    assert response.status_code == 409 and "0 minutes" in error_of(response)["message"]


def test_following_sets_and_reads_the_threshold(world: dict[str, Any]) -> None:
    ann, q = world["ann"], world["q"]
    assert ann.get(f"/questions/{q}/follow").get_json()["following"] is False
    auth = {"Authorization": f"Bearer {ann.token}"}
    path = f"/api/v1/questions/{q}/follow"
    assert ann.client.put(path, json={"threshold": 0.5}, headers=auth).status_code == 422
    on = ann.client.put(path, json={"threshold": 5}, headers=auth)
    assert on.get_json() == {"question": q, "following": True, "threshold": 5.0}
    off = ann.delete(f"/questions/{q}/follow")
    assert off.get_json()["following"] is False
    assert ann.delete(f"/questions/{q}/follow").status_code == 404


def test_a_rationale_is_published_as_a_comment_with_its_forecast(world: dict[str, Any]) -> None:
    ann, q = world["ann"], world["q"]
    refused = ann.post(
        f"/questions/{q}/forecasts", json={"probability": 0.3, "publish_rationale": True}
    )
    assert refused.status_code == 422 and error_of(refused)["field"] == "rationale"
    assert ann.get(f"/questions/{q}/forecasts/mine").get_json()["items"] == []
    made = ann.post(
        f"/questions/{q}/forecasts",
        json={"probability": 0.3, "rationale": "Scaling slows", "publish_rationale": True},
    )
    assert made.status_code == 201
    listed = ann.get(f"/questions/{q}/comments").get_json()["items"]
    assert [(c["id"], c["kind"], c["body"], c["forecast"]) for c in listed] == [
        (made.get_json()["comment"], "rationale", "Scaling slows", {"probability": 0.3})
    ]
    quiet = ann.post(
        f"/questions/{q}/forecasts",
        json={"probability": 0.4, "rationale": "private", "publish_rationale": False},
    )
    assert quiet.status_code == 201 and "comment" not in quiet.get_json()
    assert ann.get(f"/questions/{q}/comments").get_json()["total"] == 1


def test_script_in_a_comment_never_reaches_the_api_as_markup(world: dict[str, Any]) -> None:
    response = world["ann"].post(f"/questions/{world['q']}/comments", json={"body": XSS})
    assert response.status_code == 201 and response.mimetype == "application/json"
    html = response.get_json()["html"]
    assert "<script" not in html and "<img" not in html and "href=" not in html
    assert html.startswith("<p>&lt;script&gt;")
    assert response.get_json()["body"] == XSS  # the text as typed, for editing; JSON, not HTML


def test_a_reply_to_an_id_past_any_row_is_refused_not_a_crash(app: Flask) -> None:
    world = World(app)
    question = world.question()
    token = make_token(app, make_user(app, "fran"))
    client = app.test_client()
    for parent in (2**63, 2**31):
        response = client.post(
            f"/api/v1/questions/{question.id}/comments",
            json={"body": "A reply.", "parent": parent},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 422, response.json
        assert response.json["error"]["field"] == "parent"
