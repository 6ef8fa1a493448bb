"""A stale cached aggregate is extended after new forecasts, and equals one built from scratch."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import insert

from forecast.infra.clock import from_epoch
from forecast.infra.db import session_scope
from forecast.models import Forecast, Question
from forecast.services.aggregation import arrays
from forecast.services.aggregation import values as aggregation
from forecast.services.aggregation.values import BAND_RESAMPLES
from forecast.services.forecasts import submit_forecast, withdraw_forecast
from tests.integration.factories import World

FIELDS = ("start", "end", "forecaster_count", "value", "lower", "upper")


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _question(session: Any, question_id: int) -> Question:
    found = session.get(Question, question_id)
    assert found is not None
    return found


def _spy_on_extend(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether each extension attempt succeeded."""
    outcomes: list[bool] = []
    real = arrays.extend

    def spying(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        outcomes.append(result is not None)
        return result

    monkeypatch.setattr(arrays, "extend", spying)
    return outcomes


@pytest.mark.parametrize("qtype", ["binary", "numeric"])
def test_new_forecasts_and_withdrawals_extend_the_cached_history(
    world: World, monkeypatch: pytest.MonkeyPatch, qtype: str
) -> None:
    q = world.question(qtype)
    users = [world.user(name) for name in ("ann", "ben", "cat", "dan")]
    t0 = q.open_time + timedelta(hours=1)
    outcomes = _spy_on_extend(monkeypatch)

    def forecast(session: Any, user: Any, minute: int, x: float) -> None:
        value: dict[str, Any] = (
            {"probability": x}
            if qtype == "binary"
            else {"quantiles": [[0.05, 10 * x], [0.5, 10 + 50 * x], [0.95, 70 + 20 * x]]}
        )
        submit_forecast(
            session=session,
            actor=user,
            question_id=q.id,
            now=t0 + timedelta(minutes=minute),
            **value,
        )

    with world.app.app_context(), session_scope() as session:
        for minute, (user, x) in enumerate(zip(users[:3], (0.2, 0.5, 0.8), strict=True)):
            forecast(session, user, minute, x)
        aggregation.cached_aggregate(
            session, _question(session, q.id), "recency_weighted", band=True
        )
    assert outcomes == []  # the first build has nothing to extend
    with world.app.app_context(), session_scope() as session:
        forecast(session, users[3], 10, 0.6)
        forecast(session, users[0], 11, 0.4)  # an update closes ann's first forecast
        withdraw_forecast(
            session=session, actor=users[1], question_id=q.id, now=t0 + timedelta(minutes=12)
        )
    with world.app.app_context(), session_scope() as session:
        question = _question(session, q.id)
        extended = aggregation.cached_aggregate(session, question, "recency_weighted", band=True)
        rebuilt = aggregation.build_cached(session, question, "recency_weighted", band=True)
    assert outcomes == [True]
    for name in FIELDS:
        np.testing.assert_allclose(
            getattr(extended.history, name), getattr(rebuilt.history, name), rtol=1e-12
        )
    assert list(extended.history.forecaster_count) == [1, 2, 3, 4, 4, 3]
    np.testing.assert_allclose(extended.interval_low, rebuilt.interval_low, rtol=1e-12)
    np.testing.assert_allclose(extended.interval_high, rebuilt.interval_high, rtol=1e-12)
    assert extended.latest == rebuilt.latest == 5
    if qtype == "binary":
        # The band keeps its earlier instants and adds the latest; each is the interval then.
        assert extended.band_done and extended.band_time[-1] == extended.history.start[-1]
        with world.app.app_context(), session_scope() as session:
            question = _question(session, q.id)
            for t, low, high in zip(
                extended.band_time, extended.band_low, extended.band_high, strict=True
            ):
                value = aggregation.value_at(
                    session,
                    question,
                    method="recency_weighted",
                    at=from_epoch(float(t)),
                    resamples=BAND_RESAMPLES,
                )
                assert value.interval is not None
                assert (low, high) == pytest.approx(value.interval, rel=1e-12)


def test_a_forecast_written_into_the_past_rebuilds_the_history(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    t0 = q.open_time + timedelta(hours=1)
    outcomes = _spy_on_extend(monkeypatch)
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=q.id, probability=0.3, now=t0)
        submit_forecast(
            session=session,
            actor=ann,
            question_id=q.id,
            probability=0.5,
            now=t0 + timedelta(minutes=10),
        )
        aggregation.cached_aggregate(session, _question(session, q.id), "mean")
    with world.app.app_context(), session_scope() as session:
        # As an import may: a closed forecast of ben's in the past, and the version bumped.
        session.execute(
            insert(Forecast).values(
                question_id=q.id,
                user_id=ben.id,
                start_time=t0 + timedelta(minutes=2),
                end_time=t0 + timedelta(minutes=5),
                probability=0.9,
            )
        )
        stored = _question(session, q.id)
        stored.forecasts_version += 1
        session.add(stored)
        session.commit()
    with world.app.app_context(), session_scope() as session:
        question = _question(session, q.id)
        cached = aggregation.cached_aggregate(session, question, "mean")
        assert list(cached.history.forecaster_count) == [1, 2, 1, 1]
        assert cached.history.value[1] == pytest.approx(0.6)
    assert outcomes == [False]
