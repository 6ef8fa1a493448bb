"""Leaderboards and track records through the API."""

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


def resolved_tournament(organizer: Api, api_as: Any) -> None:
    clients = {name: api_as(name) for name in ("ann", "ben", "cat")}
    for outcome in ("yes", "no"):
        qid = organizer.post("/questions", json=question_data()).get_json()["id"]
        for name, p in (("ann", 0.8 if outcome == "yes" else 0.2), ("ben", 0.5), ("cat", 0.3)):
            clients[name].post(f"/questions/{qid}/forecasts", json={"probability": p})
        assert (
            organizer.post(f"/questions/{qid}/resolution", json={"outcome": outcome}).status_code
            == 200
        )


def test_the_tournament_leaderboard_ranks_by_peer_with_shares(organizer: Api, api_as: Any) -> None:
    resolved_tournament(organizer, api_as)
    board = organizer.get("/tournaments/ai/leaderboard").get_json()
    users = [e["user"] for e in board["items"]]
    assert users[0] == "ann" and board["total"] == 3
    assert sum(e["share"] for e in board["items"]) == pytest.approx(1.0)
    assert [e["rank"] for e in board["items"]] == sorted(e["rank"] for e in board["items"])
    csv_text = organizer.get("/tournaments/ai/leaderboard?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "rank,user,score,coverage,questions,take,share,prize,medal"
    assert organizer.get("/tournaments/nope/leaderboard").status_code == 404
    assert organizer.get("/leaderboard").get_json()["items"][0]["user"] == "ann"


def test_the_track_record_has_scores_calibration_and_murphy(organizer: Api, api_as: Any) -> None:
    resolved_tournament(organizer, api_as)
    record = organizer.get("/users/ann/track-record").get_json()
    assert record["resolved_questions"] == 2 and record["mean_peer"] > 0
    assert len(record["over_time"]) == 2
    # Each point names its question and adds that question's Peer score to the total.
    first, second = record["over_time"]
    assert [first["question"], second["question"]] == [s["question"] for s in record["scores"]]
    assert first["cumulative_peer"] == pytest.approx(first["peer"])
    assert second["cumulative_peer"] == pytest.approx(first["peer"] + second["peer"])
    assert record["mean_brier"] == pytest.approx(0.04, abs=1e-9)
    # Resolve-by times lie in the future, so no question counts toward calibration yet.
    assert record["calibration"] == [] and record["murphy"] is None
    assert organizer.get("/users/nobody/track-record").status_code == 404
    assert organizer.get("/users/ann/track-record?from=soon").status_code == 422
