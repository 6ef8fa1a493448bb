"""Boundaries rendered for the API and pages."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from forecast.infra.clock import format_iso
from forecast.models import Boundary, BoundaryEvent, BoundaryVersion, Question, User
from forecast.services.aggregation.visibility import hidden_reason
from forecast.services.boundaries.lifecycle import version_content, versions
from forecast.services.boundaries.named_signposts import signposts_json
from forecast.services.teams.membership import team_slugs


def version_json(version: BoundaryVersion) -> dict[str, Any]:
    """Render one version of a boundary."""
    return {
        "version": version.version,
        **version_content(version),
        "reason": version.reason,
        "committed_at": format_iso(version.committed_at) if version.committed_at else None,
        "hash": version.content_hash,
    }


def boundary_json(
    session: Session, boundary: Boundary, viewer: User | None = None
) -> dict[str, Any]:
    """Render a boundary: its status, the version in force, every version, and the signposts
    its owner named (with their record), as the viewer may see them."""
    question = session.get(Question, boundary.question_id)
    owner = session.get(User, boundary.owner_id)
    history = versions(session, boundary.id)  # type: ignore[arg-type]
    current = next(v for v in history if v.version == boundary.current_version)
    body = {
        "id": boundary.id,
        "key": boundary.key,
        "status": boundary.status,
        "owner": owner.username if owner else None,
        "question": {"id": question.id, "key": question.key, "title": question.title}
        if question
        else None,
        "ladder": boundary.ladder,
        "shared": boundary.shared,
        "shared_team": team_slugs(session, {boundary.shared_team_id}).get(
            boundary.shared_team_id or 0
        ),
        "blind": boundary.blind,
        "hysteresis": boundary.hysteresis,
        "min_forecasters": boundary.min_forecasters,
        "created_at": format_iso(boundary.created_at),
        **version_json(current),
        "versions": [version_json(v) for v in history],
        **signposts_json(session, boundary, viewer),
    }
    return body


def recorded_events(
    session: Session, boundary: Boundary, viewer: User | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return the state changes the alert job recorded, oldest first, as the viewer may see
    them: none, and why, while the question's aggregate is hidden from the viewer."""
    question = session.get(Question, boundary.question_id)
    reason = hidden_reason(session, question, viewer) if question is not None else None
    if reason:
        return [], reason
    rows = session.exec(
        select(BoundaryEvent)
        .where(col(BoundaryEvent.boundary_id) == boundary.id)
        .order_by(col(BoundaryEvent.at), col(BoundaryEvent.id))
    )
    return [
        {
            "at": format_iso(e.at),
            "state": e.state,
            "probability": e.probability,
            "threshold": e.threshold,
            "version": e.version,
        }
        for e in rows
    ], None
