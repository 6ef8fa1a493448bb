"""Decision boundaries: draft, commit before looking, revise with a reason; never edit in place."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlmodel import Session, col, select

from forecast.core.boundaries import rules
from forecast.core.boundaries.states import default_hysteresis
from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import MAX_ROW_ID, write
from forecast.models import (
    Boundary,
    BoundaryStatus,
    BoundaryVersion,
    Question,
    QuestionStatus,
    Role,
    User,
)
from forecast.services.accounts.permissions import require_role
from forecast.services.aggregation.values import parse_method

COMPARATORS = (">=", "<=")
MAX_LADDER = 12
MAX_MIN_FORECASTERS = 1_000
_TEXT_LIMIT = 5_000


@dataclass(frozen=True)
class BoundaryInput:
    """A boundary's content, validated."""

    question: Question
    action: str
    event: dict[str, Any]
    comparator: str
    threshold: float
    method: str
    rationale: str
    hysteresis: float
    min_forecasters: int = 1


def _text(data: Mapping[str, Any], name: str, *, required: bool) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{name} must be text", name)
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"{name} is required", name)
    if len(value) > _TEXT_LIMIT:
        raise ValidationFailed(f"{name} is longer than {_TEXT_LIMIT} characters", name)
    return value


def _question(session: Session, ref: Any) -> Question:
    if isinstance(ref, bool) or not isinstance(ref, int | str) or ref == "":
        raise ValidationFailed("question must be a question id or key", "question")
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdecimal()):
        number = int(ref)
        question = session.get(Question, number) if 0 < number <= MAX_ROW_ID else None
    else:
        question = session.exec(select(Question).where(col(Question.key) == ref)).first()
    public = {
        QuestionStatus.UPCOMING,
        QuestionStatus.OPEN,
        QuestionStatus.CLOSED,
        QuestionStatus.RESOLVED,
    }
    if question is None or question.status not in {s.value for s in public}:
        raise NotFound(f"no question {ref!r}", "question")
    return question


def parse_boundary(session: Session, data: Mapping[str, Any]) -> BoundaryInput:
    """Validate a boundary's fields against its question (one rule set for API, web, seeds)."""
    if not isinstance(data, Mapping):
        raise ValidationFailed("a boundary must be a JSON object")
    question = _question(session, data.get("question"))
    try:
        event = rules.parse_event(data.get("event") or {}, question.type)
        comparator = rules.parse_comparator(data.get("comparator", ">="))
        threshold = rules.parse_threshold(data.get("threshold"))
    except rules.BoundaryError as exc:
        raise ValidationFailed(exc.message, exc.field) from None
    hysteresis = data.get("hysteresis")
    if hysteresis is None:
        hysteresis = default_hysteresis(threshold)
    if (
        isinstance(hysteresis, bool)
        or not isinstance(hysteresis, int | float)
        or not 0.0 <= float(hysteresis) < 0.5
    ):
        raise ValidationFailed("hysteresis must be a probability width in [0, 0.5)", "hysteresis")
    min_forecasters = data.get("min_forecasters", 1)
    if (
        isinstance(min_forecasters, bool)
        or not isinstance(min_forecasters, int)
        or not 1 <= min_forecasters <= MAX_MIN_FORECASTERS
    ):
        raise ValidationFailed(
            f"min_forecasters must be a whole number from 1 to {MAX_MIN_FORECASTERS}",
            "min_forecasters",
        )
    return BoundaryInput(
        question=question,
        action=_text(data, "action", required=True),
        event=rules.event_to_json(event),
        comparator=comparator,
        threshold=threshold,
        method=parse_method(data.get("method")),
        rationale=_text(data, "rationale", required=False),
        hysteresis=float(hysteresis),
        min_forecasters=min_forecasters,
    )


def _flag(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ValidationFailed(f"{name} must be true or false", name)
    return value


def _ladder(data: Mapping[str, Any]) -> str | None:
    ladder = data.get("ladder")
    if ladder is None or ladder == "":
        return None
    if not isinstance(ladder, str) or len(ladder) > 100:
        raise ValidationFailed("ladder must be a name of at most 100 characters", "ladder")
    return ladder.strip()


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
    key = data.get("key")
    if key is not None and (not isinstance(key, str) or not 0 < len(key) <= 100):
        raise ValidationFailed("key must be 1-100 characters", "key")
    boundary = Boundary(
        key=key,
        owner_id=actor.id,
        question_id=content.question.id,  # type: ignore[arg-type]
        ladder=_ladder(data),
        shared=_flag(data, "shared"),
        blind=_flag(data, "blind"),
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
    name = _ladder(common) or f"ladder-{utcnow():%Y%m%d%H%M%S}"
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
    """Tell whether viewer may see the boundary: its owner, an admin, or a leader when shared."""
    if viewer is None:
        return False
    if boundary.owner_id == viewer.id or viewer.role == Role.ADMIN.value:
        return True
    return (
        boundary.shared
        and boundary.status == BoundaryStatus.COMMITTED.value
        and viewer.has_role(Role.LEADER)
    )


def _owned(session: Session, actor: User | None, boundary_id: int) -> tuple[User, Boundary]:
    actor = require_role(actor, Role.LEADER)
    boundary = session.get(Boundary, boundary_id)
    if boundary is None or not can_view(boundary, actor):
        raise NotFound(f"no boundary {boundary_id}")
    if boundary.owner_id != actor.id:
        raise Forbidden("only the boundary's owner may change it")
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
        _, boundary = _owned(session, actor, boundary_id)
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
            boundary.blind = _flag(data, "blind")
        if "shared" in data:
            boundary.shared = _flag(data, "shared")
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
        _, boundary = _owned(session, actor, boundary_id)
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
        _, boundary = _owned(session, actor, boundary_id)
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
    reason = _text(data, "reason", required=True)
    with write(session):
        _, boundary = _owned(session, actor, boundary_id)
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
