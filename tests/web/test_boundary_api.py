"""The decision-boundary API: roles, commit immutability, revisions, the report, blind mode."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from tests.conftest import Api
from tests.integration.factories import question_data


@pytest.fixture
def organizer(api_as: Any) -> Api:
    from forecast.services.accounts.users import get_user
    from forecast.services.tournaments.catalog import create_tournament

    org: Api = api_as("olga", Role.ORGANIZER)
    with org.client.application.app_context(), session_scope() as session:
        create_tournament(session=session, actor=get_user(session, "olga"), slug="ai", title="AI")
    return org


def boundary_body(qid: int, **extra: Any) -> dict[str, Any]:
    return {
        "question": qid,
        "action": "Start a dedicated AI-safety hiring round",
        "event": {"kind": "yes"},
        "comparator": ">=",
        "threshold": 0.1,
        **extra,
    }


def test_forecasters_and_organizers_cannot_create_boundaries(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    assert api_as("fran").post("/boundaries", json=boundary_body(qid)).status_code == 403
    assert organizer.post("/boundaries", json=boundary_body(qid)).status_code == 403
    anonymous = Api(organizer.client)
    assert anonymous.post("/boundaries", json=boundary_body(qid)).status_code == 401


def test_the_commit_contract_and_immutability(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    leader = api_as("lea", Role.LEADER)
    created = leader.post("/boundaries", json=boundary_body(qid))
    assert created.status_code == 201 and created.get_json()["status"] == "draft"
    bid = created.get_json()["id"]
    assert leader.patch(f"/boundaries/{bid}", json={"threshold": 0.2}).status_code == 200
    committed = leader.post(f"/boundaries/{bid}/commit").get_json()
    assert committed["status"] == "committed" and committed["version"] == 1
    assert len(committed["hash"]) == 64 and committed["committed_at"].endswith("Z")
    again = leader.post(f"/boundaries/{bid}/commit")
    assert again.status_code == 409
    revised = leader.post(
        f"/boundaries/{bid}/revisions", json={"threshold": 0.25, "reason": "New cost estimate"}
    )
    assert revised.status_code == 201 and revised.get_json()["version"] == 2
    assert [v["threshold"] for v in revised.get_json()["versions"]] == [0.2, 0.25]
    no_reason = leader.post(f"/boundaries/{bid}/revisions", json={"threshold": 0.3})
    assert no_reason.status_code == 422


def test_the_report_lists_committed_boundaries_in_the_contract_shape(
    organizer: Api, api_as: Any
) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    for i, p in enumerate((0.3, 0.4, 0.5)):
        api_as(f"fc{i}").post(f"/questions/{qid}/forecasts", json={"probability": p})
    leader = api_as("lea", Role.LEADER)
    low = leader.post("/boundaries", json=boundary_body(qid, threshold=0.2)).get_json()["id"]
    high = leader.post("/boundaries", json=boundary_body(qid, threshold=0.9)).get_json()["id"]
    for bid in (low, high):
        leader.post(f"/boundaries/{bid}/commit")
    rows = leader.get("/boundaries/report").get_json()
    assert [r["id"] for r in rows] == [low, high]
    first = rows[0]
    for field in (
        "id",
        "action",
        "question",
        "event",
        "comparator",
        "threshold",
        "method",
        "probability",
        "crossed",
        "margin",
        "verdict",
        "by_method",
        "methods_known",
        "methods_crossed",
        "interval",
        "forecaster_count",
        "first_crossed_at",
    ):
        assert field in first, field
    assert first["crossed"] and first["forecaster_count"] == 3
    assert not rows[1]["crossed"] and rows[1]["margin"] < 0
    csv_text = leader.get("/boundaries/report?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("id,action")
    assert csv_text.splitlines()[0].endswith(
        ",methods_crossed,methods_known,decision_outcome,lead_time_days"
        ",named_signposts,decision_relevant_signposts"
    )
    assert api_as("fran").get("/boundaries/report").status_code == 403


def test_a_private_boundary_is_invisible_to_other_leaders(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    lea, leo = api_as("lea", Role.LEADER), api_as("leo", Role.LEADER)
    bid = lea.post("/boundaries", json=boundary_body(qid)).get_json()["id"]
    lea.post(f"/boundaries/{bid}/commit")
    assert leo.get(f"/boundaries/{bid}").status_code == 404
    assert leo.get("/boundaries/report").get_json() == []


def test_drafting_blind_hides_the_aggregate_from_the_leader(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    api_as("fc0").post(f"/questions/{qid}/forecasts", json={"probability": 0.3})
    lea = api_as("lea", Role.LEADER)
    bid = lea.post("/boundaries", json=boundary_body(qid, blind=True)).get_json()["id"]
    assert lea.get(f"/questions/{qid}/aggregate").status_code == 403
    assert lea.get(f"/questions/{qid}").get_json()["aggregate"] is None
    lea.post(f"/boundaries/{bid}/commit")
    assert lea.get(f"/questions/{qid}/aggregate").status_code == 200
