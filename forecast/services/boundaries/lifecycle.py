"""Decision boundaries: draft, commit before looking, revise with a reason; never edit in place."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlmodel import Session, col, select

from forecast.core.boundaries import rules
from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import (
    Boundary,
    BoundaryStatus,
    BoundaryVersion,
    Question,
    Role,
    User,
)
from forecast.services.accounts.permissions import require_role
from forecast.services.boundaries.input import (
    BoundaryInput,
    flag_field,
    ladder_field,
    parse_boundary,
    text_field,
)
from forecast.services.boundaries.team_sharing import (
    boundary_question_visible,
    shared_with_team_leader,
    sharing_team,
)
from forecast.services.questions.lifecycle import can_view as question_visible

MAX_LADDER = 12


def _version_row(
    boundary_id: int, version: int, content: BoundaryInput, reason: str | None
) -> BoundaryVersion:
    return BoundaryVersion(
        boundary_id=boundary_id,
        version=version,
        action=content.action,
        event=json.dumps(content.event, sort_keys=True),
        comparator=content.comparator,
        threshold=content.threshold,
        method=content.method,
        rationale=content.rationale,
        reason=reason,
    )


def _add_draft(session: Session, actor: User, data: Mapping[str, Any]) -> Boundary:
    assert actor.id is not None
    content = parse_boundary(session, data)
    if not question_visible(content.question, actor):
        raise NotFound(f"no question {data.get('question')!r}", "question")
    key = data.get("key")
    if key is not None and (not isinstance(key, str) or not 0 < len(key) <= 100):
        raise ValidationFailed("key must be 1-100 characters", "key")
    boundary = Boundary(
        key=key,
        owner_id=actor.id,
        question_id=content.question.id,  # type: ignore[arg-type]
        ladder=ladder_field(data),
        shared=flag_field(data, "shared"),
        shared_team_id=sharing_team(session, actor, data.get("shared_team")),
        blind=flag_field(data, "blind"),
        hysteresis=content.hysteresis,
        min_forecasters=content.min_forecasters,
    )
    session.add(boundary)
    session.flush()
    session.add(_version_row(boundary.id, 1, content, None))  # type: ignore[arg-type]
    return boundary


def create_boundary(*, session: Session, actor: User | None, data: Mapping[str, Any]) -> Boundary:
    """Create a draft boundary (leaders and admins)."""
    actor = require_role(actor, Role.LEADER)
    with write(session):
        boundary = _add_draft(session, actor, data)
    return boundary


def create_ladder(
    *,
    session: Session,
    actor: User | None,
    common: Mapping[str, Any],
    steps: Sequence[Mapping[str, Any]],
) -> list[Boundary]:
    """Create several drafts on one question with rising thresholds, all or none."""
    actor = require_role(actor, Role.LEADER)
    if not steps or len(steps) > MAX_LADDER:
        raise ValidationFailed(f"a ladder has 1 to {MAX_LADDER} steps", "steps")
    thresholds = [step.get("threshold") for step in steps]
    numeric = all(isinstance(t, int | float) and not isinstance(t, bool) for t in thresholds)
    if numeric and any(b <= a for a, b in pairwise(thresholds)):  # type: ignore[operator]
        raise ValidationFailed("a ladder's thresholds must rise from step to step", "steps")
    name = ladder_field(common) or f"ladder-{utcnow():%Y%m%d%H%M%S}"
    created = []
    with write(session):
        for i, step in enumerate(steps):
            try:
                created.append(_add_draft(session, actor, {**common, **step, "ladder": name}))
            except ValidationFailed as exc:
                raise ValidationFailed(f"step {i + 1}: {exc.message}", exc.field) from None
    return created


def get_boundary(session: Session, viewer: User | None, boundary_id: int) -> Boundary:
    """Return a boundary its owner, an admin, or (when shared) any leader may see."""
    boundary = session.get(Boundary, boundary_id)
    if boundary is None or not can_view(boundary, viewer):
        raise NotFound(f"no boundary {boundary_id}")
    return boundary


def can_view(boundary: Boundary, viewer: User | None) -> bool:
    """Tell whether viewer may see the boundary: its owner, an admin, or a leader when shared
    (with every leader, or with the leaders of a team the viewer leads in); never anyone who
    may not see its question (a team's question: only its members)."""
    if viewer is None or not boundary_question_visible(boundary, viewer):
        return False
    if boundary.owner_id == viewer.id or viewer.role == Role.ADMIN.value:
        return True
    if boundary.status != BoundaryStatus.COMMITTED.value or not viewer.has_role(Role.LEADER):
        return False
    return boundary.shared or shared_with_team_leader(boundary, viewer)


def owned(
    session: Session, actor: User | None, boundary_id: int, what: str = "it"
) -> tuple[User, Boundary]:
    """Return the boundary if actor (a leader) owns it: a boundary they may not see is a 404,
    one they see but do not own a 403 naming what they tried to change."""
    actor = require_role(actor, Role.LEADER)
    boundary = session.get(Boundary, boundary_id)
    if boundary is None or not can_view(boundary, actor):
        raise NotFound(f"no boundary {boundary_id}")
    if boundary.owner_id != actor.id:
        raise Forbidden(f"only the boundary's owner may change {what}")
    return actor, boundary


def versions(session: Session, boundary_id: int) -> list[BoundaryVersion]:
    """Return every version of a boundary, oldest first."""
    return list(
        session.exec(
            select(BoundaryVersion)
            .where(col(BoundaryVersion.boundary_id) == boundary_id)
            .order_by(col(BoundaryVersion.version))
        )
    )


def current_version(session: Session, boundary: Boundary) -> BoundaryVersion:
    """Return the version in force (the draft while drafting)."""
    row = session.exec(
        select(BoundaryVersion).where(
            col(BoundaryVersion.boundary_id) == boundary.id,
            col(BoundaryVersion.version) == boundary.current_version,
        )
    ).first()
    assert row is not None, "a boundary always has its current version"
    return row


def version_content(version: BoundaryVersion) -> dict[str, Any]:
    """Return a version's decision content: action, event, comparator, threshold, method, why."""
    return {
        "action": version.action,
        "event": json.loads(version.event),
        "comparator": version.comparator,
        "threshold": version.threshold,
        "method": version.method,
        "rationale": version.rationale,
    }


def hash_fields(question: Question, version: BoundaryVersion) -> dict[str, Any]:
    """Return the committed content whose hash is published (see core/boundaries/rules.py)."""
    return {"question": question.key, "version": version.version, **version_content(version)}


def update_draft(
    *, session: Session, actor: User | None, boundary_id: int, data: Mapping[str, Any]
) -> Boundary:
    """Change a draft's content; a committed boundary is refused (revise it instead)."""
    with write(session):
        _, boundary = owned(session, actor, boundary_id)
        if boundary.status != BoundaryStatus.DRAFT.value:
            raise Conflict("a committed boundary never changes; submit a revision with a reason")
        version = current_version(session, boundary)
        merged = {**draft_as_input(session, boundary, version), **data}
        content = parse_boundary(session, merged)
        if content.question.id != boundary.question_id:
            raise ValidationFailed("a boundary stays on its question", "question")
        for name in ("action", "comparator", "threshold", "method", "rationale"):
            setattr(version, name, getattr(content, name))
        version.event = json.dumps(content.event, sort_keys=True)
        boundary.hysteresis = content.hysteresis
        boundary.min_forecasters = content.min_forecasters
        if "blind" in data:
            boundary.blind = flag_field(data, "blind")
        if "shared" in data:
            boundary.shared = flag_field(data, "shared")
        session.add_all([version, boundary])
    return boundary


def draft_as_input(
    session: Session, boundary: Boundary, version: BoundaryVersion
) -> dict[str, Any]:
    """Return a boundary's content in the API's input shape."""
    return {
        "question": boundary.question_id,
        **version_content(version),
        "hysteresis": boundary.hysteresis,
        "min_forecasters": boundary.min_forecasters,
    }


def ladder_drafts(session: Session, boundary: Boundary) -> list[Boundary]:
    """Return the drafts committed together with boundary: its ladder's drafts, or itself."""
    if boundary.ladder is None:
        return [boundary]
    return list(
        session.exec(
            select(Boundary)
            .where(
                col(Boundary.owner_id) == boundary.owner_id,
                col(Boundary.question_id) == boundary.question_id,
                col(Boundary.ladder) == boundary.ladder,
                col(Boundary.status) == BoundaryStatus.DRAFT.value,
            )
            .order_by(col(Boundary.id))
        )
    )


def commit_boundary(
    *, session: Session, actor: User | None, boundary_id: int, now: datetime | None = None
) -> tuple[Boundary, BoundaryVersion]:
    """Commit a draft, with every other draft of its ladder, as one act: each gets its commit
    time and content hash and never changes again.

    A ladder is one decision; committing one rung while the others stay blind drafts would
    show the question's forecasts before the rest is written down.
    """
    with write(session):
        _, boundary = owned(session, actor, boundary_id)
        if boundary.status != BoundaryStatus.DRAFT.value:
            raise Conflict("the boundary is already committed")
        question = session.get(Question, boundary.question_id)
        assert question is not None
        moment = now or utcnow()
        committed = {}
        for draft in ladder_drafts(session, boundary):
            version = current_version(session, draft)
            version.committed_at = moment
            version.content_hash = rules.content_hash(hash_fields(question, version))
            draft.status = BoundaryStatus.COMMITTED.value
            draft.blind = False  # committing is the moment the leader may look
            session.add_all([version, draft])
            committed[draft.id] = version
    return boundary, committed[boundary.id]


def delete_draft(*, session: Session, actor: User | None, boundary_id: int) -> None:
    """Delete a draft and its version; a committed boundary stays on record for good."""
    with write(session):
        _, boundary = owned(session, actor, boundary_id)
        if boundary.status != BoundaryStatus.DRAFT.value:
            raise Conflict("a committed boundary stays on record; revise it instead")
        for version in versions(session, boundary_id):
            session.delete(version)
        session.flush()
        session.delete(boundary)


def revise_boundary(
    *,
    session: Session,
    actor: User | None,
    boundary_id: int,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> tuple[Boundary, BoundaryVersion]:
    """Commit a new version of a committed boundary, with a required reason."""
    reason = text_field(data, "reason", required=True)
    with write(session):
        _, boundary = owned(session, actor, boundary_id)
        if boundary.status != BoundaryStatus.COMMITTED.value:
            raise Conflict("a draft is edited, not revised; commit it first")
        previous = current_version(session, boundary)
        merged = {
            **draft_as_input(session, boundary, previous),
            **{k: v for k, v in data.items() if k != "reason"},
        }
        content = parse_boundary(session, merged)
        if content.question.id != boundary.question_id:
            raise ValidationFailed("a revision stays on the boundary's question", "question")
        question = content.question
        version = _version_row(boundary.id, previous.version + 1, content, reason)  # type: ignore[arg-type]
        version.committed_at = now or utcnow()
        version.content_hash = rules.content_hash(hash_fields(question, version))
        boundary.current_version = version.version
        boundary.hysteresis = content.hysteresis
        session.add_all([version, boundary])
    return boundary, version


def list_boundaries(
    *,
    session: Session,
    viewer: User | None,
    owner: str | None = None,
    question_id: int | None = None,
) -> list[Boundary]:
    """Return the boundaries the viewer may see, optionally filtered."""
    viewer = require_role(viewer, Role.LEADER)
    query = select(Boundary)
    if question_id is not None:
        query = query.where(col(Boundary.question_id) == question_id)
    rows = [b for b in session.exec(query.order_by(col(Boundary.id))) if can_view(b, viewer)]
    if owner:
        owner_row = session.exec(select(User).where(col(User.username) == owner)).first()
        rows = [b for b in rows if owner_row is not None and b.owner_id == owner_row.id]
    return rows
