"""Who may see a team's private tournament or question: the team's members, nobody else.

The one rule, in two forms: `sees_team` for one row in hand, `team_condition` as SQL for lists
and counts. Questions (services/questions/lifecycle.can_view and lists), tournaments, boundaries,
scores, leaderboards, track records, notifications and exports all ask here.

Site roles do not open a team: a site organizer, leader or admin who is not a member sees
nothing of it (a private workspace stays private from staff except through the database).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import object_session
from sqlmodel import Session, col

from forecast.models import TeamMember, User


def member_teams_query(viewer: User | None) -> Any:
    """Return a SELECT of the ids of the teams viewer belongs to (empty for nobody)."""
    user_id = viewer.id if viewer is not None else None
    return sa_select(col(TeamMember.team_id)).where(col(TeamMember.user_id) == user_id)


def team_condition(column: Any, viewer: User | None) -> Any:
    """Return the SQL condition that a row whose team is `column` is visible to viewer."""
    if viewer is None or viewer.id is None:
        return col(column).is_(None)
    return or_(col(column).is_(None), col(column).in_(member_teams_query(viewer)))


def member_team_ids(session: Session, viewer: User | None) -> frozenset[int]:
    """Return the ids of the teams viewer belongs to."""
    if viewer is None or viewer.id is None:
        return frozenset()
    return frozenset(int(t) for t in session.execute(member_teams_query(viewer)).scalars())


def is_member(session: Session, team_id: int, viewer: User | None) -> bool:
    """Tell whether viewer belongs to the team."""
    if viewer is None or viewer.id is None:
        return False
    return session.get(TeamMember, (team_id, viewer.id)) is not None


def sees_team(row: Any, viewer: User | None, session: Session | None = None) -> bool:
    """Tell whether viewer may see a row (question, tournament) carrying a `team_id`.

    A row outside any team is visible; a team's row only to its members. Without a session
    (given, or the one the row was loaded in) nothing private is shown: the rule fails closed.
    """
    team_id = getattr(row, "team_id", None)
    if team_id is None:
        return True
    session = session or object_session(row)  # type: ignore[assignment]
    if session is None:
        return False
    return is_member(session, int(team_id), viewer)


def who_may_see(session: Session, team_id: int | None, user_ids: list[int]) -> list[int]:
    """Return those of user_ids who may see an item of the team (everyone, for no team): whom
    a notification about it may reach."""
    if team_id is None or not user_ids:
        return list(user_ids)
    members = set(
        session.execute(
            sa_select(col(TeamMember.user_id)).where(
                col(TeamMember.team_id) == team_id, col(TeamMember.user_id).in_(user_ids)
            )
        ).scalars()
    )
    return [u for u in user_ids if u in members]
