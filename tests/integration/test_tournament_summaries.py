"""The tournament list's summary: public questions by status now, forecasters, the next close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope
from forecast.services.forecasts import submit_forecast, withdraw_forecast
from forecast.services.questions.lifecycle import create_question
from forecast.services.tournaments.summaries import tournament_summaries
from tests.integration.factories import World, question_data


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def test_counts_public_questions_by_their_status_now_and_standing_forecasters(
    world: World,
) -> None:
    soon = world.question(closes=timedelta(days=3))
    later = world.question(closes=timedelta(days=20))
    world.question(opens=timedelta(days=2), closes=timedelta(days=9))  # upcoming
    ann, ben, cat = world.user("ann"), world.user("ben"), world.user("cat")
    with world.app.app_context(), session_scope() as session:
        # A proposal waits for review: nobody but its author and organizers sees it.
        create_question(session=session, actor=cat, data=question_data())
        for user in (ann, ben):
            submit_forecast(session=session, actor=user, question_id=soon.id, probability=0.3)
        submit_forecast(session=session, actor=ann, question_id=later.id, probability=0.6)
        submit_forecast(session=session, actor=cat, question_id=later.id, probability=0.6)
        withdraw_forecast(session=session, actor=cat, question_id=later.id)
        summary = tournament_summaries(session)[world.tournament.id]
        assert dict(summary.questions) == {"open": 2, "upcoming": 1}
        assert summary.total == 3
        assert summary.forecasters == 2  # ann and ben; cat withdrew
        assert summary.next_close == soon.close_time
        # One tournament's page asks for its own summary only.
        only = tournament_summaries(session, tournament_id=world.tournament.id)
        assert list(only) == [world.tournament.id] and only[world.tournament.id] == summary
        assert tournament_summaries(session, tournament_id=world.tournament.id + 1000) == {}
        # Four days on, the first has closed and the upcoming one has opened.
        ahead = tournament_summaries(session, now=utcnow() + timedelta(days=4))
        moved = ahead[world.tournament.id]
        assert dict(moved.questions) == {"open": 2, "closed": 1}
        assert moved.next_close is not None and moved.next_close > soon.close_time


def test_a_tournament_without_questions_has_no_entry(world: World) -> None:
    with world.app.app_context(), session_scope() as session:
        assert tournament_summaries(session) == {}
