"""Resolution and scores through the API and the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

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


def test_resolve_then_read_scores_then_unresolve(organizer: Api, api_as: Any) -> None:
    created = organizer.post("/questions", json=question_data()).get_json()
    qid = created["id"]
    for name, p in (("ann", 0.8), ("ben", 0.3)):
        api_as(name).post(f"/questions/{qid}/forecasts", json={"probability": p})
    assert organizer.get(f"/questions/{qid}/scores").status_code == 409
    fran = api_as("fran")
    assert fran.post(f"/questions/{qid}/resolution", json={"outcome": "yes"}).status_code == 403
    resolved = organizer.post(f"/questions/{qid}/resolution", json={"outcome": "yes"})
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    assert resolved.get_json()["scores_written"] == 2
    rows = fran.get(f"/questions/{qid}/scores").get_json()
    assert [r["user"] for r in rows] == ["ann", "ben"]
    assert set(rows[0]) == {"question", "user", "baseline", "peer", "coverage", "brier", "log"}
    assert rows[0]["peer"] > 0 > rows[1]["peer"]
    again = organizer.post(f"/questions/{qid}/resolution", json={"outcome": "no"})
    assert again.status_code == 409
    bad = organizer.post(f"/questions/{qid}/resolution", json={"value": 3, "reason": "x"})
    assert bad.status_code == 422
    removed = organizer.delete(f"/questions/{qid}/resolution", json={"reason": "wrong source"})
    assert removed.status_code == 200 and removed.get_json()["status"] == "open"
    assert organizer.get(f"/questions/{qid}/scores").status_code == 409


def test_the_cli_resolves_scores_and_exports(
    organizer: Api, api_as: Any, runner: FlaskCliRunner
) -> None:
    created = organizer.post("/questions", json=question_data()).get_json()
    api_as("ann").post(f"/questions/{created['id']}/forecasts", json={"probability": 0.7})
    result = runner.invoke(args=["resolve", created["key"], "yes"])
    assert result.exit_code == 0 and "1 score rows" in result.output
    assert "0 score rows" in runner.invoke(args=["score"]).output
    assert "1 score rows" in runner.invoke(args=["score", "--all"]).output
    exported = json.loads(runner.invoke(args=["export", "scores", "--tournament", "ai"]).output)
    assert exported[0]["user"] == "ann" and exported[0]["brier"] == pytest.approx(0.09)
    bad = runner.invoke(args=["resolve", created["key"], "purple", "--reason", "x"])
    assert bad.exit_code == 1
