"""What of a boundary's evaluation its reader may see: the aggregate's hiding rules applied.

A report row, a boundary's status and its recorded events all carry the community prediction
(or a verdict drawn from it). Each is cut down here, by the rules of `aggregate_visibility`,
for a reader from whom the question's aggregate is hidden; nothing else decides it.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import datetime
from typing import Any

from sqlmodel import Session

from forecast.models import Question, User
from forecast.services.aggregation.visibility import hidden_among, hidden_reason

# Everything in a row that is the aggregate or follows from it.
_DERIVED: dict[str, Any] = {
    "probability": None,
    "by_method": {},
    "interval": None,
    "crossed": None,
    "margin": None,
    "margin_log_odds": None,
    "verdict": "hidden",
    "methods_known": 0,
    "methods_crossed": 0,
    "first_crossed_at": None,
    "events": [],
    "path": [],
    "verdict_history": [],
    "decision_outcome": None,
    "lead_time_days": None,
    "best_at_threshold": None,
}


def hidden_questions(
    session: Session, questions: Sequence[Question], viewer: User | None, now: datetime
) -> dict[int, str]:
    """Return, for each question whose aggregate is hidden from the viewer, why."""
    unique = list({q.id: q for q in questions if q.id is not None}.values())
    hidden = hidden_among(session, unique, viewer, now)
    reasons = {}
    for question in unique:
        if question.id in hidden:
            reasons[question.id] = hidden_reason(session, question, viewer, now) or "hidden"
    return reasons


def redact_row(row: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """Return the row as its reader may see it: without the aggregate when reason is set."""
    row["hidden"] = reason
    if reason is not None:
        row.update({k: copy(v) for k, v in _DERIVED.items()})
    return row
