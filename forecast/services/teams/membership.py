"""Teams and their members: creating a team, finding it, adding, changing, removing, leaving."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.db import write
from forecast.models import Team, TeamMember, TeamRole, Tournament, User
from forecast.services.accounts.permissions import require_user, team_role
from forecast.services.accounts.users import get_user

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_NAME = 200
ROLES = tuple(r.value for r in TeamRole)
# Paths under /teams/ that are pages, not teams.
RESERVED_SLUGS = ("join", "new")


@dataclass(frozen=True)
class Membership:
    """One member as the team's page and API list them."""

    username: str
    role: str
    joined_at: datetime


def parse_team_role(role: str | None) -> str:
    """Return the team role named (member when none is given), or refuse an unknown one."""
    if role in (None, ""):
        return TeamRole.MEMBER.value
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", "role")
    return str(role)


def create_team(*, session: Session, actor: User | None, slug: str, name: str) -> Team:
    """Create a team; any user may, and becomes its owner."""
    actor = require_user(actor)
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug):
        raise ValidationFailed("slug must be 1-80 lowercase letters, digits or '-'", "slug")
    if slug in RESERVED_SLUGS:
        raise ValidationFailed(f"{slug!r} is reserved; choose another slug", "slug")
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationFailed(f"name must have 1-{MAX_NAME} characters", "name")
    with write(session):
        if session.exec(select(col(Team.id)).where(col(Team.slug) == slug)).first() is not None:
            raise Conflict(f"a team {slug!r} exists", "slug")
        team = Team(slug=slug, name=name)
        session.add(team)
        session.flush()
        session.add(TeamMember(team_id=team.id, user_id=actor.id, role=TeamRole.OWNER.value))  # type: ignore[arg-type]
    return team


def get_team(*, session: Session, viewer: User | None, slug: str) -> Team:
    """Return the team if viewer belongs to it; NotFound otherwise (its existence stays private)."""
    team = session.exec(select(Team).where(col(Team.slug) == slug)).first()
    if team is None or team.id is None or team_role(session, viewer, team.id) is None:
        raise NotFound(f"no team {slug!r}", "team")
    return team


def team_for_item(session: Session, actor: User | None, slug: str | None) -> Team | None:
    """Return the team a new tournament or question is to belong to: one the actor is in."""
    if not slug:
        return None
    return get_team(session=session, viewer=actor, slug=slug)


def my_teams(*, session: Session, viewer: User | None) -> list[tuple[Team, str]]:
    """Return the teams viewer belongs to with their role in each, by name."""
    if viewer is None:
        return []
    rows = session.execute(
        sa_select(Team, col(TeamMember.role))
        .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
        .where(col(TeamMember.user_id) == viewer.id)
        .order_by(func.lower(col(Team.name)), col(Team.slug))
    ).all()
    return [(team, role) for team, role in rows]


def members(*, session: Session, viewer: User | None, team: Team) -> list[Membership]:
    """Return the team's members, owners first then by name (members only)."""
    get_team(session=session, viewer=viewer, slug=team.slug)
    rows = session.execute(
        sa_select(col(User.username), col(TeamMember.role), col(TeamMember.joined_at))
        .join(User, col(User.id) == col(TeamMember.user_id))
        .where(col(TeamMember.team_id) == team.id)
    ).all()
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted(
        (Membership(u, r, j) for u, r, j in rows), key=lambda m: (order.get(m.role, 9), m.username)
    )


def team_tournaments(*, session: Session, viewer: User | None, team: Team) -> list[Tournament]:
    """Return the team's private tournaments, by title (members only)."""
    get_team(session=session, viewer=viewer, slug=team.slug)
    return list(
        session.exec(
            select(Tournament)
            .where(col(Tournament.team_id) == team.id)
            .order_by(col(Tournament.title))
        )
    )


def _require_owner(session: Session, actor: User | None, slug: str) -> tuple[User, Team]:
    actor = require_user(actor)
    team = get_team(session=session, viewer=actor, slug=slug)
    if team_role(session, actor, team.id) != TeamRole.OWNER.value:  # type: ignore[arg-type]
        raise Forbidden("only the team's owners may change its members")
    return actor, team


def _owners(session: Session, team_id: int) -> int:
    return int(
        session.execute(
            sa_select(func.count()).where(
                col(TeamMember.team_id) == team_id, col(TeamMember.role) == TeamRole.OWNER.value
            )
        ).scalar_one()
    )


def add_member(
    *, session: Session, actor: User | None, slug: str, username: str, role: str | None = None
) -> tuple[Membership, bool]:
    """Add a person to the team by name, or change a member's role (owners only).

    Returns the membership and whether it is new. The last owner cannot step down.
    """
    actor, team = _require_owner(session, actor, slug)
    wanted = parse_team_role(role)
    user = get_user(session, (username or "").strip())
    with write(session):
        current = session.get(TeamMember, (team.id, user.id))
        if current is None:
            current = TeamMember(team_id=team.id, user_id=user.id, role=wanted)  # type: ignore[arg-type]
            session.add(current)
            created = True
        else:
            if (
                current.role == TeamRole.OWNER.value
                and wanted != TeamRole.OWNER.value
                and _owners(session, team.id) <= 1  # type: ignore[arg-type]
            ):
                raise Conflict("a team keeps at least one owner: make another owner first", "role")
            current.role = wanted
            session.add(current)
            created = False
    return Membership(user.username, current.role, current.joined_at), created


def remove_member(*, session: Session, actor: User | None, slug: str, username: str) -> None:
    """Remove a member (owners), or leave (anyone, for themselves); the last owner stays."""
    actor = require_user(actor)
    team = get_team(session=session, viewer=actor, slug=slug)
    if username != actor.username:
        actor, team = _require_owner(session, actor, slug)
    user = get_user(session, username)
    with write(session):
        membership = session.get(TeamMember, (team.id, user.id))
        if membership is None:
            raise NotFound(f"{username!r} is not a member of {slug!r}", "username")
        if membership.role == TeamRole.OWNER.value and _owners(session, team.id) <= 1:  # type: ignore[arg-type]
            raise Conflict("the last owner cannot leave: make another owner first", "username")
        session.delete(membership)


def leave_team(*, session: Session, actor: User | None, slug: str) -> None:
    """Leave the team (the last owner cannot)."""
    actor = require_user(actor)
    remove_member(session=session, actor=actor, slug=slug, username=actor.username)


def team_slugs(session: Session, team_ids: set[int | None]) -> dict[int, str]:
    """Return the slug of each team id given (for rows a viewer may already see)."""
    wanted = [t for t in team_ids if t is not None]
    if not wanted:
        return {}
    rows = session.execute(sa_select(col(Team.id), col(Team.slug)).where(col(Team.id).in_(wanted)))
    return {int(i): str(s) for i, s in rows}


def organizing_teams(*, session: Session, viewer: User | None) -> list[Team]:
    """Return the teams in which viewer may run tournaments (team organizer or owner)."""
    return [
        team
        for team, role in my_teams(session=session, viewer=viewer)
        if role in (TeamRole.OWNER.value, TeamRole.ORGANIZER.value)
    ]


def team_of(*, session: Session, viewer: User | None, team_id: int | None) -> Team | None:
    """Return the team of an item viewer already sees (None for a public item)."""
    if team_id is None:
        return None
    team = session.get(Team, team_id)
    if team is None or team_role(session, viewer, team_id) is None:
        return None
    return team
