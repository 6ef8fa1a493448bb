"""Submitting, updating and withdrawing forecasts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import func, select

from forecast.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import Forecast
from forecast.services.forecasts import submit_forecast, user_history, withdraw_forecast
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def submit(world: World, user, question, **kwargs):  # type: ignore[no-untyped-def]
    with world.app.app_context(), session_scope() as session:
        return submit_forecast(session=session, actor=user, question_id=question.id, **kwargs)


def history(world: World, user, question):  # type: ignore[no-untyped-def]
    with world.app.app_context(), session_scope() as session:
        return user_history(session=session, user_id=user.id, question_id=question.id)


def test_an_update_closes_the_previous_forecast_at_the_new_ones_start(world: World) -> None:
    alice, q = world.user("alice"), world.question()
    first = submit(world, alice, q, probability=0.3)
    second = submit(world, alice, q, probability=0.6, rationale="news")
    rows = history(world, alice, q)
    assert [r.probability for r in rows] == [0.3, 0.6]
    assert rows[0].end_time == second.start_time
    assert rows[1].end_time is None and rows[1].rationale == "news"
    assert rows[0].start_time == first.start_time


def test_the_submitted_probability_is_never_rewritten(world: World) -> None:
    alice, q = world.user("alice"), world.question()
    for p in (0.2, 0.4, 0.8):
        submit(world, alice, q, probability=p)
    assert [r.probability for r in history(world, alice, q)] == [0.2, 0.4, 0.8]


@pytest.mark.parametrize("bad", [1.5, 0.0, 1.0, 0.0005, 0.9995, -0.2])
def test_a_probability_outside_the_allowed_range_is_refused(world: World, bad: float) -> None:
    alice, q = world.user("alice"), world.question()
    with pytest.raises(ValidationFailed) as info:
        submit(world, alice, q, probability=bad)
    assert info.value.field == "probability"
    assert history(world, alice, q) == []


def test_a_forecast_on_a_closed_question_is_refused_and_nothing_changes(world: World) -> None:
    alice = world.user("alice")
    q = world.question(opens=timedelta(days=-10), closes=timedelta(days=5))
    submit(world, alice, q, probability=0.4)
    later = q.close_time + timedelta(hours=1)
    with pytest.raises(Conflict):
        submit(world, alice, q, probability=0.9, now=later)
    rows = history(world, alice, q)
    assert [(r.probability, r.end_time) for r in rows] == [(0.4, None)]


def test_a_forecast_at_the_exact_close_instant_is_refused(world: World) -> None:
    alice, q = world.user("alice"), world.question()
    with pytest.raises(Conflict):
        submit(world, alice, q, probability=0.5, now=q.close_time)
    submit(world, alice, q, probability=0.5, now=q.close_time - timedelta(microseconds=1))


def test_a_forecast_before_the_question_opens_is_refused(world: World) -> None:
    alice = world.user("alice")
    q = world.question(opens=timedelta(days=2), closes=timedelta(days=9))
    with pytest.raises(Conflict, match="not opened"):
        submit(world, alice, q, probability=0.5)


def test_a_binary_question_refuses_a_cdf_and_a_numeric_one_refuses_a_probability(
    world: World,
) -> None:
    alice = world.user("alice")
    binary, numeric = world.question(), world.question("numeric")
    with pytest.raises(ValidationFailed):
        submit(world, alice, binary, cdf=list(np.linspace(0, 1, 201)))
    with pytest.raises(ValidationFailed):
        submit(world, alice, numeric, probability=0.5)


def test_a_decreasing_cdf_is_refused(world: World) -> None:
    alice, q = world.user("alice"), world.question("numeric")
    cdf = np.linspace(0, 0.99, 201)
    cdf[100] = cdf[98]
    with pytest.raises(ValidationFailed) as info:
        submit(world, alice, q, cdf=cdf.tolist())
    assert info.value.field == "cdf"


def test_a_valid_cdf_is_stored_exactly(world: World) -> None:
    alice, q = world.user("alice"), world.question("numeric")  # closed lower, open upper
    cdf = np.linspace(0.0, 0.95, 201)
    submit(world, alice, q, cdf=cdf.tolist())
    stored = history(world, alice, q)[0].cdf
    assert stored is not None and np.array_equal(stored, cdf)


def test_quantiles_on_a_date_question_become_a_valid_cdf(world: World) -> None:
    alice, q = world.user("alice"), world.question("date")
    f = submit(
        world,
        alice,
        q,
        quantiles=[
            [0.05, "2028-01-01T00:00:00Z"],
            [0.5, "2032-06-01T00:00:00Z"],
            [0.95, "2040-01-01T00:00:00Z"],
        ],
    )
    assert f.cdf is not None and f.cdf.shape == (201,)
    assert f.cdf[0] == 0.0 and f.cdf[-1] <= 0.999
    assert np.all(np.diff(f.cdf) > 0)


def test_withdrawing_ends_the_standing_forecast_without_a_new_row(world: World) -> None:
    alice, q = world.user("alice"), world.question()
    submit(world, alice, q, probability=0.3)
    with world.app.app_context(), session_scope() as session:
        withdraw_forecast(session=session, actor=alice, question_id=q.id)
    rows = history(world, alice, q)
    assert len(rows) == 1 and rows[0].end_time is not None
    with world.app.app_context(), session_scope() as session, pytest.raises(NotFound):
        withdraw_forecast(session=session, actor=alice, question_id=q.id)


def test_anonymous_callers_cannot_forecast(world: World) -> None:
    q = world.question()
    with world.app.app_context(), session_scope() as session, pytest.raises(NotAuthenticated):
        submit_forecast(session=session, actor=None, question_id=q.id, probability=0.5)


def test_the_database_refuses_two_standing_forecasts_for_one_user(world: World) -> None:
    from sqlalchemy.exc import IntegrityError

    alice, q = world.user("alice"), world.question()
    first = submit(world, alice, q, probability=0.3)
    with world.app.app_context(), session_scope() as session:
        session.add(
            Forecast(
                question_id=q.id,
                user_id=alice.id,  # type: ignore[arg-type]
                start_time=first.start_time + timedelta(seconds=1),
                probability=0.5,
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
    with world.app.app_context(), session_scope() as session:
        count = session.execute(select(func.count()).select_from(Forecast)).scalar_one()
    assert count == 1
