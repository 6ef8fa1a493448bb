"""Every notification names its subject: the question (and the boundary) its link opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import Session, select

from forecast.infra.db import session_scope
from forecast.models import Boundary, BoundaryVersion, Notification, Question, Role
from forecast.services.boundaries import alerts
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.forecasts import submit_forecast
from forecast.services.questions.lifecycle import create_question, review_question
from forecast.services.reminders import remind
from forecast.services.resolution.resolve import resolve
from tests.integration.factories import World, question_data


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _produce_every_kind(world: World) -> None:
    """Review three proposals, resolve a question, remind of an overdue one, cross a boundary."""
    alice, ann, lea = world.user("alice"), world.user("ann"), world.user("lea", Role.LEADER)
    resolved = world.question(title="Will the resolved question name itself?")
    world.question(
        title="Will the overdue question name itself?",
        opens=timedelta(days=-40),
        closes=timedelta(days=-30),
    )
    watched = world.question(title="Will the watched question name itself?")
    with world.app.app_context(), session_scope() as session:
        for decision in ("approve", "return", "reject"):
            proposal = create_question(
                session=session,
                actor=alice,
                data=question_data(tournament=None, title=f"Will the {decision} proposal say so?"),
            )
            review_question(
                session=session,
                actor=world.organizer,
                question_id=proposal.id,  # type: ignore[arg-type]
                decision=decision,
                comment="Out of scope",
                tournament="ai",
            )
        for question in (resolved, watched):
            submit_forecast(session=session, actor=ann, question_id=question.id, probability=0.6)
        resolve(
            session=session,
            actor=world.organizer,
            question_id=resolved.id,  # type: ignore[arg-type]
            data={"outcome": "yes"},
        )
        remind(session=session)
        boundary = boundary_service.create_boundary(
            session=session,
            actor=lea,
            data={
                "question": watched.id,
                "action": "Hire a red team",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.3,
            },
        )
        boundary_service.commit_boundary(session=session, actor=lea, boundary_id=boundary.id)  # type: ignore[arg-type]
        alerts.run(session=session)


def _subject_names(session: Session, link: str) -> list[str]:
    """Return what a notification linking to link must name."""
    kind, number = link.strip("/").split("/")
    if kind == "questions":
        question = session.get(Question, int(number))
        assert question is not None
        return [question.title]
    boundary = session.get(Boundary, int(number))
    assert boundary is not None and kind == "boundaries"
    version = session.exec(
        select(BoundaryVersion).where(BoundaryVersion.boundary_id == boundary.id)
    ).first()
    question = session.get(Question, boundary.question_id)
    assert version is not None and question is not None
    return [version.action, question.title]


def test_every_notification_names_the_subject_its_link_opens(world: World) -> None:
    _produce_every_kind(world)
    with world.app.app_context(), session_scope() as session:
        notes = session.exec(select(Notification)).all()
        kinds = {n.kind for n in notes}
        assert kinds >= {
            "question_proposed",
            "question_approve",
            "question_return",
            "question_reject",
            "question_resolved",
            "resolution_overdue",
            "boundary_crossed",
        }
        for note in notes:
            assert note.link, note.kind
            for name in _subject_names(session, note.link):
                assert f"“{name}”" in note.message, (note.kind, note.message)
        rejected = next(n for n in notes if n.kind == "question_reject")
        assert rejected.message == (
            "Your question “Will the reject proposal say so?” was rejected: Out of scope"
        )
