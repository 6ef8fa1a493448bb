"""The condition a conditional question is asked under, as its question payload names it:
{"if": condition key, "is": branch, "then": outcome key}.

Reading a question's link is part of showing the question (the API's payloads, the question
page), so it lives with the questions; forecast.services.conditionals creates pairs and makes
them follow their condition and outcome, above this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from forecast.models import Conditional, Question


@dataclass(frozen=True)
class Link:
    """One conditional question with the keys and titles of what it is conditional on."""

    question_id: int
    branch: str
    condition: Question
    outcome: Question

    def as_json(self) -> dict[str, Any]:
        """Return the interchange `condition` object: {"if", "is", "then"}."""
        return {"if": self.condition.key, "is": self.branch, "then": self.outcome.key}


def links_of(session: Session, question_ids: Iterable[int]) -> dict[int, Link]:
    """Return the link of each of the questions that is conditional (two statements in all)."""
    ids = [i for i in question_ids if i is not None]
    if not ids:
        return {}
    rows = list(session.exec(select(Conditional).where(col(Conditional.question_id).in_(ids))))
    if not rows:
        return {}
    linked = {r.condition_id for r in rows} | {r.outcome_id for r in rows}
    questions = {
        q.id: q for q in session.exec(select(Question).where(col(Question.id).in_(linked)))
    }
    return {
        r.question_id: Link(
            r.question_id, r.branch, questions[r.condition_id], questions[r.outcome_id]
        )
        for r in rows
    }


def link_of(session: Session, question_id: int) -> Link | None:
    """Return the question's link if it is a conditional question."""
    return links_of(session, [question_id]).get(question_id)
