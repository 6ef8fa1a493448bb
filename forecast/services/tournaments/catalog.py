"""Tournaments: creating, finding, listing."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.db import write
from forecast.models import Role, Tournament, User
from forecast.services.accounts.permissions import require_role

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def find_tournament(session: Session, slug: str) -> Tournament:
    """Return the tournament with that slug or raise NotFound."""
    tournament = session.exec(select(Tournament).where(col(Tournament.slug) == slug)).first()
    if tournament is None:
        raise NotFound(f"no tournament {slug!r}", "tournament")
    return tournament


def list_tournaments(*, session: Session) -> list[Tournament]:
    """Return every tournament, by title."""
    return list(session.exec(select(Tournament).order_by(col(Tournament.title))))


def create_tournament(
    *, session: Session, actor: User | None, slug: str, title: str, description: str = ""
) -> Tournament:
    """Create a tournament (organizers only)."""
    require_role(actor, Role.ORGANIZER)
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug):
        raise ValidationFailed("slug must be 1-80 lowercase letters, digits or '-'", "slug")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed("title must have 1-200 characters", "title")
    with write(session):
        if (
            session.exec(select(col(Tournament.id)).where(col(Tournament.slug) == slug)).first()
            is not None
        ):
            raise Conflict(f"a tournament {slug!r} exists", "slug")
        tournament = Tournament(slug=slug, title=title, description=(description or "").strip())
        session.add(tournament)
    return tournament
