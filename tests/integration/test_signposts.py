"""Signposts on the threshold report: per conditional pair on the boundary's question, P(S),
P(event | S) and P(event | not S) under the boundary's method, the reading, decision relevance
and the value of waiting; hidden aggregates stay hidden."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Question, Role, User
from forecast.services.boundaries import lifecycle as boundaries
from forecast.services.boundaries import report as threshold_report
from forecast.services.conditionals.create import create_pair
from forecast.services.forecasts import submit_forecast
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def forecast(world: World, user: User, question: Question | None, p: float) -> None:
    assert question is not None
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=user, question_id=question.id or 0, probability=p)


def pair_on(world: World, outcome: Question, **condition: Any) -> Any:
    c = world.question(opens=timedelta(days=-5), **condition)
    with world.app.app_context(), session_scope() as session:
        return create_pair(
            session=session, actor=world.organizer, condition=c.id, outcome=outcome.id
        )


def committed(world: World, leader: User, question: Question) -> int:
    data = {
        "question": question.id,
        "action": "Start a safety hiring round",
        "event": {"kind": "yes"},
        "comparator": ">=",
        "threshold": 0.1,
    }
    with world.app.app_context(), session_scope() as session:
        b = boundaries.create_boundary(session=session, actor=leader, data=data)
        boundaries.commit_boundary(session=session, actor=leader, boundary_id=b.id or 0)
        return int(b.id or 0)


def test_a_straddling_signpost_is_decision_relevant_and_listed_first(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    ann = world.user("ann")
    quiet = pair_on(world, outcome)  # both branches past 10%: waiting changes nothing
    loud = pair_on(world, outcome)  # 30% if S, 2% if not: it decides
    forecast(world, ann, outcome, 0.2)
    for pair, (p_s, p_yes, p_no) in ((quiet, (0.5, 0.4, 0.3)), (loud, (0.5, 0.3, 0.02))):
        forecast(world, ann, pair.condition, p_s)
        forecast(world, ann, pair.yes, p_yes)
        forecast(world, ann, pair.no, p_no)
    boundary_id = committed(world, leader, outcome)
    with world.app.app_context(), session_scope() as session:
        rows = threshold_report.report(session=session, viewer=leader)
        status = threshold_report.boundary_status(
            session=session, viewer=leader, boundary_id=boundary_id
        )
    first, second = rows[0]["signposts"]
    assert first["condition"]["id"] == loud.condition.id
    assert (first["p_signpost"], first["p_if_yes"], first["p_if_no"]) == pytest.approx(
        (0.5, 0.3, 0.02)
    )
    assert (first["crossed_if_yes"], first["crossed_if_no"]) == (True, False)
    assert first["decision_relevant"] is True
    assert first["reading"] == "crossed now; would stay crossed if S; would fall below 10% if not S"
    # t = 10%: now min(.1, .16) = .1; after .5 * .1 + .5 * .02 = .06; waiting is worth 4% of L.
    assert first["value_of_waiting"]["share_of_loss"] == pytest.approx(0.04)
    assert first["value_of_waiting"]["incoherence"] == pytest.approx(0.2 - 0.16)
    assert second["decision_relevant"] is False
    assert second["value_of_waiting"]["share_of_loss"] == pytest.approx(0.0)
    assert status is not None
    assert [s["condition"]["id"] for s in status["signposts"]] == [
        loud.condition.id,
        quiet.condition.id,
    ]


def test_a_signpost_whose_condition_is_hidden_carries_no_value(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    ann = world.user("ann")
    pair = pair_on(world, outcome, hide_aggregate_until_forecast=True)
    forecast(world, ann, outcome, 0.2)
    forecast(world, ann, pair.condition, 0.5)
    forecast(world, ann, pair.yes, 0.3)
    forecast(world, ann, pair.no, 0.02)
    committed(world, leader, outcome)
    with world.app.app_context(), session_scope() as session:
        row = threshold_report.report(session=session, viewer=leader)[0]
    assert row["probability"] == pytest.approx(0.2)  # the boundary's own row is visible
    (signpost,) = row["signposts"]
    assert signpost["hidden"] and "forecast first" in signpost["hidden"]
    assert signpost["p_signpost"] is None and signpost["p_if_yes"] is None
    assert signpost["reading"] is None and signpost["value_of_waiting"] is None
    # Once the leader forecasts the condition, its aggregate (and the signpost) is theirs to see.
    forecast(world, leader, pair.condition, 0.5)
    with world.app.app_context(), session_scope() as session:
        row = threshold_report.report(session=session, viewer=leader)[0]
    assert row["signposts"][0]["hidden"] is None
    assert row["signposts"][0]["p_signpost"] == pytest.approx(0.5)
