"""Which questions are conditional, on what: reading the links between a conditional question,
its condition (a binary question) and its outcome, by pair (one question's own link, as its
payload shows it, is read by forecast.services.questions.conditions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from forecast.models import Conditional, Question


@dataclass(frozen=True)
class Pair:
    """The two conditional questions "O if C = yes" and "O if C = no" of one condition and
    outcome (either may be missing if only one was imported)."""

    condition: Question
    outcome: Question
    yes: Question | None
    no: Question | None


def is_conditional(session: Session, question_id: int) -> bool:
    """Tell whether the question is a conditional question."""
    return session.get(Conditional, question_id) is not None


def links_touching(session: Session, question_ids: Iterable[int]) -> list[Conditional]:
    """Return the links whose condition or outcome is one of the questions."""
    ids = list(question_ids)
    if not ids:
        return []
    return list(
        session.exec(
            select(Conditional)
            .where(
                or_(col(Conditional.condition_id).in_(ids), col(Conditional.outcome_id).in_(ids))
            )
            .order_by(col(Conditional.question_id))
        )
    )


def pairs(session: Session, rows: list[Conditional]) -> list[Pair]:
    """Group links into pairs by (condition, outcome), in the order of the rows."""
    ids = {r.question_id for r in rows} | {r.condition_id for r in rows}
    ids |= {r.outcome_id for r in rows}
    questions = {q.id: q for q in session.exec(select(Question).where(col(Question.id).in_(ids)))}
    grouped: dict[tuple[int, int], dict[str, Question]] = {}
    for r in rows:
        grouped.setdefault((r.condition_id, r.outcome_id), {})[r.branch] = questions[r.question_id]
    return [
        Pair(questions[c], questions[o], branches.get("yes"), branches.get("no"))
        for (c, o), branches in grouped.items()
    ]


def pairs_on_outcomes(session: Session, outcome_ids: Iterable[int]) -> dict[int, list[Pair]]:
    """Return, for each outcome question, the conditional pairs whose outcome it is."""
    ids = list(outcome_ids)
    if not ids:
        return {}
    rows = list(
        session.exec(
            select(Conditional)
            .where(col(Conditional.outcome_id).in_(ids))
            .order_by(col(Conditional.condition_id), col(Conditional.question_id))
        )
    )
    found: dict[int, list[Pair]] = {}
    for pair in pairs(session, rows):
        found.setdefault(pair.outcome.id or 0, []).append(pair)
    return found


def pair_of(session: Session, question_id: int) -> Pair | None:
    """Return the pair a conditional question belongs to (None for other questions)."""
    link = session.get(Conditional, question_id)
    if link is None:
        return None
    rows = list(
        session.exec(
            select(Conditional).where(
                col(Conditional.condition_id) == link.condition_id,
                col(Conditional.outcome_id) == link.outcome_id,
            )
        )
    )
    return pairs(session, rows)[0]
