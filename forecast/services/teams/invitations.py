"""Invitation links: an owner makes (or replaces, or ends) a link; a person who opens it joins."""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from forecast.errors import NotFound
from forecast.infra.db import write
from forecast.models import Team, TeamMember, TeamRole, User
from forecast.services.accounts.permissions import require_user
from forecast.services.teams.membership import _require_owner


def create_invite_link(*, session: Session, actor: User | None, slug: str) -> str:
    """Give the team a new invitation token (the old link stops working); owners only."""
    _, team = _require_owner(session, actor, slug)
    with write(session):
        team.invite_token = secrets.token_urlsafe(32)
        session.add(team)
    return str(team.invite_token)


def revoke_invite_link(*, session: Session, actor: User | None, slug: str) -> None:
    """End the team's invitation link; owners only."""
    _, team = _require_owner(session, actor, slug)
    with write(session):
        team.invite_token = None
        session.add(team)


def invited_team(*, session: Session, token: str) -> Team:
    """Return the team a live invitation token is for (NotFound for any other token)."""
    token = (token or "").strip()
    team = (
        session.exec(select(Team).where(col(Team.invite_token) == token)).first() if token else None
    )
    if team is None:
        raise NotFound("this invitation link is not valid (it may have been replaced)", "token")
    return team


def join_by_link(*, session: Session, actor: User | None, token: str) -> Team:
    """Join the team of a live invitation token as a member (already a member: nothing changes)."""
    actor = require_user(actor)
    team = invited_team(session=session, token=token)
    with write(session):
        if session.get(TeamMember, (team.id, actor.id)) is None:
            session.add(TeamMember(team_id=team.id, user_id=actor.id, role=TeamRole.MEMBER.value))  # type: ignore[arg-type]
    return team
