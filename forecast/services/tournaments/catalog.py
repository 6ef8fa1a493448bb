"""Tournaments: creating, finding, listing."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.db import write
from forecast.models import Role, Tournament, User
from forecast.services.accounts.permissions import require_organizer_for, require_role
from forecast.services.teams.membership import team_for_item
from forecast.services.teams.visibility import team_condition

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def find_tournament(session: Session, slug: str, viewer: User | None = None) -> Tournament:
    """Return the tournament with that slug if viewer may see it, or raise NotFound.

    A team's tournament only its members find (without a viewer: nobody).
    """
    tournament = session.exec(
        select(Tournament).where(
            col(Tournament.slug) == slug, team_condition(Tournament.team_id, viewer)
        )
    ).first()
    if tournament is None:
        raise NotFound(f"no tournament {slug!r}", "tournament")
    return tournament


def list_tournaments(*, session: Session, viewer: User | None = None) -> list[Tournament]:
    """Return every tournament viewer may see, by title."""
    return list(
        session.exec(
            select(Tournament)
            .where(team_condition(Tournament.team_id, viewer))
            .order_by(col(Tournament.title))
        )
    )


def create_tournament(
    *,
    session: Session,
    actor: User | None,
    slug: str,
    title: str,
    description: str = "",
    team: str | None = None,
) -> Tournament:
    """Create a tournament (organizers only); a team's private one (its organizers only)."""
    require_role(actor, Role.ORGANIZER)
    owning = team_for_item(session, actor, team)
    require_organizer_for(session, actor, owning.id if owning else None)
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
        tournament = Tournament(
            slug=slug,
            title=title,
            description=(description or "").strip(),
            team_id=owning.id if owning else None,
        )
        session.add(tournament)
    return tournament
