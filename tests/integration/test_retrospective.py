"""Looking back: a resolved boundary's decision outcome, lead time and verdict history, and a
leader's decision record, computed through the report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from forecast.infra.clock import parse_iso
from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import report as threshold_report
from forecast.services.boundaries.decision_record import decision_record
from forecast.services.boundaries.retrospective import VERDICT_SAMPLES
from forecast.services.forecasts import submit_forecast
from forecast.services.resolution.resolve import resolve
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def resolved_boundaries(world: World, outcome: str, lea: Any = None):  # type: ignore[no-untyped-def]
    """A question open 10 days ago; two forecasters at 5% then 60% from day 3; a ">= 30%" and
    a "<= 2%" boundary committed on day 1; resolved on day 8."""
    lea = lea or world.user("lea", Role.LEADER)
    question = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
    users = [world.user(f"fc{i}") for i in range(2)]
    t0 = question.open_time
    ids = []
    with world.app.app_context(), session_scope() as session:
        for i, user in enumerate(users):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=0.05,
                now=t0 + timedelta(hours=1, minutes=i),
            )
        for comparator, threshold in ((">=", 0.3), ("<=", 0.02)):
            b = service.create_boundary(
                session=session,
                actor=lea,
                data={
                    "question": question.id,
                    "action": f"act {comparator}",
                    "event": {"kind": "yes"},
                    "comparator": comparator,
                    "threshold": threshold,
                },
            )
            service.commit_boundary(
                session=session, actor=lea, boundary_id=b.id, now=t0 + timedelta(days=1)
            )
            ids.append(b.id)
        for user in users:
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=0.6,
                now=t0 + timedelta(days=3),
            )
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"outcome": outcome, "resolved_at": (t0 + timedelta(days=8)).isoformat()},
        )
    return lea, question, ids


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [("yes", ("hit", "correct_rejection")), ("no", ("false_alarm", "miss"))],
)
def test_a_resolved_boundary_says_how_it_served_the_decision(
    world: World, outcome: str, expected: tuple[str, str]
) -> None:
    lea, question, (up, down) = resolved_boundaries(world, outcome)
    with world.app.app_context(), session_scope() as session:
        rows = {r["id"]: r for r in threshold_report.report(session=session, viewer=lea)}
    assert (rows[up]["decision_outcome"], rows[down]["decision_outcome"]) == expected
    # Crossed on day 3 (when both forecasts moved to 60%), resolved on day 8: 5 days.
    assert rows[up]["lead_time_days"] == pytest.approx(5.0, abs=1e-6)
    assert rows[down]["lead_time_days"] is None
    history = rows[up]["verdict_history"]
    assert len(history) == VERDICT_SAMPLES
    assert history[0]["verdict"] == "not_crossed" and history[-1]["verdict"] == "crossed"
    assert parse_iso(history[-1]["at"]) == question.open_time + timedelta(days=8)


def test_an_open_question_has_no_decision_yet(world: World) -> None:
    lea, question = world.user("lea", Role.LEADER), world.question()
    with world.app.app_context(), session_scope() as session:
        b = service.create_boundary(
            session=session,
            actor=lea,
            data={
                "question": question.id,
                "action": "a",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.1,
            },
        )
        service.commit_boundary(session=session, actor=lea, boundary_id=b.id)
        row = threshold_report.report(session=session, viewer=lea)[0]
    assert row["decision_outcome"] is None and row["lead_time_days"] is None
    assert row["verdict_history"] == []


def test_the_decision_record_adds_up_the_leaders_resolved_boundaries(world: World) -> None:
    lea, _, _ = resolved_boundaries(world, "yes")
    with world.app.app_context(), session_scope() as session:
        record = decision_record(session=session, viewer=lea)
    assert record["total"] == 2 and record["few"]
    assert record["counts"] == {"hit": 1, "false_alarm": 0, "miss": 0, "correct_rejection": 1}
    assert record["mean_lead_time_days"] == pytest.approx(5.0, abs=1e-6)
    # Acted at C/L 0.3 on the hit; the "<=" boundary rightly did not act: 0. Never acting
    # would have lost 1 on the hit's event.
    assert record["expense"]["boundaries"] == pytest.approx(0.3)
    assert record["expense"]["never"] == pytest.approx(1.0)
    assert record["saving"] == pytest.approx(0.7)


def test_another_leaders_decision_record_is_their_own(world: World) -> None:
    resolved_boundaries(world, "yes")
    other = world.user("max", Role.LEADER)
    with world.app.app_context(), session_scope() as session:
        record = decision_record(session=session, viewer=other)
    assert record["total"] == 0 and record["rows"] == []
