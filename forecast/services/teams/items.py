"""A new tournament's or question's team, and who in a team runs its items."""

from __future__ import annotations

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.errors import ValidationFailed
from forecast.models import Role, TeamMember, Tournament, User
from forecast.services.accounts.permissions import TEAM_ORGANIZING_ROLES
from forecast.services.teams.membership import team_for_item

TEAM_TOURNAMENT_RULE = (
    "a team's question belongs to one of the team's tournaments (or none), "
    "and a team's tournament holds only the team's questions"
)


def item_team(
    session: Session, actor: User | None, slug: object, tournament: Tournament | None
) -> int | None:
    """Return the team id a new question gets: the one named (actor must be in it) or its
    tournament's; refuse a team question in another tournament."""
    if slug is not None and not isinstance(slug, str):
        raise ValidationFailed("team must be a team's slug", "team")
    team = team_for_item(session, actor, slug or None)
    team_id = team.id if team is not None else None
    if tournament is None:
        return team_id
    if team is None:
        return tournament.team_id
    if tournament.team_id != team_id:
        raise ValidationFailed(TEAM_TOURNAMENT_RULE, "tournament")
    return team_id


def team_organizer_ids(session: Session, team_id: int) -> list[int]:
    """Return the ids of the team's members who may review its proposals (site organizers with
    the team's organizer or owner role)."""
    rows = session.execute(
        sa_select(User)
        .join(TeamMember, col(TeamMember.user_id) == col(User.id))
        .where(
            col(TeamMember.team_id) == team_id,
            col(TeamMember.role).in_(TEAM_ORGANIZING_ROLES),
        )
    ).scalars()
    return [u.id for u in rows if u.id is not None and u.has_role(Role.ORGANIZER)]
