"""Quantile submissions keep the pairs as typed; a refused pair is named by its place."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Forecast, Question, User
from forecast.services.forecasts import QuantileFailed, submit_forecast, user_history
from tests.integration.factories import World

CLOSED = {"min": 0, "max": 100, "open_lower": False, "open_upper": False}


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _submit(world: World, user: User, question: Question, **value: Any) -> None:
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=user, question_id=question.id, **value)


def _rows(world: World, user: User, question: Question) -> list[Forecast]:
    with world.app.app_context(), session_scope() as session:
        return user_history(session=session, user_id=user.id, question_id=question.id)  # type: ignore[arg-type]


def test_quantiles_are_stored_as_typed_beside_the_cdf(world: World) -> None:
    ann = world.user("ann")
    numeric, date = world.question("numeric"), world.question("date")
    _submit(world, ann, numeric, quantiles=[[0.05, 4], [0.5, 30.5], [0.95, 90]])
    _submit(
        world,
        ann,
        date,
        quantiles=[[0.1, "2027-01-01"], [0.5, 1861920000], [0.9, "2040-06-30T12:00:00+02:00"]],
    )
    (row,) = _rows(world, ann, numeric)
    assert row.cdf is not None and json.loads(row.quantiles or "") == [
        [0.05, 4.0],
        [0.5, 30.5],
        [0.95, 90.0],
    ]
    (dated,) = _rows(world, ann, date)
    assert json.loads(dated.quantiles or "") == [
        [0.1, "2027-01-01T00:00:00Z"],
        [0.5, "2029-01-01T00:00:00Z"],
        [0.9, "2040-06-30T10:00:00Z"],
    ]


def test_a_probability_or_a_cdf_keeps_no_typed_quantiles(world: World) -> None:
    ann = world.user("ann")
    binary, numeric = world.question(), world.question("numeric")
    _submit(world, ann, binary, probability=0.4)
    cdf = _rows_cdf(world, ann, numeric)
    _submit(world, ann, numeric, cdf=cdf)
    assert [r.quantiles for r in _rows(world, ann, binary)] == [None]
    assert [r.quantiles is None for r in _rows(world, ann, numeric)] == [False, True]


def _rows_cdf(world: World, user: User, question: Question) -> list[float]:
    _submit(world, user, question, quantiles=[[0.05, 10], [0.5, 40], [0.95, 90]])
    (row,) = _rows(world, user, question)
    assert row.cdf is not None
    return [float(v) for v in row.cdf]


@pytest.mark.parametrize(
    ("pairs", "index", "message"),
    [
        ([[0.05, 4], [0.5, "x"], [0.95, 90]], 1, "must be a number"),
        ([[0.05, 4], [0.25, 50], [0.5, 30], [0.95, 90]], 2, "50 is followed by 30"),
        ([[0.05, -1], [0.5, 30], [0.95, 90]], 0, "below the closed lower bound"),
        ([[0.05, 4], [0.5, 30], [0.95, 101]], 2, "above the closed upper bound"),
        ([[0.05, 4], [0.5, 30], [0.95, float("inf")]], 2, "finite"),
        ([[0.05, 4], [0.5, 30], [0.5, 90]], 2, "probabilities must be strictly increasing"),
        ([[0.05, 4], [0.5, 30, 1], [0.95, 90]], 1, "[probability, value] pair"),
        ([[0.05, 4], [1.0, 30], [0.95, 90]], 1, "strictly between 0 and 1"),
    ],
)
def test_a_refused_pair_is_named_by_its_place(
    world: World, pairs: list[Any], index: int, message: str
) -> None:
    ann, question = world.user("ann"), world.question("numeric", range=CLOSED)
    with pytest.raises(QuantileFailed) as refused:
        _submit(world, ann, question, quantiles=pairs)
    assert refused.value.index == index and refused.value.field == "quantiles"
    assert message in refused.value.message
    assert _rows(world, ann, question) == []
