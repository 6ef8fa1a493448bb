"""Whose forecasts to trust at a threshold: forecasters ranked by their elementary score over
resolved questions, and the "best at your threshold" aggregate that weights them by it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import report as threshold_report
from forecast.services.forecasts import submit_forecast
from forecast.services.methods.trust import panel
from forecast.services.resolution.resolve import resolve
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def track_records(world: World) -> tuple[object, object]:
    """ "good" forecast each of three resolved questions on the right side, "bad" on the wrong."""
    good, bad = world.user("good"), world.user("bad")
    for outcome in ("yes", "no", "yes"):
        question = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
        right = 0.9 if outcome == "yes" else 0.1
        with world.app.app_context(), session_scope() as session:
            for user, p in ((good, right), (bad, 1 - right)):
                submit_forecast(
                    session=session,
                    actor=user,
                    question_id=question.id,
                    probability=p,
                    now=question.open_time + timedelta(days=1),
                )
            resolve(
                session=session,
                actor=world.organizer,
                question_id=question.id,
                data={"outcome": outcome},
            )
    return good, bad


def test_the_panel_ranks_forecasters_by_how_they_would_have_served_the_threshold(
    world: World,
) -> None:
    track_records(world)
    with world.app.app_context(), session_scope() as session:
        found = panel(session, 0.3)
    assert [r["user"] for r in found["rows"]] == ["good", "bad"]
    good, bad = found["rows"]
    assert good["questions"] == bad["questions"] == 3 and good["few"]
    assert good["score"] == 0.0 and good["value"] == pytest.approx(1.0)
    # bad: false alarm on the "no" (0.3), misses on both "yes" (0.7 each), over 3 questions;
    # the better fixed policy is always acting (0.3 * 1/3 = 0.1).
    assert bad["score"] == pytest.approx((0.7 + 0.3 + 0.7) / 3)
    assert bad["value"] == pytest.approx((0.1 - 1.7 / 3) / 0.1)


def test_best_at_threshold_weights_the_forecasters_with_a_record(world: World) -> None:
    good, bad = track_records(world)
    lea = world.user("lea", Role.LEADER)
    newcomer = world.user("newcomer")
    question = world.question()
    with world.app.app_context(), session_scope() as session:
        for user, p in ((good, 0.8), (bad, 0.1), (newcomer, 0.05)):
            submit_forecast(session=session, actor=user, question_id=question.id, probability=p)
        b = service.create_boundary(
            session=session,
            actor=lea,
            data={
                "question": question.id,
                "action": "act",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.3,
            },
        )
        service.commit_boundary(session=session, actor=lea, boundary_id=b.id)
        row = threshold_report.report(session=session, viewer=lea)[0]
    assert row["probability"] == pytest.approx(0.1)  # the community's median
    best = row["best_at_threshold"]
    assert best["probability"] == pytest.approx(0.8) and best["forecasters"] == 1
    assert best["interval"][0] <= 0.8 <= best["interval"][1]


def test_without_resolved_questions_nobody_is_ranked(world: World) -> None:
    with world.app.app_context(), session_scope() as session:
        found = panel(session, 0.5)
    assert found["rows"] == [] and found["ranked"] == 0


def test_a_resolved_multiple_choice_question_counts_for_nothing(world: World) -> None:
    # Its forecasts are no single yes/no call: the panel (and the report's best-at-threshold,
    # which reads the same records) leaves it out instead of failing on it.
    good, bad = track_records(world)
    question = world.question(
        "multiple_choice",
        opens=timedelta(days=-10),
        closes=timedelta(days=10),
        options=["Lab A", "Lab B", "Lab C"],
    )
    with world.app.app_context(), session_scope() as session:
        for user in (good, bad):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probabilities=[0.6, 0.3, 0.1],
                now=question.open_time + timedelta(days=1),
            )
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"option": "Lab A"},
        )
        found = panel(session, 0.3)
    assert [(r["user"], r["questions"]) for r in found["rows"]] == [("good", 3), ("bad", 3)]
