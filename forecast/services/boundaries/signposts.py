"""Signposts of a boundary: the pairs its owner named (named_signposts.py), on its question or
on another outcome it links, then as "suggested" every other conditional pair whose outcome is the
boundary's question.

Per signpost S (a pair's condition): P(S) now, P(event | S yes) and P(event | S no) under the
boundary's method (from the pair's two conditional questions, evaluated like the boundary's own
question), whether each branch is past the threshold, a reading in words, whether S is
decision-relevant (its branches land on different sides) and the value of waiting for it
(forecast.core.conditionals.value_of_waiting, with t the boundary's threshold).

A signpost draws on three aggregates besides the boundary's own: when any of them (or the
boundary's own row) is hidden from the reader, the signpost says why and carries no value, by
the report's own hidden-row rule (visibility.hidden_questions). A pair on a question the reader
may not see at all (a team's question, a proposal) is left out.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from forecast.core.boundaries import rules
from forecast.core.conditionals import decision_relevant, signpost_reading, value_of_waiting
from forecast.infra.clock import utcnow
from forecast.models import Question, QuestionType, User
from forecast.services.boundaries.evaluation import current_probability
from forecast.services.boundaries.named_signposts import PairKey, named_pairs
from forecast.services.boundaries.subjects import Subject
from forecast.services.boundaries.visibility import hidden_questions
from forecast.services.conditionals.links import Pair, pairs_on_outcomes
from forecast.services.questions.lifecycle import can_view as question_visible

_CONDITION_EVENT = {"kind": "yes"}


def _threshold_text(threshold: float) -> str:
    return f"{threshold * 100:.4g}%"


def _probability(
    session: Session, subject: Subject, question: Question, event: Any, at: datetime
) -> float | None:
    p, _count = current_probability(session, replace(subject, question=question, event=event), at)
    return p


def _crossed(p: float | None, subject: Subject) -> bool | None:
    if p is None:
        return None
    return bool(rules.is_crossed(p, subject.version.comparator, subject.version.threshold))


def _entry(pair: Pair, named: bool) -> dict[str, Any]:
    assert pair.yes is not None and pair.no is not None
    return {
        "named": named,
        "condition": {
            "id": pair.condition.id,
            "key": pair.condition.key,
            "title": pair.condition.title,
        },
        "outcome": {"id": pair.outcome.id, "key": pair.outcome.key, "title": pair.outcome.title},
        "if_yes": {"id": pair.yes.id, "key": pair.yes.key},
        "if_no": {"id": pair.no.id, "key": pair.no.key},
    }


_EMPTY = {
    "p_signpost": None,
    "p_if_yes": None,
    "p_if_no": None,
    "crossed_if_yes": None,
    "crossed_if_no": None,
    "reading": None,
    "decision_relevant": False,
    "value_of_waiting": None,
}


def _key(pair: Pair) -> tuple[int, int]:
    return (pair.condition.id or 0, pair.outcome.id or 0)


def _chosen(
    session: Session,
    subject: Subject,
    pairs_by_outcome: dict[int, list[Pair]],
    viewer: User | None,
    named_by_boundary: dict[int, list[PairKey]],
) -> list[tuple[Pair, bool]]:
    """Return the complete pairs to show, each with whether it is named: the named ones in the
    order named, then the unnamed pairs on the boundary's question (suggested)."""
    question_id = subject.question.id or 0
    named = named_by_boundary.get(subject.boundary.id or 0, [])
    own = pairs_by_outcome.get(question_id) or []
    elsewhere = {o for _c, o in named if o != question_id}
    candidates = {_key(p): p for p in own}
    for found in pairs_on_outcomes(session, elsewhere).values():
        candidates.update({_key(p): p for p in found})
    chosen = [(candidates[k], True) for k in named if k in candidates]
    chosen += [(p, False) for p in own if _key(p) not in set(named)]
    return [
        (p, is_named)
        for p, is_named in chosen
        if p.yes is not None
        and p.no is not None
        and all(question_visible(q, viewer) for q in (p.condition, p.outcome, p.yes, p.no))
    ]


def _event_on(subject: Subject, outcome: Question) -> Any:
    """Return the boundary's event for an outcome question (None if it does not apply there)."""
    if outcome.id == subject.question.id:
        return subject.event
    try:
        return rules.parse_event(
            json.loads(subject.version.event), outcome.type, outcome.option_labels
        )
    except rules.BoundaryError:
        return None


def signposts(
    session: Session,
    subject: Subject,
    row: dict[str, Any],
    viewer: User | None,
    at: datetime | None = None,
    pairs_by_outcome: dict[int, list[Pair]] | None = None,
    named_by_boundary: dict[int, list[PairKey]] | None = None,
) -> list[dict[str, Any]]:
    """Return the boundary's signposts for a report row the viewer may read (redacted as the
    row is): the named ones first, then the suggested ones (`named` false); in each group
    decision-relevant first, then by the value of waiting, largest first.

    pairs_by_outcome: the pairs on every question of a report, read once for all its rows
    (`pairs_on_outcomes`); without it the row's own are read. named_by_boundary likewise: the
    signposts named on every boundary of a report (`named_pairs`), read once for all its rows.
    """
    question_id = subject.question.id or 0
    if pairs_by_outcome is None:
        pairs_by_outcome = pairs_on_outcomes(session, [question_id])
    if named_by_boundary is None:
        named_by_boundary = named_pairs(session, [subject.boundary.id or 0])
    complete = _chosen(session, subject, pairs_by_outcome, viewer, named_by_boundary)
    if not complete:
        return []
    moment = at or utcnow()
    condition_event = rules.parse_event(_CONDITION_EVENT, QuestionType.BINARY.value)
    questions = [q for p, _n in complete for q in (p.condition, p.yes, p.no) if q is not None]
    hidden = hidden_questions(session, questions, viewer, utcnow())
    threshold = subject.version.threshold
    entries = []
    for pair, is_named in complete:
        assert pair.yes is not None and pair.no is not None
        entry = _entry(pair, is_named)
        reason = row.get("hidden") or next(
            (hidden[q.id] for q in (pair.condition, pair.yes, pair.no) if q.id in hidden), None
        )
        entry["hidden"] = reason
        event = _event_on(subject, pair.outcome)
        if reason is not None or event is None:
            entries.append({**entry, **_EMPTY})
            continue
        p_s = _probability(session, subject, pair.condition, condition_event, moment)
        p_yes = _probability(session, subject, pair.yes, event, moment)
        p_no = _probability(session, subject, pair.no, event, moment)
        crossed_yes, crossed_no = _crossed(p_yes, subject), _crossed(p_no, subject)
        now = row.get("crossed") if row.get("probability") is not None else None
        worth = None
        if p_s is not None and p_yes is not None and p_no is not None:
            value = value_of_waiting(threshold, p_s, p_yes, p_no, row.get("probability"))
            worth = {
                "share_of_loss": value.value,
                "loss_now": value.loss_now,
                "loss_after": value.loss_after,
                "p_now": value.p_now,
                "incoherence": value.incoherence,
            }
        entry.update(
            p_signpost=p_s,
            p_if_yes=p_yes,
            p_if_no=p_no,
            crossed_if_yes=crossed_yes,
            crossed_if_no=crossed_no,
            reading=signpost_reading(
                now,
                crossed_yes,
                crossed_no,
                subject.version.comparator,
                _threshold_text(threshold),
            ),
            decision_relevant=decision_relevant(crossed_yes, crossed_no),
            value_of_waiting=worth,
        )
        entries.append(entry)
    entries.sort(
        key=lambda e: (
            not e["named"],
            not e["decision_relevant"],
            -(e["value_of_waiting"] or {}).get("share_of_loss", 0.0),
        )
    )
    return entries
