"""Following: large moves of the visible community prediction, and the resolution."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import col, select

from forecast.infra.db import session_scope
from forecast.models import Notification, User
from forecast.services.discussion.follows import check_moves, follow
from forecast.services.forecasts import submit_forecast
from forecast.services.resolution.resolve import resolve
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def told(world: World, user: User, kind: str) -> list[str]:
    with world.app.app_context(), session_scope() as s:
        return list(
            s.exec(
                select(Notification.message)
                .where(col(Notification.user_id) == user.id, col(Notification.kind) == kind)
                .order_by(col(Notification.id))
            ).all()
        )


def test_a_move_past_the_followers_threshold_is_told_once(world: World) -> None:
    q = world.question(opens=timedelta(days=-5))
    ann, fan, calm = world.user("ann"), world.user("fan"), world.user("calm")
    t = q.open_time
    with world.app.app_context(), session_scope() as s:
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.3, now=t)
        follow(session=s, actor=fan, question_id=q.id, threshold=10)
        follow(session=s, actor=calm, question_id=q.id, threshold=50)
        # First look: the baseline (30%) is set, nobody is told.
        assert check_moves(session=s) == 0
        assert check_moves(session=s) == 0  # nothing new: the follows are skipped
        # One forecaster: the community prediction is that forecast; 30% -> 38% is under 10.
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.38)
        assert check_moves(session=s) == 0
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.45)
        assert check_moves(session=s) == 1
        assert check_moves(session=s) == 0
    said = "The community prediction on “A binary question?” moved from 30.0% to 45.0%"
    assert told(world, fan, "community_move") == [said]
    assert told(world, calm, "community_move") == []


def test_a_follower_the_prediction_is_hidden_from_is_told_nothing(world: World) -> None:
    q = world.question(opens=timedelta(days=-5), hide_aggregate_until_forecast=True)
    ann, fan = world.user("ann"), world.user("fan")
    with world.app.app_context(), session_scope() as s:
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.2)
        follow(session=s, actor=fan, question_id=q.id, threshold=5)
        check_moves(session=s)
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.9)
        assert check_moves(session=s) == 0
        # Once fan forecasts the prediction shows: the first look sets the baseline only.
        submit_forecast(session=s, actor=fan, question_id=q.id, probability=0.5)
        assert check_moves(session=s) == 0
    assert told(world, fan, "community_move") == []


def test_followers_who_did_not_forecast_hear_of_the_resolution(world: World) -> None:
    q = world.question(opens=timedelta(days=-5))
    ann, fan = world.user("ann"), world.user("fan")
    with world.app.app_context(), session_scope() as s:
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.2)
        follow(session=s, actor=fan, question_id=q.id)
        follow(session=s, actor=ann, question_id=q.id)
        resolve(session=s, actor=world.organizer, question_id=q.id, data={"outcome": "yes"})
    assert told(world, fan, "resolution") == [
        "A question you follow resolved: “A binary question?”"
    ]
    assert told(world, ann, "resolution") == []  # told as a forecaster instead
    assert len(told(world, ann, "question_resolved")) == 1
