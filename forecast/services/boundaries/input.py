"""One parser for a boundary's content, shared by the API, the web forms and the seeds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from forecast.core.aggregation.methods import AGGREGATION_METHODS
from forecast.core.boundaries import rules
from forecast.core.boundaries.states import default_hysteresis
from forecast.errors import NotFound, ValidationFailed
from forecast.models import Question, QuestionStatus
from forecast.services.kinds import kind_of
from forecast.services.methods import parse_boundary_method
from forecast.services.questions.references import question_by_reference

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


def text_field(data: Mapping[str, Any], name: str, *, required: bool) -> str:
    """Return a text field stripped, refusing one that is not text or is too long."""
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
    question = question_by_reference(session, ref, "question", "question")
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
        event = rules.parse_event(data.get("event") or {}, question.type, question.option_labels)
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
    method = parse_boundary_method(data.get("method"))
    if not AGGREGATION_METHODS[method].applies_to(kind_of(question).value_kind):
        raise ValidationFailed(
            f"method {method} applies to numeric and date questions with a trend series", "method"
        )
    return BoundaryInput(
        question=question,
        action=text_field(data, "action", required=True),
        event=rules.event_to_json(event),
        comparator=comparator,
        threshold=threshold,
        method=method,
        rationale=text_field(data, "rationale", required=False),
        hysteresis=float(hysteresis),
        min_forecasters=min_forecasters,
    )


def flag_field(data: Mapping[str, Any], name: str) -> bool:
    """Return a true-or-false field (false when absent)."""
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ValidationFailed(f"{name} must be true or false", name)
    return value


def ladder_field(data: Mapping[str, Any]) -> str | None:
    """Return the name of the ladder a draft joins, or None."""
    ladder = data.get("ladder")
    if ladder is None or ladder == "":
        return None
    if not isinstance(ladder, str) or len(ladder) > 100:
        raise ValidationFailed("ladder must be a name of at most 100 characters", "ladder")
    return ladder.strip()
