"""Conditional pairs through the API: create, read, forecast both branches, resolution."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import question_data


@pytest.fixture
def organizer(api_as: Any) -> Api:
    from forecast.services.accounts.users import get_user
    from forecast.services.tournaments.catalog import create_tournament

    org: Api = api_as("olga", Role.ORGANIZER)
    with org.client.application.app_context(), session_scope() as session:
        create_tournament(session=session, actor=get_user(session, "olga"), slug="ai", title="AI")
    return org


def questions(organizer: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    c = organizer.post("/questions", json=question_data(key="flop-run")).get_json()
    o = organizer.post("/questions", json=question_data("date", key="discovery")).get_json()
    return c, o


def test_an_organizer_creates_the_pair_and_the_question_json_names_its_condition(
    organizer: Api, api_as: Any
) -> None:
    c, o = questions(organizer)
    answer = organizer.post("/conditionals", json={"condition": "flop-run", "outcome": o["id"]})
    assert answer.status_code == 201, answer.get_json()
    pair = answer.get_json()
    assert pair["condition"]["key"] == "flop-run" and pair["outcome"]["key"] == "discovery"
    yes = pair["yes"]
    assert yes["type"] == "date" and yes["range"] == o["range"]
    assert yes["condition"] == {"if": "flop-run", "is": "yes", "then": "discovery"}
    assert pair["no"]["condition"]["is"] == "no"
    read = api_as("ann").get(f"/questions/{yes['id']}").get_json()
    assert read["condition"] == {"if": "flop-run", "is": "yes", "then": "discovery"}
    assert api_as("bob").get(f"/questions/{c['id']}").get_json()["condition"] is None
    again = organizer.post(f"/questions/{o['id']}/conditionals", json={"condition": c["id"]})
    assert again.status_code == 409


def test_only_organizers_create_pairs_and_bad_input_is_a_4xx(organizer: Api, api_as: Any) -> None:
    c, o = questions(organizer)
    fran = api_as("fran")
    assert (
        fran.post("/conditionals", json={"condition": c["id"], "outcome": o["id"]}).status_code
        == 403
    )
    bad = organizer.post("/conditionals", json={"condition": o["id"], "outcome": c["id"]})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "condition"
    assert (
        organizer.post("/conditionals", json={"condition": 999, "outcome": o["id"]}).status_code
        == 404
    )
    assert organizer.post("/conditionals", json={"condition": c["id"]}).status_code == 422
    assert organizer.get(f"/questions/{c['id']}/pair").status_code == 404


def test_both_branches_in_one_request_and_neither_when_one_is_bad(
    organizer: Api, api_as: Any
) -> None:
    c, _ = questions(organizer)
    o = organizer.post("/questions", json=question_data(key="binary-outcome")).get_json()
    pair = organizer.post("/conditionals", json={"condition": c["id"], "outcome": o["id"]})
    yes_id = pair.get_json()["yes"]["id"]
    ann = api_as("ann")
    refused = ann.post(
        f"/questions/{yes_id}/pair/forecasts",
        json={"yes": {"probability": 0.7}, "no": {"probability": 1.5}},
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "no"
    assert ann.get(f"/questions/{yes_id}/forecasts/mine").get_json()["items"] == []
    done = ann.post(
        f"/questions/{yes_id}/pair/forecasts",
        json={"yes": {"probability": 0.7}, "no": {"probability": 0.2}, "rationale": "compute"},
    )
    assert done.status_code == 201
    body = done.get_json()
    assert (body["yes"]["probability"], body["no"]["probability"]) == (0.7, 0.2)
    ann.post(f"/questions/{c['id']}/forecasts", json={"probability": 0.4})
    read = api_as("bob").get(f"/questions/{yes_id}/pair").get_json()
    assert read["p_condition"] == pytest.approx(0.4)
    assert read["yes"]["community"]["probability"] == pytest.approx(0.7)


def test_resolving_by_hand_is_refused_and_the_branches_follow(organizer: Api) -> None:
    c, _ = questions(organizer)
    o = organizer.post("/questions", json=question_data(key="binary-outcome")).get_json()
    pair = organizer.post("/conditionals", json={"condition": c["id"], "outcome": o["id"]})
    yes_id, no_id = pair.get_json()["yes"]["id"], pair.get_json()["no"]["id"]
    refused = organizer.post(f"/questions/{yes_id}/resolution", json={"outcome": "yes"})
    assert refused.status_code == 409
    organizer.post(f"/questions/{c['id']}/resolution", json={"outcome": "yes"})
    organizer.post(f"/questions/{o['id']}/resolution", json={"outcome": "no"})
    assert organizer.get(f"/questions/{yes_id}").get_json()["resolution"]["outcome"] == "no"
    assert organizer.get(f"/questions/{no_id}").get_json()["status"] == "annulled"


def test_a_multiple_choice_outcome_gives_branches_of_its_kind(organizer: Api, api_as: Any) -> None:
    c, _ = questions(organizer)
    labels = ["OpenAI", "Google DeepMind", "Anthropic", "Other"]
    o = organizer.post(
        "/questions", json=question_data("multiple_choice", key="first-lab", options=labels)
    ).get_json()
    pair = organizer.post("/conditionals", json={"condition": c["id"], "outcome": o["id"]})
    assert pair.status_code == 201, pair.get_json()
    yes, no = pair.get_json()["yes"], pair.get_json()["no"]
    assert yes["type"] == "multiple_choice" and yes["options"] == labels
    ann = api_as("ann")
    wrong = ann.post(
        f"/questions/{yes['id']}/pair/forecasts",
        json={"yes": {"probability": 0.5}, "no": {"probabilities": [0.25] * 4}},
    )
    assert wrong.status_code == 422 and "probabilities" in wrong.get_json()["error"]["message"]
    both = ann.post(
        f"/questions/{yes['id']}/pair/forecasts",
        json={"yes": {"probabilities": [0.4, 0.3, 0.2, 0.1]}, "no": {"probabilities": [0.25] * 4}},
    )
    assert both.status_code == 201, both.get_json()
    organizer.post(f"/questions/{c['id']}/resolution", json={"outcome": "yes"})
    organizer.post(f"/questions/{o['id']}/resolution", json={"option": "Anthropic"})
    resolved = organizer.get(f"/questions/{yes['id']}").get_json()
    assert resolved["status"] == "resolved"
    assert resolved["resolution"]["option"] == "Anthropic"
    scores = organizer.get(f"/questions/{yes['id']}/scores").get_json()
    # A lone whole-window forecaster giving 0.2 to the option that happened, of 4:
    # Baseline 100 * ln(4 * 0.2) / ln(4) = -16.1 (SCORING.md), truncated coverage aside.
    assert len(scores) == 1 and scores[0]["baseline"] < 0
    assert organizer.get(f"/questions/{no['id']}").get_json()["status"] == "annulled"


def test_a_boundary_on_a_branch_takes_the_outcomes_event_and_reads_if_condition(
    organizer: Api, api_as: Any
) -> None:
    c, o = questions(organizer)
    pair = organizer.post("/conditionals", json={"condition": c["id"], "outcome": o["id"]})
    yes = pair.get_json()["yes"]
    lea = api_as("lea", Role.LEADER)
    body = {"question": yes["id"], "action": "Hire", "comparator": ">=", "threshold": 0.1}
    wrong = lea.post("/boundaries", json={**body, "event": {"kind": "yes"}})
    assert wrong.status_code == 422  # a date outcome's branch takes date events
    made = lea.post("/boundaries", json={**body, "event": {"kind": "within", "years": 10}})
    assert made.status_code == 201, made.get_json()
    lea.post(f"/boundaries/{made.get_json()['id']}/commit")
    (row,) = lea.get("/boundaries/report").get_json()
    assert row["question"]["title"].startswith("If “A binary question?” resolves yes:")
    assert row["signposts"] == []


def test_an_id_past_any_row_names_no_question(app: Flask) -> None:
    organizer = make_user(app, "olga", Role.ORGANIZER)
    headers = {"Authorization": f"Bearer {make_token(app, organizer)}"}
    client = app.test_client()
    for ref in (2**63, str(2**40)):
        response = client.post(
            "/api/v1/conditionals", json={"condition": ref, "outcome": ref}, headers=headers
        )
        assert response.status_code == 404, response.json
