"""A continuous question's range: its bounds on its own axis and the scale they give.

The kinds read ranges (a numeric or date forecast is a CDF over one) and the question parser
builds them, so the range lives here, below both (forecast.services.questions.input parses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecast.core.distributions import Scale
from forecast.errors import ValidationFailed


@dataclass(frozen=True)
class QuestionRange:
    """Bounds of a continuous question on its own axis (dates as Unix seconds)."""

    min: float
    max: float
    open_lower: bool
    open_upper: bool
    zero_point: float | None


def scale_of_range(r: QuestionRange) -> Scale:
    """Return the internal-axis scale of a range."""
    return Scale(
        min=r.min,
        max=r.max,
        open_lower=r.open_lower,
        open_upper=r.open_upper,
        zero_point=r.zero_point,
    )


def question_range(question: Any) -> QuestionRange | None:
    """Return the stored range of a question (None for binary)."""
    if not question.is_continuous or question.range_min is None or question.range_max is None:
        return None
    return QuestionRange(
        min=question.range_min,
        max=question.range_max,
        open_lower=question.open_lower,
        open_upper=question.open_upper,
        zero_point=question.zero_point,
    )


def store_range(question: Any, r: QuestionRange | None) -> None:
    """Write a range onto a question's columns (no range: none stored, both ends closed); the
    inverse of question_range, for a question created and for one whose range is edited."""
    question.range_min = r.min if r else None
    question.range_max = r.max if r else None
    question.open_lower = r.open_lower if r else False
    question.open_upper = r.open_upper if r else False
    question.zero_point = r.zero_point if r else None


def question_scale(question: Any) -> Scale:
    """Return the internal-axis scale of a continuous question."""
    r = question_range(question)
    if r is None:
        raise ValidationFailed("binary questions have no scale", "type")
    return scale_of_range(r)
