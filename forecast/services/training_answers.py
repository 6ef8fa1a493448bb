"""Training answers, read and stored by one rule for the known-answer sets and for pastcasts.

A confidence, a probability and a 90% interval are refused the same way wherever they are
typed, so a person meets one message for one mistake, and the sets' items and the pastcasts
graded like them cannot drift apart; each is stored once per person, a second answer being a
conflict however the two race.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from forecast.errors import Conflict, ValidationFailed
from forecast.infra.db import write


def bounded(value: Any, field: str, low: float, high: float, message: str) -> float:
    """Return a number between low and high (both included); refuse anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not (low <= value <= high):
        raise ValidationFailed(message, field)
    return float(value)


# An interval end this large still leaves the interval score (width plus twenty times a miss)
# a finite number; near the largest double it would overflow to infinity, which no JSON holds.
MAX_END = 1e300


def finite(value: Any, field: str) -> float:
    """Return a finite number; refuse text, booleans, nan and infinities."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationFailed(f"{field} must be a finite number", field)
    return float(value)


def interval(lower: Any, upper: Any) -> tuple[float, float]:
    """Return a 90% interval's (lower, upper): finite, at most 1e300 in size, lower <= upper."""
    low, high = finite(lower, "lower"), finite(upper, "upper")
    for field, end in (("lower", low), ("upper", high)):
        if abs(end) > MAX_END:
            raise ValidationFailed(f"{field} must be at most 1e300 in size", field)
    if low > high:
        raise ValidationFailed("lower must not exceed upper", "lower")
    return low, high


def store_once(session: Session, row: SQLModel, message: str, field: str) -> None:
    """Store a graded answer; the table's one-answer-each constraint makes a second one (even
    one racing the first) a conflict."""
    try:
        with write(session):
            session.add(row)
    except IntegrityError:
        raise Conflict(message, field) from None
