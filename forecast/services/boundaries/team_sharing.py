"""Boundaries and teams: sharing a boundary with a team's leaders, and the question rule.

A boundary is never visible to someone who may not see its question (services/questions
lifecycle.can_view, which applies the team rule); a boundary shared with a team is visible to
that team's members whose team role is leader or owner (and who hold the site's leader role,
like every reader of boundaries).
"""

from __future__ import annotations

from sqlalchemy.orm import object_session
from sqlmodel import Session

from forecast.errors import ValidationFailed
from forecast.models import Boundary, Question, TeamRole, User
from forecast.services.accounts.permissions import team_role
from forecast.services.questions.lifecycle import can_view
from forecast.services.teams.membership import team_for_item

TEAM_LEADING_ROLES = (TeamRole.OWNER.value, TeamRole.LEADER.value)


def sharing_team(session: Session, actor: User, slug: object) -> int | None:
    """Return the id of the team a boundary is shared with (one the actor belongs to)."""
    if slug in (None, ""):
        return None
    if not isinstance(slug, str):
        raise ValidationFailed("shared_team must be a team's slug", "shared_team")
    team = team_for_item(session, actor, slug)
    return team.id if team is not None else None


def boundary_question_visible(boundary: Boundary, viewer: User) -> bool:
    """Tell whether viewer may see the boundary's question (fails closed without a session)."""
    session = object_session(boundary)
    if session is None:
        return False
    question = session.get(Question, boundary.question_id)
    return question is not None and can_view(question, viewer)


def shared_with_team_leader(boundary: Boundary, viewer: User) -> bool:
    """Tell whether the boundary is shared with a team in which viewer is a leader or owner."""
    if boundary.shared_team_id is None:
        return False
    session = object_session(boundary)
    if session is None:
        return False
    role = team_role(session, viewer, boundary.shared_team_id)  # type: ignore[arg-type]
    return role in TEAM_LEADING_ROLES



def report_team(session: Session, viewer: User, slug: str) -> int:
    """Return the id of the team whose report viewer asks for (NotFound unless a member)."""
    team = team_for_item(session, viewer, slug)
    if team is None or team.id is None:
        raise ValidationFailed("team must be a team's slug", "team")
    return team.id


def of_team(team_id: int, boundary: Boundary, question: Question) -> bool:
    """Tell whether a boundary belongs in the team's report: shared with the team, or set on one
    of its questions."""
    return boundary.shared_team_id == team_id or question.team_id == team_id
