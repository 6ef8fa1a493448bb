"""Builders for integration tests: questions in any state, created through the services."""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import session_scope
from forecast.models import Question, Role, Tournament, User
from forecast.services.accounts.users import create_user
from forecast.services.questions.lifecycle import create_question
from forecast.services.tournaments.catalog import create_tournament


def question_data(
    qtype: str = "binary",
    *,
    opens: timedelta = timedelta(days=-1),
    closes: timedelta = timedelta(days=30),
    tournament: str = "ai",
    **extra: Any,
) -> dict[str, Any]:
    """Return an interchange-shaped question relative to now."""
    now = utcnow()
    data: dict[str, Any] = {
        "type": qtype,
        "tournament": tournament,
        "title": f"A {qtype} question?",
        "description": "Context.",
        "resolution_criteria": "Resolves per the source.",
        "open_time": format_iso(now + opens),
        "close_time": format_iso(now + closes),
        "resolve_time": format_iso(now + closes + timedelta(days=10)),
    }
    if qtype == "numeric":
        data["range"] = {"min": 0, "max": 100, "open_lower": False, "open_upper": True}
    elif qtype == "date":
        data["range"] = {
            "min": "2026-01-01T00:00:00Z",
            "max": "2046-01-01T00:00:00Z",
            "open_lower": False,
            "open_upper": True,
        }
    data.update(extra)
    return data


class World:
    """An organizer, a tournament and helpers to add users and questions."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context(), session_scope() as session:
            self.organizer = create_user(
                session=session, username="org", password=None, role=Role.ORGANIZER
            )
            self.tournament: Tournament = create_tournament(
                session=session, actor=self.organizer, slug="ai", title="AI"
            )

    def user(self, name: str, role: Role = Role.FORECASTER) -> User:
        with self.app.app_context(), session_scope() as session:
            return create_user(session=session, username=name, password=None, role=role)

    def question(self, qtype: str = "binary", **kwargs: Any) -> Question:
        with self.app.app_context(), session_scope() as session:
            return create_question(
                session=session, actor=self.organizer, data=question_data(qtype, **kwargs)
            )


def at(seconds: float) -> datetime:
    """Return now plus seconds."""
    return utcnow() + timedelta(seconds=seconds)


def write_lock_is_free(path: Path) -> bool:
    """Tell whether nobody holds the SQLite writer lock file at path (taking it for a moment)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also releases the lock if it was taken
    return True
