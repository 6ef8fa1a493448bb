"""Naming a boundary's signposts: the conditional pairs its owner picks as what would flip it.

A pair is named by its condition question, on the boundary's own question (the outcome) or on
another outcome question the owner links explicitly, whose type the boundary's event applies to.
Naming is not part of the boundary's committed content (its hash): it changes at any time, by
the one who may change the boundary (its owner), and every change stays on record: a removed
signpost keeps its row with who removed it and when.

A change is validated whole before anything is written, so a bad pair changes nothing stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecast.core.boundaries import rules
from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import write
from forecast.models import Boundary, BoundarySignpost, Conditional, Question, User
from forecast.services.boundaries.lifecycle import current_version, owned
from forecast.services.questions.lifecycle import can_view as question_visible
from forecast.services.questions.references import question_by_reference

MAX_SIGNPOSTS = 20

PairKey = tuple[int, int]  # (condition id, outcome id)


def named_pairs(session: Session, boundary_ids: Iterable[int] | None) -> dict[int, list[PairKey]]:
    """Return, per boundary, the pairs named as its signposts now, in the order named (of
    every boundary when boundary_ids is None: one statement for a whole report)."""
    query = select(BoundarySignpost).where(col(BoundarySignpost.removed_at).is_(None))
    if boundary_ids is not None:
        ids = list(boundary_ids)
        if not ids:
            return {}
        query = query.where(col(BoundarySignpost.boundary_id).in_(ids))
    rows = session.exec(query.order_by(col(BoundarySignpost.named_at), col(BoundarySignpost.id)))
    found: dict[int, list[PairKey]] = {}
    for row in rows:
        found.setdefault(row.boundary_id, []).append((row.condition_id, row.outcome_id))
    return found


def _visible_question(session: Session, actor: User, ref: Any, field: str) -> Question:
    question = question_by_reference(session, ref, field, field)
    if question is None or not question_visible(question, actor):
        raise NotFound(f"no question {ref!r}", field)
    return question


def _fits_event(session: Session, boundary: Boundary, outcome: Question) -> None:
    """Refuse an outcome other than the boundary's question that its event does not apply to."""
    question = session.get(Question, boundary.question_id)
    assert question is not None
    event = json.loads(current_version(session, boundary).event)
    if outcome.type != question.type:
        raise ValidationFailed(
            f"the boundary is on a {question.type} question; {outcome.key!r} is {outcome.type}",
            "outcome",
        )
    try:
        rules.parse_event(event, outcome.type, outcome.option_labels)
    except rules.BoundaryError as exc:
        raise ValidationFailed(
            f"the boundary's event does not apply to {outcome.key!r}: {exc.message}", "outcome"
        ) from None


def _pair_key(session: Session, actor: User, boundary: Boundary, item: Any) -> PairKey:
    """Return the (condition, outcome) of a complete pair the item names, or say what is wrong."""
    if not isinstance(item, Mapping):
        raise ValidationFailed('a signpost is an object {"condition": ID or key}', "signposts")
    condition = _visible_question(session, actor, item.get("condition"), "condition")
    outcome_ref = item.get("outcome")
    if outcome_ref in (None, ""):
        outcome_id = boundary.question_id
    else:
        outcome = _visible_question(session, actor, outcome_ref, "outcome")
        outcome_id = outcome.id or 0
        if outcome_id != boundary.question_id:
            _fits_event(session, boundary, outcome)
    branches = {
        row.branch
        for row in session.exec(
            select(Conditional).where(
                col(Conditional.condition_id) == condition.id,
                col(Conditional.outcome_id) == outcome_id,
            )
        )
    }
    if branches != {"yes", "no"}:
        outcome_q = session.get(Question, outcome_id)
        raise ValidationFailed(
            f"no conditional pair has “{condition.title}” as its condition and "
            f"“{outcome_q.title if outcome_q else outcome_id}” as its outcome: an organizer "
            "links the two questions first",
            "condition",
        )
    return (condition.id or 0, outcome_id)


def _replace(session: Session, actor: User, boundary: Boundary, wanted: Sequence[PairKey]) -> None:
    """Remove the named pairs not wanted (their rows stay, marked removed), name the new ones."""
    now = utcnow()
    current = {
        (r.condition_id, r.outcome_id): r
        for r in session.exec(
            select(BoundarySignpost).where(
                col(BoundarySignpost.boundary_id) == boundary.id,
                col(BoundarySignpost.removed_at).is_(None),
            )
        )
    }
    for key, row in current.items():
        if key not in wanted:
            row.removed_at, row.removed_by = now, actor.id
            session.add(row)
    for condition_id, outcome_id in wanted:
        if (condition_id, outcome_id) not in current:
            session.add(
                BoundarySignpost(
                    boundary_id=boundary.id or 0,
                    condition_id=condition_id,
                    outcome_id=outcome_id,
                    named_by=actor.id or 0,
                    named_at=now,
                )
            )


def _commit_replace(
    session: Session, actor: User, boundary: Boundary, wanted: Sequence[PairKey]
) -> None:
    """Replace, turning a race with another change of the same signposts into a 409."""
    try:
        _replace(session, actor, boundary, wanted)
        session.flush()
    except IntegrityError:
        raise Conflict("the signposts changed at the same time; read them again") from None


def set_signposts(
    *, session: Session, actor: User | None, boundary_id: int, items: Sequence[Any]
) -> list[PairKey]:
    """Make the boundary's named signposts exactly the pairs listed (all or none)."""
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        raise ValidationFailed("signposts must be a list", "signposts")
    if len(items) > MAX_SIGNPOSTS:
        raise ValidationFailed(f"a boundary names at most {MAX_SIGNPOSTS} signposts", "signposts")
    with write(session):
        actor, boundary = owned(session, actor, boundary_id, "its signposts")
        wanted = list(dict.fromkeys(_pair_key(session, actor, boundary, i) for i in items))
        _commit_replace(session, actor, boundary, wanted)
    return wanted


def add_signpost(
    *, session: Session, actor: User | None, boundary_id: int, item: Any
) -> list[PairKey]:
    """Name one more pair as a signpost (naming one already named changes nothing)."""
    with write(session):
        actor, boundary = owned(session, actor, boundary_id, "its signposts")
        key = _pair_key(session, actor, boundary, item)
        wanted = named_pairs(session, [boundary_id]).get(boundary_id, [])
        if key not in wanted:
            if len(wanted) >= MAX_SIGNPOSTS:
                raise ValidationFailed(
                    f"a boundary names at most {MAX_SIGNPOSTS} signposts", "signposts"
                )
            wanted = [*wanted, key]
        _commit_replace(session, actor, boundary, wanted)
    return wanted


def remove_signpost(
    *, session: Session, actor: User | None, boundary_id: int, item: Any
) -> list[PairKey]:
    """Stop naming a pair as a signpost (it may still show as suggested, on the boundary's
    own question); a pair that is not named is a 404."""
    if not isinstance(item, Mapping):
        raise ValidationFailed('a signpost is an object {"condition": ID or key}', "signposts")
    with write(session):
        actor, boundary = owned(session, actor, boundary_id, "its signposts")
        condition = _visible_question(session, actor, item.get("condition"), "condition")
        outcome_ref = item.get("outcome")
        outcome_id = boundary.question_id
        if outcome_ref not in (None, ""):
            outcome_id = _visible_question(session, actor, outcome_ref, "outcome").id or 0
        wanted = named_pairs(session, [boundary_id]).get(boundary_id, [])
        key = (condition.id or 0, outcome_id)
        if key not in wanted:
            raise NotFound(
                f"{condition.key!r} is not a named signpost of this boundary", "condition"
            )
        wanted = [k for k in wanted if k != key]
        _commit_replace(session, actor, boundary, wanted)
    return wanted


def _ref(question: Question | None) -> dict[str, Any] | None:
    if question is None:
        return None
    return {"id": question.id, "key": question.key, "title": question.title}


def signposts_json(session: Session, boundary: Boundary, viewer: User | None) -> dict[str, Any]:
    """Return the boundary's named signposts and their record (named, removed, by whom), as
    the viewer may see them: a pair on a question hidden from the viewer is left out."""
    rows = list(
        session.exec(
            select(BoundarySignpost)
            .where(col(BoundarySignpost.boundary_id) == boundary.id)
            .order_by(col(BoundarySignpost.named_at), col(BoundarySignpost.id))
        )
    )
    if not rows:
        return {"named_signposts": [], "signpost_history": []}
    ids = {r.condition_id for r in rows} | {r.outcome_id for r in rows}
    questions = {q.id: q for q in session.exec(select(Question).where(col(Question.id).in_(ids)))}
    people = {r.named_by for r in rows} | {r.removed_by for r in rows if r.removed_by}
    names = {u.id: u.username for u in session.exec(select(User).where(col(User.id).in_(people)))}
    history = []
    for r in rows:
        condition, outcome = questions.get(r.condition_id), questions.get(r.outcome_id)
        if not all(q is not None and question_visible(q, viewer) for q in (condition, outcome)):
            continue
        history.append(
            {
                "condition": _ref(condition),
                "outcome": _ref(outcome),
                "named_by": names.get(r.named_by),
                "named_at": format_iso(r.named_at),
                "removed_by": names.get(r.removed_by or 0),
                "removed_at": format_iso(r.removed_at) if r.removed_at else None,
            }
        )
    named = [
        {k: h[k] for k in ("condition", "outcome", "named_by", "named_at")}
        for h in history
        if h["removed_at"] is None
    ]
    return {"named_signposts": named, "signpost_history": history}
