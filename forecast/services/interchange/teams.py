"""Teams in an interchange file: `teams` (slug, name, members with their roles) and `team` on
tournaments and questions, written after the file's tournaments and questions in the import's
one transaction; exported in a stable order (only when there are teams, so a file without them
keeps its bytes). Invitation links are secrets and never leave the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from forecast.models import Question, Team, TeamMember, Tournament, User
from forecast.services.interchange.import_report import bad
from forecast.services.teams.items import TEAM_TOURNAMENT_RULE
from forecast.services.teams.membership import ROLES, SLUG_PATTERN


def _records(document: Mapping[str, Any], name: str) -> list[Any]:
    value = document.get(name) or []
    if not isinstance(value, list):
        raise bad(name, "must be a list")
    return value


def _team_slug(record: Any, where: str, known: set[str]) -> str | None:
    slug = record.get("team") if isinstance(record, Mapping) else None
    if slug is None:
        return None
    if not isinstance(slug, str) or slug not in known:
        raise bad(where, f"unknown team {slug!r}")
    return slug


def import_teams(session: Session, document: Mapping[str, Any]) -> int:
    """Create the file's teams and memberships and mark its tournaments and questions private;
    return how many teams were created. Call after the tournaments and questions exist."""
    stored = {t.slug: t for t in session.exec(select(Team))}
    users = {
        name: uid for name, uid in session.execute(sa_select(col(User.username), col(User.id)))
    }
    created = 0
    for i, record in enumerate(_records(document, "teams")):
        where = f"teams[{i}]"
        if not isinstance(record, Mapping):
            raise bad(where, "must be an object")
        slug, name = record.get("slug"), record.get("name")
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            raise bad(where, "slug must be 1-80 lowercase letters, digits or '-'")
        if not isinstance(name, str) or not 0 < len(name.strip()) <= 200:
            raise bad(f"{where} ({slug!r})", "name must have 1-200 characters")
        team = stored.get(slug)
        if team is None:
            team = Team(slug=slug, name=name.strip())
            session.add(team)
            session.flush()
            stored[slug] = team
            created += 1
        _members(session, team, record.get("members") or [], users, f"{where} ({slug!r})")
    ids = {slug: team.id for slug, team in stored.items()}
    _mark(session, Tournament, "slug", _records(document, "tournaments"), "tournaments", ids)
    _mark(session, Question, "key", _records(document, "questions"), "questions", ids)
    _check_tournaments(session)
    return created


def _members(
    session: Session, team: Team, records: Sequence[Any], users: dict[str, int], where: str
) -> None:
    for j, member in enumerate(records):
        at = f"{where}.members[{j}]"
        if not isinstance(member, Mapping) or member.get("username") not in users:
            raise bad(at, f"unknown user {member!r}")
        role = member.get("role", "member")
        if role not in ROLES:
            raise bad(at, f"role must be one of {', '.join(ROLES)}")
        uid = users[member["username"]]
        row = session.get(TeamMember, (team.id, uid))
        if row is None:
            session.add(TeamMember(team_id=team.id, user_id=uid, role=role))  # type: ignore[arg-type]
        else:
            row.role = role
            session.add(row)
    session.flush()


def _mark(
    session: Session,
    model: Any,
    key: str,
    records: list[Any],
    name: str,
    ids: dict[str, int | None],
) -> None:
    known = set(ids)
    for i, record in enumerate(records):
        slug = _team_slug(record, f"{name}[{i}]", known)
        if slug is not None:
            session.execute(
                update(model)
                .where(getattr(model, key) == record.get(key))
                .values(team_id=ids[slug])
            )


def _check_tournaments(session: Session) -> None:
    """Refuse the file when a question and its tournament are not of the same team."""
    mixed = session.execute(
        sa_select(col(Question.key))
        .join(Tournament, col(Tournament.id) == col(Question.tournament_id))
        .where(
            (col(Question.team_id) != col(Tournament.team_id))
            | (col(Question.team_id).is_(None) & col(Tournament.team_id).is_not(None))
            | (col(Question.team_id).is_not(None) & col(Tournament.team_id).is_(None))
        )
        .limit(1)
    ).first()
    if mixed is not None:
        raise bad(f"questions ({mixed[0]!r})", TEAM_TOURNAMENT_RULE)


def export_teams(session: Session) -> list[dict[str, Any]]:
    """Return every team with its members (by username), by slug."""
    teams = list(session.exec(select(Team).order_by(col(Team.slug))))
    rows = session.execute(
        sa_select(col(TeamMember.team_id), col(User.username), col(TeamMember.role))
        .join(User, col(User.id) == col(TeamMember.user_id))
        .order_by(col(User.username))
    ).all()
    members: dict[int, list[dict[str, str]]] = {}
    for team_id, username, role in rows:
        members.setdefault(team_id, []).append({"username": username, "role": role})
    return [{"slug": t.slug, "name": t.name, "members": members.get(t.id or 0, [])} for t in teams]


def team_slug_map(session: Session) -> dict[int, str]:
    """Return every team's slug by id."""
    return {int(i): str(s) for i, s in session.execute(sa_select(col(Team.id), col(Team.slug)))}
