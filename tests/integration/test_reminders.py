"""Overdue resolutions: listed oldest first, organizers reminded once a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope
from forecast.models import Notification
from forecast.services.reminders import overdue, remind
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def test_overdue_questions_are_listed_oldest_first_and_reminded_weekly(world: World) -> None:
    late = world.question(opens=timedelta(days=-40), closes=timedelta(days=-30))
    later = world.question(opens=timedelta(days=-40), closes=timedelta(days=-20))
    world.question()  # open, not overdue
    with world.app.app_context(), session_scope() as session:
        assert [q.id for q in overdue(session=session)] == [late.id, later.id]
        assert remind(session=session) == 2
        assert remind(session=session) == 0
        assert remind(session=session, now=utcnow() + timedelta(days=8)) == 2
        notes = session.exec(
            select(Notification).where(Notification.kind == "resolution_overdue")
        ).all()
        assert len(notes) == 4 and all(n.user_id == world.organizer.id for n in notes)
