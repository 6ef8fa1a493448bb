"""Resolving questions: resolve, re-resolve, un-resolve, annul, races, and the scores."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlmodel import select

from forecast.core.reference.scoring import score as reference_score
from forecast.core.scoring import ForecastArrays, QuestionArrays
from forecast.errors import Conflict, Forbidden, ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import Question, QuestionEvent, Role, Score
from forecast.services.forecasts import submit_forecast
from forecast.services.resolution.resolve import resolve, scores_json, unresolve
from forecast.services.scoring.resolver import score_all
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def forecast_world(world: World) -> tuple[Question, list[Any]]:
    question = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
    users = [world.user(name) for name in ("ann", "ben", "cat")]
    t0 = question.open_time
    with world.app.app_context(), session_scope() as session:
        for i, (user, p) in enumerate(zip(users, (0.9, 0.6, 0.2), strict=True)):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=p,
                now=t0 + timedelta(days=i + 1),
            )
        submit_forecast(
            session=session,
            actor=users[1],
            question_id=question.id,
            probability=0.7,
            now=t0 + timedelta(days=5),
        )
    return question, users


def scores(world: World, question: Question) -> dict[str, dict[str, Any]]:
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, question.id)
        assert stored is not None
        return {row["user"]: row for row in scores_json(session, stored)}


def test_resolving_scores_every_forecaster_like_the_reference(world: World) -> None:
    question, _ = forecast_world(world)
    resolved_at = question.open_time + timedelta(days=8)
    with world.app.app_context(), session_scope() as session:
        _, written = resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"outcome": "yes", "resolved_at": resolved_at.isoformat()},
        )
    assert written == 3
    got = scores(world, question)
    # The same forecasts through the plain loop implementation.
    day = 86_400.0
    start, close = question.open_time.timestamp(), question.close_time.timestamp()
    forecasts = ForecastArrays(
        question=np.zeros(4, dtype=np.int64),
        user=np.array([0, 1, 2, 1]),
        start=start + day * np.array([1.0, 2.0, 3.0, 5.0]),
        end=np.array([np.inf, start + 5 * day, np.inf, np.inf]),
        p_outcome=np.array([0.9, 0.6, 0.2, 0.7]),
        p_yes=np.array([0.9, 0.6, 0.2, 0.7]),
    )
    questions = QuestionArrays(
        open_time=np.array([start]),
        scheduled_close=np.array([close]),
        actual_close=np.array([resolved_at.timestamp()]),
        continuous=np.array([False]),
        open_bounds=np.array([0]),
        outcome_bucket=np.array([-1]),
    )
    expected = reference_score(questions, forecasts)
    for i, name in enumerate(("ann", "ben", "cat")):
        assert got[name]["peer"] == pytest.approx(expected.peer[i], rel=1e-9)
        assert got[name]["baseline"] == pytest.approx(expected.baseline[i], rel=1e-9)
        assert got[name]["coverage"] == pytest.approx(expected.coverage[i], rel=1e-9)
    assert sum(row["peer"] for row in got.values()) == pytest.approx(0.0, abs=1e-9)


def test_re_resolving_needs_a_reason_and_unresolving_removes_scores(world: World) -> None:
    question, _ = forecast_world(world)
    with world.app.app_context(), session_scope() as session:
        resolve(
            session=session, actor=world.organizer, question_id=question.id, data={"outcome": "yes"}
        )
        with pytest.raises(Conflict):
            resolve(
                session=session,
                actor=world.organizer,
                question_id=question.id,
                data={"outcome": "no"},
            )
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"outcome": "no", "reason": "misread the source"},
        )
    assert scores(world, question)["cat"]["brier"] == pytest.approx(0.04)
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(ValidationFailed):
            unresolve(session=session, actor=world.organizer, question_id=question.id, reason="")
        unresolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            reason="the source retracted",
        )
        assert session.exec(select(Score)).all() == []
        actions = [
            e.action
            for e in session.exec(
                select(QuestionEvent)
                .where(QuestionEvent.question_id == question.id)
                .order_by(QuestionEvent.id)
            )
        ]
        assert actions[-3:] == ["resolved", "re-resolved", "unresolved"]
        assert session.get(Question, question.id).status == "open"  # type: ignore[union-attr]


def test_annulled_questions_get_no_scores(world: World) -> None:
    question, _ = forecast_world(world)
    with world.app.app_context(), session_scope() as session:
        stored, written = resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"outcome": "annulled"},
        )
        assert written == 0 and stored.status == "annulled"
        assert score_all(session=session) == 0


@pytest.mark.parametrize(
    "data,field",
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"value": 3}, "outcome"),
        ({"outcome": "below_lower_bound"}, "outcome"),
        ({"outcome": "yes", "resolved_at": "x"}, "resolved_at"),
    ],
)
def test_bad_resolutions_are_refused_and_nothing_changes(world: World, data, field) -> None:  # type: ignore[no-untyped-def]
    question, _ = forecast_world(world)
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(ValidationFailed) as info:
            resolve(session=session, actor=world.organizer, question_id=question.id, data=data)
        assert info.value.field == field
        assert session.get(Question, question.id).resolution_outcome is None  # type: ignore[union-attr]


def test_a_value_outside_a_closed_range_is_refused(world: World) -> None:
    question = world.question("numeric")  # range [0, 100], closed below, open above
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(ValidationFailed):
            resolve(
                session=session, actor=world.organizer, question_id=question.id, data={"value": -5}
            )
        stored, _ = resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"outcome": "above_upper_bound"},
        )
        assert stored.status == "resolved"


def test_only_organizers_resolve(world: World) -> None:
    question, users = forecast_world(world)
    with world.app.app_context(), session_scope() as session, pytest.raises(Forbidden):
        resolve(session=session, actor=users[0], question_id=question.id, data={"outcome": "yes"})


def test_two_organizers_resolving_at_once_one_wins_and_the_other_gets_a_conflict(
    world: World,
) -> None:
    question, _ = forecast_world(world)
    second = world.user("olaf", Role.ORGANIZER)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(actor: Any, outcome: str) -> None:
        with world.app.app_context(), session_scope() as session:
            barrier.wait()
            try:
                resolve(
                    session=session, actor=actor, question_id=question.id, data={"outcome": outcome}
                )
                outcomes.append("won")
            except Conflict:
                outcomes.append("conflict")

    threads = [
        threading.Thread(target=attempt, args=(world.organizer, "yes")),
        threading.Thread(target=attempt, args=(second, "no")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, question.id)
        assert stored is not None and stored.resolution_outcome in ("yes", "no")
        brier_cat = session.exec(
            select(Score.brier).join(Question, Question.id == Score.question_id)
        ).all()
        expected = 0.64 if stored.resolution_outcome == "yes" else 0.04
        assert any(b == pytest.approx(expected) for b in brier_cat)
        assert len(session.exec(select(Score)).all()) == 3
