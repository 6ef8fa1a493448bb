"""Multiple-choice questions through the API, the pages, the CSV download and the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from forecast.infra.db import session_scope
from forecast.models import Role
from tests.conftest import PASSWORD, Api
from tests.integration.factories import question_data

LABELS = ["OpenAI", "Google DeepMind", "Anthropic"]


@pytest.fixture
def organizer(api_as: Any) -> Api:
    from forecast.services.accounts.users import get_user
    from forecast.services.tournaments.catalog import create_tournament

    org: Api = api_as("olga", Role.ORGANIZER)
    with org.client.application.app_context(), session_scope() as session:
        create_tournament(session=session, actor=get_user(session, "olga"), slug="ai", title="AI")
    return org


def mc(organizer: Api) -> dict[str, Any]:
    created = organizer.post("/questions", json=question_data("multiple_choice", options=LABELS))
    assert created.status_code == 201, created.get_json()
    body: dict[str, Any] = created.get_json()
    return body


def login(client: FlaskClient, username: str) -> None:
    reply = client.post("/login", data={"username": username, "password": PASSWORD})
    assert reply.status_code == 302


def test_the_api_takes_forecasts_aggregates_and_resolves_to_an_option(
    organizer: Api, api_as: Any
) -> None:
    question = mc(organizer)
    qid = question["id"]
    assert question["type"] == "multiple_choice" and question["options"] == LABELS
    ann, ben = api_as("ann"), api_as("ben")
    made = ann.post(f"/questions/{qid}/forecasts", json={"probabilities": [0.6, 0.3, 0.1]})
    assert made.status_code == 201
    assert made.get_json()["probabilities"] == pytest.approx([0.6, 0.3, 0.1])
    assert "cdf" not in made.get_json()
    ben.post(f"/questions/{qid}/forecasts", json={"probabilities": [0.2, 0.5, 0.3]})
    refused = ben.post(f"/questions/{qid}/forecasts", json={"probabilities": [0.5, 0.6, 0.1]})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "probabilities"
    assert ben.post(f"/questions/{qid}/forecasts", json={"probability": 0.5}).status_code == 422
    mine = ann.get(f"/questions/{qid}/forecasts/mine").get_json()["items"]
    assert mine[0]["probabilities"] == pytest.approx([0.6, 0.3, 0.1])
    aggregate = ann.get(f"/questions/{qid}/aggregate?method=mean").get_json()
    # Two forecasters weigh 1 each under the recency weights (N <= 2): the plain mean.
    assert aggregate["probabilities"] == pytest.approx([0.4, 0.4, 0.2])
    assert len(aggregate["interval"][0]) == 3
    history = ann.get(f"/questions/{qid}/aggregate/history").get_json()
    assert history["items"][-1]["forecaster_count"] == 2
    assert len(history["items"][-1]["probabilities"]) == 3
    listed = ann.get("/questions").get_json()["items"]
    community = next(q for q in listed if q["id"] == qid)["community"]
    assert community["forecaster_count"] == 2 and len(community["probabilities"]) == 3
    bad = organizer.post(f"/questions/{qid}/resolution", json={"option": "Meta"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "option"
    resolved = organizer.post(f"/questions/{qid}/resolution", json={"option": "Google DeepMind"})
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["resolution"]["option"] == "Google DeepMind"
    scores = ann.get(f"/questions/{qid}/scores").get_json()
    assert {row["user"] for row in scores} == {"ann", "ben"}
    assert sum(row["peer"] for row in scores) == pytest.approx(0.0, abs=1e-9)
    assert all(row["brier"] is not None and row["log"] is not None for row in scores)


def test_a_boundary_on_an_option_is_reported_like_any_other(organizer: Api, api_as: Any) -> None:
    qid = mc(organizer)["id"]
    for i, p in enumerate(([0.6, 0.3, 0.1], [0.5, 0.3, 0.2], [0.7, 0.2, 0.1])):
        api_as(f"fc{i}").post(f"/questions/{qid}/forecasts", json={"probabilities": p})
    leader = api_as("lea", Role.LEADER)
    body = {
        "question": qid,
        "action": "Brief the board on OpenAI's lead",
        "event": {"kind": "option", "option": "OpenAI"},
        "comparator": ">=",
        "threshold": 0.4,
    }
    wrong = leader.post("/boundaries", json={**body, "event": {"kind": "option", "option": "X"}})
    assert wrong.status_code == 422
    assert leader.post("/boundaries", json={**body, "event": {"kind": "yes"}}).status_code == 422
    created = leader.post("/boundaries", json=body)
    assert created.status_code == 201, created.get_json()
    leader.post(f"/boundaries/{created.get_json()['id']}/commit")
    row = leader.get("/boundaries/report").get_json()[0]
    assert row["event"] == {"kind": "option", "option": "OpenAI"}
    assert row["forecaster_count"] == 3 and row["crossed"]
    # recency_weighted: per-option weighted medians 0.6, 0.3, 0.1, renormalised with the floor.
    expected = 0.001 + 0.997 * (0.6 - 0.001) / (0.599 + 0.299 + 0.099)
    assert row["probability"] == pytest.approx(expected, rel=1e-9)
    assert row["interval"][0] <= row["probability"] <= row["interval"][1]


def test_the_page_shows_the_sliders_saves_a_forecast_and_keeps_a_refused_one(
    app: Flask, client: FlaskClient, organizer: Api, api_as: Any
) -> None:
    qid = mc(organizer)["id"]
    api_as("ann")
    login(client, "ann")
    page = client.get(f"/questions/{qid}").get_data(as_text=True)
    assert 'id="choice-form"' in page
    for label in LABELS:
        assert label in page
    assert page.count('class="choice-slider"') == 3
    saved = client.post(
        f"/questions/{qid}/forecast", data={"p0": "50", "p1": "30", "p2": "20", "rationale": ""}
    )
    assert saved.status_code == 302
    page = client.get(f"/questions/{qid}").get_data(as_text=True)
    assert 'id="aggregate-options"' in page and "50.0%" in page
    refused = client.post(
        f"/questions/{qid}/forecast", data={"p0": "50", "p1": "abc", "p2": "20", "rationale": ""}
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Not saved." in text and "“abc” is not a number." in text
    assert 'value="abc"' in text  # kept as typed
    short = client.post(
        f"/questions/{qid}/forecast", data={"p0": "50", "p1": "30", "p2": "10", "rationale": ""}
    )
    assert short.status_code == 422 and "sum to 1 (100%)" in short.get_data(as_text=True)
    csv_text = client.get(f"/questions/{qid}/aggregate.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].endswith("OpenAI,Google DeepMind,Anthropic")


def test_an_organizer_creates_one_with_the_options_editor(
    app: Flask, client: FlaskClient, organizer: Api
) -> None:
    login(client, "olga")
    form = {
        "type": "multiple_choice",
        "tournament": "ai",
        "title": "Which lab first?",
        "resolution_criteria": "Per the leaderboard.",
        "open_time": "2026-01-01T00:00",
        "close_time": "2040-01-01T00:00",
        "options": "OpenAI\nAnthropic\n\nAnother lab\n",
    }
    one = client.post("/questions/new", data={**form, "options": "Only one"})
    assert one.status_code in (200, 422)
    assert "2 to 20 options" in one.get_data(as_text=True)
    assert "Only one" in one.get_data(as_text=True)  # kept as typed
    made = client.post("/questions/new", data=form)
    assert made.status_code == 302
    listed = organizer.get("/questions").get_json()["items"]
    assert next(q for q in listed if q["title"] == "Which lab first?")["options"] == [
        "OpenAI",
        "Anthropic",
        "Another lab",
    ]


def test_the_cli_resolves_to_a_label_and_exports_probabilities(
    organizer: Api, api_as: Any, runner: FlaskCliRunner
) -> None:
    question = mc(organizer)
    api_as("ann").post(
        f"/questions/{question['id']}/forecasts", json={"probabilities": [0.2, 0.2, 0.6]}
    )
    result = runner.invoke(args=["resolve", question["key"], "Anthropic"])
    assert result.exit_code == 0 and "1 score rows" in result.output
    wrong = runner.invoke(args=["resolve", question["key"], "Nobody", "--reason", "fix"])
    assert wrong.exit_code == 1
    exported = runner.invoke(args=["export", "aggregates", "--question", question["key"]])
    records = json.loads(exported.output)
    assert records[-1]["probabilities"] == pytest.approx([0.2, 0.2, 0.6])


def test_a_leader_drafts_an_option_boundary_on_the_page(
    client: FlaskClient, organizer: Api, api_as: Any
) -> None:
    qid = mc(organizer)["id"]
    api_as("lea", Role.LEADER)
    login(client, "lea")
    form = {
        "question": str(qid),
        "event_kind": "option",
        "event_option": "Nobody",
        "comparator": ">=",
        "threshold_1": "30",
        "action_1": "Brief the board",
    }
    wrong = client.post("/boundaries", data=form)
    assert wrong.status_code == 422
    text = wrong.get_data(as_text=True)
    assert "the option must be one of" in text and 'value="Nobody"' in text
    made = client.post("/boundaries", data={**form, "event_option": "Anthropic"})
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "P(Anthropic)" in page


def test_an_organizer_resolves_to_an_option_from_the_page(
    client: FlaskClient, organizer: Api, api_as: Any
) -> None:
    qid = mc(organizer)["id"]
    api_as("ann").post(f"/questions/{qid}/forecasts", json={"probabilities": [0.2, 0.2, 0.6]})
    login(client, "olga")
    page = client.get(f"/questions/{qid}").get_data(as_text=True)
    assert "<option>Google DeepMind</option>" in page
    ask = client.post(f"/questions/{qid}/resolve", data={"answer": "Anthropic"})
    assert ask.status_code == 200 and "Anthropic" in ask.get_data(as_text=True)
    done = client.post(
        f"/questions/{qid}/resolve",
        data={"answer": "Anthropic", "action": "resolve", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "Resolved <strong>“Anthropic”</strong>" in done.get_data(as_text=True)
    assert organizer.get(f"/questions/{qid}").get_json()["resolution"]["option"] == "Anthropic"
