"""Proposing, reviewing and scheduling questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope
from forecast.models import Notification, QuestionStatus, Role
from forecast.services.forecasts import submit_forecast
from forecast.services.questions import lifecycle as qs
from forecast.services.questions.lists import list_questions
from tests.integration.factories import World, question_data


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def test_an_organizers_question_is_scheduled_by_its_times(world: World) -> None:
    assert world.question().status == QuestionStatus.OPEN.value
    upcoming = world.question(opens=timedelta(days=3), closes=timedelta(days=9))
    assert upcoming.status == QuestionStatus.UPCOMING.value


def test_a_forecasters_question_waits_for_review_and_takes_no_forecasts(world: World) -> None:
    alice = world.user("alice")
    with world.app.app_context(), session_scope() as session:
        q = qs.create_question(session=session, actor=alice, data=question_data(tournament=None))  # type: ignore[arg-type]
        assert q.status == QuestionStatus.PENDING.value and q.proposer_id == alice.id
        with pytest.raises(Conflict):
            submit_forecast(session=session, actor=alice, question_id=q.id, probability=0.5)
        organizer_notes = session.exec(
            select(Notification).where(Notification.user_id == world.organizer.id)
        ).all()
        assert any("proposed" in n.message for n in organizer_notes)


def test_approval_schedules_the_question_in_a_tournament_and_notifies_the_proposer(
    world: World,
) -> None:
    alice = world.user("alice")
    with world.app.app_context(), session_scope() as session:
        q = qs.create_question(session=session, actor=alice, data=question_data(tournament=None))  # type: ignore[arg-type]
        q = qs.review_question(
            session=session,
            actor=world.organizer,
            question_id=q.id,
            decision="approve",
            tournament="ai",
            changes={"title": "A clearer title?"},
        )
        assert q.status == QuestionStatus.OPEN.value
        assert q.title == "A clearer title?" and q.tournament_id == world.tournament.id
        notes = session.exec(select(Notification).where(Notification.user_id == alice.id)).all()
        assert [n.kind for n in notes] == ["question_approve"]


def test_returning_needs_a_comment_and_the_proposer_can_resubmit(world: World) -> None:
    alice = world.user("alice")
    with world.app.app_context(), session_scope() as session:
        q = qs.create_question(session=session, actor=alice, data=question_data(tournament=None))  # type: ignore[arg-type]
        with pytest.raises(ValidationFailed):
            qs.review_question(
                session=session, actor=world.organizer, question_id=q.id, decision="return"
            )
        q = qs.review_question(
            session=session,
            actor=world.organizer,
            question_id=q.id,
            decision="return",
            comment="Say which source counts.",
        )
        assert q.status == QuestionStatus.RETURNED.value
        q = qs.resubmit_question(
            session=session,
            actor=alice,
            question_id=q.id,
            data={"resolution_criteria": "Per Epoch AI's database."},
        )
        assert q.status == QuestionStatus.PENDING.value
        assert q.resolution_criteria == "Per Epoch AI's database."


def test_only_organizers_review(world: World) -> None:
    alice, bob = world.user("alice"), world.user("bob")
    with world.app.app_context(), session_scope() as session:
        q = qs.create_question(session=session, actor=alice, data=question_data(tournament=None))  # type: ignore[arg-type]
        with pytest.raises(Forbidden):
            qs.review_question(
                session=session, actor=bob, question_id=q.id, decision="approve", tournament="ai"
            )


def test_a_rejected_proposal_stays_private_to_its_proposer_and_organizers(world: World) -> None:
    alice, bob = world.user("alice"), world.user("bob")
    with world.app.app_context(), session_scope() as session:
        q = qs.create_question(session=session, actor=alice, data=question_data(tournament=None))  # type: ignore[arg-type]
        qs.review_question(
            session=session,
            actor=world.organizer,
            question_id=q.id,
            decision="reject",
            comment="Out of scope.",
        )
        assert qs.get_question(session=session, viewer=alice, question_id=q.id).status == "rejected"
        with pytest.raises(NotFound):
            qs.get_question(session=session, viewer=bob, question_id=q.id)
        with pytest.raises(NotFound):
            qs.get_question(session=session, viewer=None, question_id=q.id)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"close_time": "2020-01-01T00:00:00Z"}, "close_time"),
        ({"type": "ternary"}, "type"),
        ({"title": ""}, "title"),
        ({"resolution_criteria": "   "}, "resolution_criteria"),
        ({"open_time": "yesterday"}, "open_time"),
    ],
)
def test_bad_question_fields_are_named(world: World, change: dict, field: str) -> None:  # type: ignore[type-arg]
    with (
        world.app.app_context(),
        session_scope() as session,
        pytest.raises(ValidationFailed) as info,
    ):
        qs.create_question(session=session, actor=world.organizer, data=question_data(**change))
    assert info.value.field == field


def test_a_log_scale_needs_its_zero_point_outside_the_range(world: World) -> None:
    data = question_data(
        "numeric",
        range={"min": 1, "max": 1000, "open_lower": False, "open_upper": False, "zero_point": 10},
    )
    with world.app.app_context(), session_scope() as session, pytest.raises(ValidationFailed):
        qs.create_question(session=session, actor=world.organizer, data=data)


def test_the_schedule_job_opens_and_closes_questions_and_is_idempotent(world: World) -> None:
    soon = world.question(opens=timedelta(minutes=5), closes=timedelta(days=2))
    ending = world.question(opens=timedelta(days=-2), closes=timedelta(minutes=10))
    later = utcnow() + timedelta(minutes=30)
    with world.app.app_context(), session_scope() as session:
        assert qs.advance_schedule(session=session, now=later) == {"opened": 1, "closed": 1}
        assert qs.advance_schedule(session=session, now=later) == {"opened": 0, "closed": 0}
        assert qs.get_question(session=session, viewer=None, question_id=soon.id).status == "open"
        assert (
            qs.get_question(session=session, viewer=None, question_id=ending.id).status == "closed"
        )


def test_listing_filters_by_status_and_tournament_and_paginates(world: World) -> None:
    for _ in range(3):
        world.question()
    world.question(opens=timedelta(days=3), closes=timedelta(days=9))
    with world.app.app_context(), session_scope() as session:
        page = list_questions(session=session, viewer=None, status="open", per_page=2)
        assert page.total == 3 and len(page.items) == 2
        page2 = list_questions(session=session, viewer=None, status="open", per_page=2, page=2)
        assert len(page2.items) == 1
        assert list_questions(session=session, viewer=None, status="upcoming").total == 1
        assert list_questions(session=session, viewer=None, tournament="ai").total == 4
        with pytest.raises(NotFound):
            list_questions(session=session, viewer=None, tournament="nope")


def test_organizer_role_is_required_to_create_a_tournament(world: World) -> None:
    from forecast.services.tournaments.catalog import create_tournament

    alice = world.user("alice", Role.LEADER)
    with world.app.app_context(), session_scope() as session, pytest.raises(Forbidden):
        create_tournament(session=session, actor=alice, slug="x", title="X")
