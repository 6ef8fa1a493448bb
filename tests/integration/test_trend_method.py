"""The trend line and "best at your threshold" as registered methods: `?method=trend` on the
aggregate, boundaries that act on the trend, both in every report row, and best at threshold
reading only the questions resolved before the instant a report is asked about."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask

from forecast.core.distributions import cdf_at
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import session_scope
from forecast.models import Question, Role, User
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import report as threshold_report
from forecast.services.forecasts import submit_forecast
from forecast.services.methods.trust import skills
from forecast.services.questions.input import question_scale
from forecast.services.resolution.resolve import resolve
from forecast.services.trends.series import attach_series, trend_of
from tests.integration.factories import World

YEAR = timedelta(days=365.2425)


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def straight_line(world: World, question: Question) -> None:
    """10, 20, 30, 40 a year apart up to now: the line says about 41 at the resolution date."""
    now = utcnow()
    points = [
        {"date": format_iso(now - k * YEAR), "value": 40.0 - 10 * k, "source": "a table"}
        for k in range(4)
    ]
    with world.app.app_context(), session_scope() as session:
        attach_series(
            session=session,
            actor=world.organizer,
            question_id=question.id or 0,
            data={"points": points, "fit": "linear"},
        )


def boundary(world: World, leader: User, question: Question, **fields: Any) -> int:
    with world.app.app_context(), session_scope() as session:
        b = service.create_boundary(
            session=session,
            actor=leader,
            data={"question": question.id, "action": "act", "comparator": ">=", **fields},
        )
        service.commit_boundary(session=session, actor=leader, boundary_id=b.id)
        return int(b.id or 0)


def test_a_boundary_may_act_on_the_trend_and_every_row_shows_it(world: World) -> None:
    question = world.question("numeric")
    straight_line(world, question)
    lea = world.user("lea", Role.LEADER)
    fran = world.user("fran")
    with world.app.app_context(), session_scope() as session:
        cdf = np.zeros(201)
        scale = question_scale(question)
        cdf[:] = np.linspace(0.0, 0.999, 201)  # the crowd: anything from 0 to 100 alike
        submit_forecast(session=session, actor=fran, question_id=question.id, cdf=cdf.tolist())
    on_trend = boundary(
        world, lea, question, event={"kind": "at_least", "value": 45}, threshold=0.2, method="trend"
    )
    on_crowd = boundary(
        world, lea, question, event={"kind": "at_least", "value": 45}, threshold=0.2
    )
    with world.app.app_context(), session_scope() as session:
        rows = {r["id"]: r for r in threshold_report.report(session=session, viewer=lea)}
        trend_cdf = np.asarray(trend_of(session, question)["cdf"])  # type: ignore[index]
    expected = 1.0 - float(cdf_at(trend_cdf, scale, 45.0))
    trend_row, crowd_row = rows[on_trend], rows[on_crowd]
    assert trend_row["probability"] == pytest.approx(expected) and expected < 0.01
    assert not trend_row["crossed"] and trend_row["forecaster_count"] == 0
    # the line says no while the six crowd methods say yes: contested, 6 of 7 crossing
    assert trend_row["verdict"] == "contested"
    assert (trend_row["methods_crossed"], trend_row["methods_known"]) == (6, 7)
    # the crowd's uniform CDF: P(X >= 45) = 1 - 0.999 * 0.45
    assert crowd_row["probability"] == pytest.approx(1 - 0.999 * 0.45, abs=1e-6)
    assert crowd_row["by_method"]["trend"] == pytest.approx(expected)
    # the reference line is shown beside the crowd's methods; it does not vote in the verdict
    assert crowd_row["methods_crossed"] == crowd_row["methods_known"] == 6
    assert crowd_row["verdict"] == "crossed"
    assert set(crowd_row["by_method"]) >= {"trend", "best_at_threshold", "recency_weighted"}


def test_the_trend_is_refused_on_a_binary_question(world: World) -> None:
    from forecast.errors import ValidationFailed

    lea = world.user("lea", Role.LEADER)
    question = world.question()
    with pytest.raises(ValidationFailed) as refused:
        boundary(world, lea, question, event={"kind": "yes"}, threshold=0.5, method="trend")
    assert refused.value.field == "method"


def test_best_at_threshold_at_a_past_instant_reads_only_what_was_resolved_then(
    world: World,
) -> None:
    good, bad = world.user("good"), world.user("bad")
    now = utcnow()
    resolved_at = now - timedelta(days=5)
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
                now=resolved_at,
            )
    lea = world.user("lea", Role.LEADER)
    question = world.question(opens=timedelta(days=-10))
    with world.app.app_context(), session_scope() as session:
        for user, p in ((good, 0.8), (bad, 0.1)):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=p,
                now=now - timedelta(days=7),
            )
    boundary(world, lea, question, event={"kind": "yes"}, threshold=0.3)
    before = now - timedelta(days=6)
    with world.app.app_context(), session_scope() as session:
        assert skills(session, 0.3, before=before.timestamp()) == []
        assert len(skills(session, 0.3)) == 2
        then = threshold_report.report(session=session, viewer=lea, at=before)[0]
        today = threshold_report.report(session=session, viewer=lea)[0]
    assert then["best_at_threshold"] is None and then["by_method"]["best_at_threshold"] is None
    assert today["best_at_threshold"]["probability"] == pytest.approx(0.8)
    assert today["by_method"]["best_at_threshold"] == pytest.approx(0.8)
