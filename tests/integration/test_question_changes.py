"""Organizers edit and close scheduled questions; forecasts made keep their meaning."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from forecast.errors import Conflict, Forbidden, ValidationFailed
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import session_scope
from forecast.models import Question, QuestionEvent, QuestionStatus
from forecast.services.forecasts import submit_forecast
from forecast.services.questions.changes import close_early, edit_question
from forecast.services.resolution.resolve import resolve
from forecast.services.tournaments.catalog import create_tournament
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def events(session: Session, question_id: int) -> list[QuestionEvent]:
    return list(
        session.exec(
            select(QuestionEvent)
            .where(col(QuestionEvent.question_id) == question_id)
            .order_by(col(QuestionEvent.id))
        ).all()
    )


def forecast_on(world: World, question: Question) -> None:
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=question.id, probability=0.6)  # type: ignore[arg-type]


def test_closing_early_moves_the_close_to_now_stops_forecasts_and_is_recorded(
    world: World,
) -> None:
    question = world.question()
    scheduled = question.close_time
    now = utcnow()
    with world.app.app_context(), session_scope() as session:
        closed = close_early(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            reason="the lab announced it",
            now=now,
        )
        assert closed.status == QuestionStatus.CLOSED.value and closed.close_time == now
        last = events(session, question.id)[-1]  # type: ignore[arg-type]
        assert (last.action, last.comment, last.actor_id) == (
            "closed early",
            "the lab announced it",
            world.organizer.id,
        )
        assert json.loads(last.detail or "{}") == {
            "close_time": {"before": format_iso(scheduled), "after": format_iso(now)}
        }
        with pytest.raises(Conflict):
            submit_forecast(
                session=session,
                actor=world.organizer,
                question_id=question.id,  # type: ignore[arg-type]
                probability=0.5,
            )


def test_only_an_open_question_closes_early_and_only_organizers_close(world: World) -> None:
    upcoming = world.question(opens=timedelta(days=2), closes=timedelta(days=9))
    open_one = world.question()
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(Conflict):
            close_early(session=session, actor=world.organizer, question_id=upcoming.id)  # type: ignore[arg-type]
        with pytest.raises(Forbidden):
            close_early(session=session, actor=ann, question_id=open_one.id)  # type: ignore[arg-type]
        close_early(session=session, actor=world.organizer, question_id=open_one.id)  # type: ignore[arg-type]
        with pytest.raises(Conflict):
            close_early(session=session, actor=world.organizer, question_id=open_one.id)  # type: ignore[arg-type]


def test_before_any_forecast_everything_can_change(world: World) -> None:
    question = world.question()
    later = format_iso(utcnow() + timedelta(days=3))
    with world.app.app_context(), session_scope() as session:
        create_tournament(session=session, actor=world.organizer, slug="bio", title="Bio")
        changes = {
            "type": "numeric",
            "range": {"min": 0, "max": 10, "open_lower": False, "open_upper": True},
            "resolution_criteria": "Per the new source.",
            "tournament": "bio",
            "open_time": later,
        }
        edited, changed = edit_question(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            changes=changes,
        )
        assert changed == ["tournament", "type", "resolution_criteria", "open_time", "range"]
        assert edited.type == "numeric" and edited.range_max == 10.0
        assert edited.status == QuestionStatus.UPCOMING.value
        last = events(session, question.id)[-1]  # type: ignore[arg-type]
        assert last.action == "edited"
        assert last.comment == "tournament, type, resolution criteria, open time, range"
        assert json.loads(last.detail or "{}")["type"] == {"before": "binary", "after": "numeric"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "numeric", "range": {"min": 0, "max": 1}}, "type"),
        ({"resolution_criteria": "Something else."}, "resolution_criteria"),
        ({"open_time": "2020-01-01T00:00:00Z"}, "open_time"),
        ({"tournament": "bio"}, "tournament"),
    ],
)
def test_once_forecast_the_meaning_of_a_question_is_fixed(
    world: World, change: dict[str, object], field: str
) -> None:
    question = world.question()
    forecast_on(world, question)
    with world.app.app_context(), session_scope() as session:
        create_tournament(session=session, actor=world.organizer, slug="bio", title="Bio")
        with pytest.raises(Conflict) as refused:
            edit_question(
                session=session,
                actor=world.organizer,
                question_id=question.id,  # type: ignore[arg-type]
                changes={"title": "Reworded?", **change},
            )
        assert refused.value.field == field
        assert "can no longer change" in refused.value.message
        stored = session.get(Question, question.id)
        assert stored is not None and stored.title == question.title


def test_a_numeric_range_is_fixed_once_forecast(world: World) -> None:
    question = world.question("numeric")
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        submit_forecast(
            session=session,
            actor=ann,
            question_id=question.id,  # type: ignore[arg-type]
            quantiles=[[0.05, 10], [0.5, 40], [0.95, 90]],
        )
        with pytest.raises(Conflict) as refused:
            edit_question(
                session=session,
                actor=world.organizer,
                question_id=question.id,  # type: ignore[arg-type]
                changes={"range": {"min": 0, "max": 200, "open_upper": True}},
            )
        assert refused.value.field == "range"


def test_once_forecast_wording_and_a_later_close_may_change(world: World) -> None:
    question = world.question()
    forecast_on(world, question)
    later = question.close_time + timedelta(days=30)
    with world.app.app_context(), session_scope() as session:
        edited, changed = edit_question(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            changes={
                "title": "A binary question, reworded?",
                "description": "More context.",
                "close_time": format_iso(later),
                "resolve_time": format_iso(later + timedelta(days=5)),
            },
            reason="typo",
        )
        assert changed == ["title", "description", "close_time", "resolve_time"]
        assert edited.close_time == later and edited.title == "A binary question, reworded?"
        last = events(session, question.id)[-1]  # type: ignore[arg-type]
        assert last.comment == "title, background, close time, resolve-by time; typo"


def test_once_forecast_the_close_only_moves_later(world: World) -> None:
    question = world.question()
    forecast_on(world, question)
    sooner = question.close_time - timedelta(days=1)
    with world.app.app_context(), session_scope() as session, pytest.raises(Conflict) as refused:
        edit_question(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            changes={"close_time": format_iso(sooner)},
        )
    assert refused.value.field == "close_time" and "close it early" in refused.value.message


def test_a_close_time_in_the_past_is_refused_and_no_change_is_no_event(world: World) -> None:
    question = world.question()
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(ValidationFailed) as refused:
            edit_question(
                session=session,
                actor=world.organizer,
                question_id=question.id,  # type: ignore[arg-type]
                changes={"close_time": format_iso(utcnow() - timedelta(minutes=1))},
            )
        assert refused.value.field == "close_time"
        before = len(events(session, question.id))  # type: ignore[arg-type]
        _, changed = edit_question(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            changes={"title": question.title},
        )
        assert changed == [] and len(events(session, question.id)) == before  # type: ignore[arg-type]


def test_extending_the_close_of_a_question_closed_early_reopens_it(world: World) -> None:
    question = world.question()
    forecast_on(world, question)
    with world.app.app_context(), session_scope() as session:
        close_early(session=session, actor=world.organizer, question_id=question.id)  # type: ignore[arg-type]
        edited, _ = edit_question(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            changes={"close_time": format_iso(utcnow() + timedelta(days=2))},
        )
        assert edited.status == QuestionStatus.OPEN.value


def test_resolved_questions_and_strangers_cannot_edit(world: World) -> None:
    question = world.question()
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(Forbidden):
            edit_question(session=session, actor=ann, question_id=question.id, changes={})  # type: ignore[arg-type]
        with pytest.raises(ValidationFailed) as unknown:
            edit_question(
                session=session,
                actor=world.organizer,
                question_id=question.id,  # type: ignore[arg-type]
                changes={"key": "new-key"},
            )
        assert unknown.value.field == "key"
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            data={"outcome": "no"},
        )
        with pytest.raises(Conflict):
            edit_question(
                session=session,
                actor=world.organizer,
                question_id=question.id,  # type: ignore[arg-type]
                changes={"title": "Too late?"},
            )
