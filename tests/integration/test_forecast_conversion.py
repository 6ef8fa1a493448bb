"""Continuous values are converted before the write lock is taken, and never from stale facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import col

from forecast.core.distributions import cdf_from_quantiles
from forecast.errors import NotFound, ValidationFailed
from forecast.infra.db import get_engine, session_scope
from forecast.models import Question
from forecast.services import forecasts as forecasts_module
from forecast.services.forecasts import submit_forecast, user_history
from forecast.services.kinds import continuous as continuous_kind
from forecast.services.questions.input import question_scale
from tests.integration.factories import World, write_lock_is_free

QUANTILES = [[0.05, 20.0], [0.25, 35.0], [0.5, 45.0], [0.75, 55.0], [0.95, 75.0]]


def submit(world: World, user: Any, question_id: int | None, **kwargs: Any) -> Any:
    assert question_id is not None
    with world.app.app_context(), session_scope() as session:
        return submit_forecast(session=session, actor=user, question_id=question_id, **kwargs)


def stored_cdfs(world: World, user: Any, question: Question) -> list[np.ndarray]:
    with world.app.app_context(), session_scope() as session:
        assert question.id is not None
        rows = user_history(session=session, user_id=user.id, question_id=question.id)
        return [r.cdf for r in rows if r.cdf is not None]


def test_quantiles_are_converted_while_other_writers_can_go_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World(app)
    alice, q = world.user("alice"), world.question("numeric")
    lock_file = Path(f"{get_engine(app).url.database}-writelock")
    free_during_conversion: list[bool] = []

    def converting(*args: Any, **kwargs: Any) -> np.ndarray:
        free_during_conversion.append(write_lock_is_free(lock_file))
        return cdf_from_quantiles(*args, **kwargs)

    monkeypatch.setattr(continuous_kind, "cdf_from_quantiles", converting)
    submit(world, alice, q.id, quantiles=QUANTILES)
    assert free_during_conversion == [True]
    assert len(stored_cdfs(world, alice, q)) == 1


def test_a_range_changed_before_the_write_is_converted_again(
    any_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World(any_app)
    alice, q = world.user("alice"), world.question("numeric")  # range 0 to 100
    convert_ahead = forecasts_module._convert_ahead

    def then_the_range_changes(*args: Any, **kwargs: Any) -> Any:
        converted = convert_ahead(*args, **kwargs)
        with any_app.app_context(), session_scope() as session:
            session.execute(update(Question).where(col(Question.id) == q.id).values(range_max=80.0))
            session.commit()
        return converted

    monkeypatch.setattr(forecasts_module, "_convert_ahead", then_the_range_changes)
    submit(world, alice, q.id, quantiles=QUANTILES)
    (stored,) = stored_cdfs(world, alice, q)
    with any_app.app_context(), session_scope() as session:
        current = session.get(Question, q.id)
        assert current is not None and current.range_max == 80.0
        expected = cdf_from_quantiles([tuple(p) for p in QUANTILES], question_scale(current))
    q.range_max = 100.0
    stale = cdf_from_quantiles([tuple(p) for p in QUANTILES], question_scale(q))
    assert np.array_equal(stored, expected)
    assert not np.allclose(stored, stale)


def test_quantiles_for_an_unknown_question_are_not_found(any_app: Flask) -> None:
    world = World(any_app)
    with pytest.raises(NotFound):
        submit(world, world.user("alice"), 999_999, quantiles=QUANTILES)


def test_a_probability_beside_quantiles_is_still_refused(any_app: Flask) -> None:
    world = World(any_app)
    alice, q = world.user("alice"), world.question("numeric")
    with pytest.raises(ValidationFailed) as info:
        submit(world, alice, q.id, probability=0.5, quantiles=QUANTILES)
    assert "exactly one" in info.value.message
    assert stored_cdfs(world, alice, q) == []
