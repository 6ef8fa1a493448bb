"""One parser for a question's resolution, shared by the API, the CLI and the importer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from forecast.core.conditionals import VOID, Resolved
from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso
from forecast.models import QuestionType
from forecast.services.kinds import KINDS
from forecast.services.questions.input import QuestionRange

OUTCOMES = ("yes", "no", "annulled", "ambiguous", "below_lower_bound", "above_upper_bound")
VALUE = "value"
OPTION = "option"
# A validated resolution: an outcome, or a value on the question's axis (dates in seconds), or
# outcome "option" with the option's index as value (multiple choice). The same value the pure
# conditional rules read (forecast.core.conditionals), so one class serves both.
Resolution = Resolved


def parse_resolution(
    value: Any,
    *,
    qtype: QuestionType,
    range_: QuestionRange | None,
    open_time: datetime,
    default_resolved_at: datetime | None = None,
    options: Sequence[str] = (),
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
    outcome = value.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise ValidationFailed(f"unknown resolution outcome {outcome!r}", "outcome")
    if outcome in VOID:
        return Resolution(str(outcome), None, resolved_at)
    kind = KINDS[qtype.value]
    resolved, number = kind.parse_resolution(value, range_, options)
    return Resolution(resolved, number, resolved_at)
