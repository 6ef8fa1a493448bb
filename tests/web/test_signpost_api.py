"""Naming signposts through the API: PUT, POST and DELETE /boundaries/{id}/signposts, what
GET /boundaries/{id} and the report say, and the 4xx answers that change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.models import Role
from tests.conftest import Api
from tests.integration.factories import question_data
from tests.web.test_boundary_api import boundary_body
from tests.web.test_conditional_api import organizer  # noqa: F401 (a fixture)


def put(api: Api, path: str, body: Any) -> Any:
    return api.client.put(f"/api/v1{path}", json=body, headers=api._headers())


@pytest.fixture
def setting(organizer: Api, api_as: Any) -> dict[str, Any]:  # noqa: F811
    o = organizer.post("/questions", json=question_data(key="o")).get_json()
    other = organizer.post("/questions", json=question_data(key="related")).get_json()
    conditions = [
        organizer.post("/questions", json=question_data(key=f"c{i}")).get_json() for i in range(3)
    ]
    for c, outcome in zip(conditions, (o, o, other), strict=True):
        pair = organizer.post(
            "/conditionals", json={"condition": c["id"], "outcome": outcome["id"]}
        )
        assert pair.status_code == 201, pair.get_json()
    leader = api_as("lea", Role.LEADER)
    bid = leader.post("/boundaries", json=boundary_body(o["id"], shared=True)).get_json()["id"]
    assert leader.post(f"/boundaries/{bid}/commit").status_code == 200
    return {"o": o, "other": other, "c": conditions, "leader": leader, "bid": bid}


def test_the_owner_names_replaces_and_removes_signposts(setting: dict[str, Any]) -> None:
    leader, bid, c = setting["leader"], setting["bid"], setting["c"]
    added = leader.post(f"/boundaries/{bid}/signposts", json={"condition": "c0"})
    assert added.status_code == 200
    assert [s["condition"]["key"] for s in added.get_json()["named_signposts"]] == ["c0"]
    replaced = put(
        leader,
        f"/boundaries/{bid}/signposts",
        {"signposts": [{"condition": c[1]["id"]}, {"condition": "c2", "outcome": "related"}]},
    )
    assert replaced.status_code == 200, replaced.get_json()
    body = replaced.get_json()
    assert [(s["condition"]["key"], s["outcome"]["key"]) for s in body["named_signposts"]] == [
        ("c1", "o"),
        ("c2", "related"),
    ]
    assert body["hash"] is not None and body["version"] == 1  # the commitment is untouched
    read = leader.get(f"/boundaries/{bid}").get_json()
    assert read["named_signposts"] == body["named_signposts"]
    assert [h["removed_at"] is not None for h in read["signpost_history"]] == [True, False, False]
    report = leader.get("/boundaries/report").get_json()
    assert [(s["condition"]["key"], s["named"]) for s in report[0]["signposts"]] == [
        ("c1", True),
        ("c2", True),
        ("c0", False),
    ]
    gone = leader.delete(f"/boundaries/{bid}/signposts/c2?outcome=related")
    assert gone.status_code == 200
    assert [s["condition"]["key"] for s in gone.get_json()["named_signposts"]] == ["c1"]
    assert leader.delete(f"/boundaries/{bid}/signposts/c2?outcome=related").status_code == 404


def test_a_bad_pair_is_a_4xx_with_a_message_and_changes_nothing(
    setting: dict[str, Any],
) -> None:
    leader, bid, o = setting["leader"], setting["bid"], setting["o"]
    assert leader.post(f"/boundaries/{bid}/signposts", json={"condition": "c0"}).status_code == 200
    before = leader.get(f"/boundaries/{bid}").get_json()
    cases: list[tuple[Any, int]] = [
        ({"condition": o["id"]}, 422),  # the outcome itself: no pair
        ({"condition": "c2"}, 422),  # a pair, but on another outcome not linked
        ({"condition": 999_999}, 404),
        ({"condition": True}, 422),
        ({}, 422),
        ({"condition": "c1", "extra": 1}, 422),
    ]
    for body, status in cases:
        answer = leader.post(f"/boundaries/{bid}/signposts", json=body)
        assert answer.status_code == status, (body, answer.get_json())
        assert answer.get_json()["error"]["message"]
        whole = put(
            leader, f"/boundaries/{bid}/signposts", {"signposts": [{"condition": "c1"}, body]}
        )
        assert whole.status_code == status, (body, whole.get_json())
    assert put(leader, f"/boundaries/{bid}/signposts", {"signposts": "c1"}).status_code == 422
    assert put(leader, f"/boundaries/{bid}/signposts", [1]).status_code == 422
    assert leader.get(f"/boundaries/{bid}").get_json() == before


def test_only_the_owner_may_change_them(setting: dict[str, Any], api_as: Any) -> None:
    bid = setting["bid"]
    other = api_as("leo", Role.LEADER)  # sees the shared boundary
    assert other.get(f"/boundaries/{bid}").status_code == 200
    assert other.post(f"/boundaries/{bid}/signposts", json={"condition": "c0"}).status_code == 403
    assert put(other, f"/boundaries/{bid}/signposts", {"signposts": []}).status_code == 403
    assert other.delete(f"/boundaries/{bid}/signposts/c0").status_code == 403
    fran = api_as("fran")
    assert fran.post(f"/boundaries/{bid}/signposts", json={"condition": "c0"}).status_code == 403
    anonymous = Api(fran.client)
    assert (
        anonymous.post(f"/boundaries/{bid}/signposts", json={"condition": "c0"}).status_code == 401
    )
    assert setting["leader"].get(f"/boundaries/{bid}").get_json()["named_signposts"] == []
