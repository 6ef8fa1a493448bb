"""Role checks shared by every entry point."""

from __future__ import annotations

from sqlmodel import Session

from forecast.errors import Forbidden, NotAuthenticated
from forecast.models import Role, TeamMember, TeamRole, User


def require_user(user: User | None) -> User:
    """Return the user, or refuse an anonymous caller."""
    if user is None:
        raise NotAuthenticated("log in or send an API token")
    return user


def require_role(user: User | None, *roles: Role) -> User:
    """Return the user if they hold one of roles (admins hold all), else refuse."""
    user = require_user(user)
    if not user.has_role(*roles):
        names = " or ".join(r.value for r in roles)
        raise Forbidden(f"this action needs the {names} role")
    return user


def is_organizer(user: User | None) -> bool:
    """Tell whether the user may run tournaments and review questions."""
    return user is not None and user.has_role(Role.ORGANIZER)


# Team roles that run a team's tournaments and questions (with the site's organizer role).
TEAM_ORGANIZING_ROLES = (TeamRole.OWNER.value, TeamRole.ORGANIZER.value)


def team_role(session: Session, user: User | None, team_id: int) -> str | None:
    """Return user's role inside the team, or None when they are not a member."""
    if user is None or user.id is None:
        return None
    membership = session.get(TeamMember, (team_id, user.id))
    return membership.role if membership is not None else None


def require_organizer_for(session: Session, user: User | None, team_id: int | None) -> User:
    """Return the user if they may organize an item of the team (or outside any team).

    Team roles narrow, never widen: the site's organizer role is needed everywhere, and on a
    team's item the team's organizer or owner role as well.
    """
    user = require_role(user, Role.ORGANIZER)
    if team_id is not None and team_role(session, user, team_id) not in TEAM_ORGANIZING_ROLES:
        raise Forbidden("this action needs the team's organizer or owner role")
    return user
