"""The community prediction shown in lists: the question page's value, hidden by the same rules."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from flask import Flask

from forecast.core.distributions import quantile_of
from forecast.infra.clock import to_epoch, utcnow
from forecast.infra.db import session_scope
from forecast.models import Question, Role
from forecast.services.aggregation.now import community_json, community_now
from forecast.services.aggregation.values import current_value
from forecast.services.aggregation.visibility import hidden_among, hidden_reason
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.forecasts import submit_forecast, withdraw_forecast
from forecast.services.questions.input import question_scale
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _reload(session, question: Question) -> Question:  # type: ignore[no-untyped-def]
    found = session.get(Question, question.id)
    assert found is not None
    return found


def test_a_binary_list_value_is_the_question_pages_value(world: World) -> None:
    question = world.question()
    users = [world.user(name) for name in ("ann", "ben", "cat", "dan")]
    with world.app.app_context(), session_scope() as session:
        for user, p in zip(users, (0.2, 0.35, 0.6, 0.9), strict=True):
            submit_forecast(session=session, actor=user, question_id=question.id, probability=p)
        # An update replaces ann's forecast; a withdrawal takes dan's out of the count.
        submit_forecast(session=session, actor=users[0], question_id=question.id, probability=0.3)
        withdraw_forecast(session=session, actor=users[3], question_id=question.id)
        fresh = _reload(session, question)
        listed = community_now(session=session, questions=[fresh], viewer=None)[question.id]
        page = current_value(session, fresh)
        assert listed.forecaster_count == page.forecaster_count == 3
        assert listed.probability == pytest.approx(page.probability, abs=1e-12)
        assert listed.quartiles is None and listed.median is None


@pytest.mark.parametrize("qtype", ["numeric", "date"])
def test_a_continuous_list_value_holds_the_quartiles_of_the_question_pages_cdf(
    world: World, qtype: str
) -> None:
    question = world.question(qtype)
    fresh_start = "2031-01-01T00:00:00Z"
    quantiles = {
        "numeric": [[[0.05, 10], [0.5, 30], [0.95, 60]], [[0.05, 20], [0.5, 50], [0.95, 80]]],
        "date": [
            [[0.05, "2028-01-01T00:00:00Z"], [0.5, fresh_start], [0.95, "2036-01-01T00:00:00Z"]],
            [
                [0.05, "2029-06-01T00:00:00Z"],
                [0.5, "2033-01-01T00:00:00Z"],
                [0.95, "2040-01-01T00:00:00Z"],
            ],
        ],
    }[qtype]
    with world.app.app_context(), session_scope() as session:
        for name, pairs in zip(("ann", "ben"), quantiles, strict=True):
            submit_forecast(
                session=session, actor=world.user(name), question_id=question.id, quantiles=pairs
            )
        fresh = _reload(session, question)
        listed = community_now(session=session, questions=[fresh], viewer=None)[question.id]
        page = current_value(session, fresh)
        assert page.cdf is not None and listed.quartiles is not None
        scale = question_scale(fresh)
        expected = [quantile_of(page.cdf, scale, q) for q in (0.25, 0.5, 0.75)]
        np.testing.assert_allclose(listed.quartiles, expected, rtol=1e-12, atol=1e-6)
        assert listed.quartiles[0] < listed.median < listed.quartiles[2]  # type: ignore[operator]
        rendered = community_json(listed, fresh)
        assert rendered is not None and rendered["forecaster_count"] == 2
        if qtype == "date":
            assert isinstance(rendered["median"], str) and rendered["median"].endswith("Z")
        else:
            assert rendered["median"] == pytest.approx(expected[1])
        assert len(rendered["quartiles"]) == 2


def test_questions_without_forecasts_list_an_empty_value_and_a_closed_one_its_last(
    world: World,
) -> None:
    empty = world.question()
    closing = world.question(closes=timedelta(seconds=2))
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=closing.id, probability=0.7)
        questions = [_reload(session, empty), _reload(session, closing)]
        later = utcnow() + timedelta(days=3)
        listed = community_now(session=session, questions=questions, viewer=None, now=later)
        assert listed[empty.id].forecaster_count == 0 and listed[empty.id].probability is None
        assert listed[closing.id].forecaster_count == 1
        assert listed[closing.id].probability == pytest.approx(0.7)
        assert community_json(listed[empty.id], questions[0]) == {
            "method": "recency_weighted",
            "forecaster_count": 0,
            "probability": None,
        }
        assert community_now(session=session, questions=[], viewer=None) == {}


def test_lists_hide_the_value_by_the_question_pages_rules(world: World) -> None:
    plain = world.question()
    until_forecast = world.question(hide_aggregate_until_forecast=True)
    revealed_later = world.question(aggregate_reveal_time="2099-01-01T00:00:00Z")
    blind = world.question()
    ann, lea = world.user("ann"), world.user("lea", Role.LEADER)
    admin = world.user("root", Role.ADMIN)
    with world.app.app_context(), session_scope() as session:
        for q in (plain, until_forecast, revealed_later, blind):
            submit_forecast(session=session, actor=ann, question_id=q.id, probability=0.4)
        boundary_service.create_boundary(
            session=session,
            actor=lea,
            data={
                "question": blind.id,
                "action": "Brief the board",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.1,
                "blind": True,
            },
        )
        questions = [_reload(session, q) for q in (plain, until_forecast, revealed_later, blind)]
        viewers = [None, ann, lea, admin, world.organizer, world.user("ben")]
        for viewer in viewers:
            expected = {q.id for q in questions if hidden_reason(session, q, viewer) is not None}
            assert hidden_among(session, questions, viewer) == expected
            listed = community_now(session=session, questions=questions, viewer=viewer)
            assert set(listed) == {q.id for q in questions} - expected
        # The cases themselves, so the comparison above is not vacuous.
        assert hidden_among(session, questions, None) == {until_forecast.id, revealed_later.id}
        assert hidden_among(session, questions, ann) == {revealed_later.id}
        assert hidden_among(session, questions, lea) == {
            until_forecast.id,
            revealed_later.id,
            blind.id,
        }
        assert hidden_among(session, questions, world.organizer) == set()
        # Past its reveal time the value shows to everybody.
        after = revealed_later.aggregate_reveal_time + timedelta(seconds=1)  # type: ignore[operator]
        assert revealed_later.id not in hidden_among(session, questions, None, now=after)
        assert to_epoch(after) > to_epoch(utcnow())
