"""One parser for a question's resolution, shared by the API, the CLI and the importer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch
from forecast.models import QuestionType
from forecast.services.questions.input import QuestionRange

OUTCOMES = ("yes", "no", "annulled", "ambiguous", "below_lower_bound", "above_upper_bound")
VALUE = "value"
VOID = ("annulled", "ambiguous")


@dataclass(frozen=True)
class Resolution:
    """A validated resolution: an outcome, or a value on the question's axis (dates in seconds)."""

    outcome: str
    value: float | None
    resolved_at: datetime

    @property
    def void(self) -> bool:
        return self.outcome in VOID


def parse_resolution(
    value: Any,
    *,
    qtype: QuestionType,
    range_: QuestionRange | None,
    open_time: datetime,
    default_resolved_at: datetime | None = None,
) -> Resolution:
    """Validate a resolution object for a question of the given type and range."""
    if not isinstance(value, Mapping):
        raise ValidationFailed("a resolution must be an object", "resolution")
    raw_at = value.get("resolved_at")
    if raw_at is None and default_resolved_at is not None:
        resolved_at = default_resolved_at
    else:
        try:
            resolved_at = parse_iso(str(raw_at or ""))
        except ValueError:
            raise ValidationFailed(
                "resolved_at must be an ISO 8601 timestamp", "resolved_at"
            ) from None
    if resolved_at < open_time:
        raise ValidationFailed("resolved_at is before the question opened", "resolved_at")
    if "outcome" in value:
        outcome = value["outcome"]
        if outcome not in OUTCOMES:
            raise ValidationFailed(f"unknown resolution outcome {outcome!r}", "outcome")
        if qtype is QuestionType.BINARY and outcome in ("below_lower_bound", "above_upper_bound"):
            raise ValidationFailed(f"a binary question cannot resolve {outcome}", "outcome")
        if qtype is not QuestionType.BINARY and outcome in ("yes", "no"):
            raise ValidationFailed(f"a {qtype.value} question cannot resolve {outcome}", "outcome")
        if outcome == "below_lower_bound" and range_ and not range_.open_lower:
            raise ValidationFailed("below_lower_bound needs an open lower bound", "outcome")
        if outcome == "above_upper_bound" and range_ and not range_.open_upper:
            raise ValidationFailed("above_upper_bound needs an open upper bound", "outcome")
        return Resolution(str(outcome), None, resolved_at)
    if qtype is QuestionType.NUMERIC and "value" in value:
        number = value["value"]
        if isinstance(number, bool) or not isinstance(number, int | float) or number != number:
            raise ValidationFailed("value must be a number", "value")
        resolved = float(number)
    elif qtype is QuestionType.DATE and "date" in value:
        try:
            resolved = to_epoch(parse_iso(str(value["date"])))
        except ValueError:
            raise ValidationFailed("date must be an ISO 8601 timestamp", "date") from None
    else:
        raise ValidationFailed(
            "give an outcome, or a value (numeric questions) or a date (date questions)", "outcome"
        )
    assert range_ is not None
    if resolved < range_.min or resolved > range_.max:
        raise ValidationFailed(
            "a resolution outside the range is given as below_lower_bound or above_upper_bound",
            "value" if qtype is QuestionType.NUMERIC else "date",
        )
    return Resolution(VALUE, resolved, resolved_at)
