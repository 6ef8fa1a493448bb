"""What a team's page and API show its members: the team, your role, members, tournaments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from forecast.models import Team, Tournament, User
from forecast.services.accounts.permissions import require_user, team_role
from forecast.services.teams.membership import Membership, get_team, members, team_tournaments


@dataclass(frozen=True)
class TeamView:
    """A team as one of its members sees it."""

    team: Team
    role: str
    members: list[Membership]
    tournaments: list[Tournament]

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


def team_view(*, session: Session, viewer: User | None, slug: str) -> TeamView:
    """Return the team with its members and tournaments (members only; NotFound otherwise)."""
    viewer = require_user(viewer)
    team = get_team(session=session, viewer=viewer, slug=slug)
    return TeamView(
        team=team,
        role=team_role(session, viewer, team.id) or "",  # type: ignore[arg-type]
        members=members(session=session, viewer=viewer, team=team),
        tournaments=team_tournaments(session=session, viewer=viewer, team=team),
    )
