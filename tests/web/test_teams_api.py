"""The team API's replies: creating, reading and joining a team each answer with the team as the
caller now sees it (their role, the members, the tournaments)."""

from __future__ import annotations

from typing import Any

from forecast.models import Role


def test_create_read_and_join_answer_with_the_team_as_the_caller_sees_it(api_as: Any) -> None:
    owner = api_as("olga", Role.FORECASTER)
    created = owner.post("/teams", json={"slug": "river-desk", "name": "River desk"})
    assert created.status_code == 201
    assert created.get_json()["slug"] == "river-desk"
    assert created.get_json()["role"] == "owner"
    assert [m["username"] for m in created.get_json()["members"]] == ["olga"]
    assert owner.get("/teams/river-desk").get_json() == created.get_json()

    invite = owner.post("/teams/river-desk/invite")
    assert invite.status_code == 201
    newcomer = api_as("nils", Role.FORECASTER)
    assert newcomer.get("/teams/river-desk").status_code == 404
    joined = newcomer.post("/teams/join", json={"token": invite.get_json()["token"]})
    assert joined.status_code == 200
    body = joined.get_json()
    assert body["slug"] == "river-desk" and body["role"] == "member"
    assert sorted(m["username"] for m in body["members"]) == ["nils", "olga"]
    assert newcomer.get("/teams/river-desk").get_json() == body
