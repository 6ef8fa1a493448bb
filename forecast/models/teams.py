"""Teams (private workspaces): a team, its members with their roles inside it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from forecast.infra.clock import utcnow
from forecast.models.types import UTCDateTime


class TeamRole(StrEnum):
    """A member's role inside one team (beside, not instead of, their site role)."""

    OWNER = "owner"
    ORGANIZER = "organizer"
    LEADER = "leader"
    MEMBER = "member"


class Team(SQLModel, table=True):
    """An organisation whose private tournaments and questions only its members see."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), unique=True, nullable=False, index=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    # The secret of the team's invitation link; None while no link is live.
    invite_token: str | None = Field(
        default=None, sa_column=Column(String(64), unique=True, nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class TeamMember(SQLModel, table=True):
    """One person's membership of one team, with their role in it."""

    __tablename__ = "team_members"

    team_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    user_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
            index=True,
        )
    )
    role: str = Field(default=TeamRole.MEMBER.value, sa_column=Column(String(12), nullable=False))
    joined_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
