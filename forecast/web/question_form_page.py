"""The question form page, as every way of filling it in shows it.

Proposing, creating, revising a returned proposal and an organizer's change of a scheduled
question all end the same way: the form again, with the tournaments the viewer may pick from
and the refusal if there was one (422 then, so a browser and a test both see the failure).
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlmodel import Session

from forecast.errors import DomainError
from forecast.models import User
from forecast.services.tournaments.catalog import list_tournaments


def render_question_form(
    session: Session,
    viewer: User | None,
    form: dict[str, Any],
    error: DomainError | None,
    **context: Any,
) -> tuple[str, int]:
    """Render questions/form.html with the viewer's tournaments; 422 when error is set."""
    tournaments = list_tournaments(session=session, viewer=viewer)
    page = render_template(
        "questions/form.html", form=form, error=error, tournaments=tournaments, **context
    )
    return page, 422 if error else 200
