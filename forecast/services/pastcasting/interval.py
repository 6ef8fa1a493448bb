"""Numeric and date pastcasts, answered and graded as 90% interval training items.

The person gives the range they are 90% sure the outcome falls in, as of the vantage date. It
is graded exactly like an interval item of a training set (forecast.core.calibration):

- a hit when lower <= x <= upper, so over many items about 90% should be hits;
- the interval score (u - l) + (2/a)(l - x)[x < l] + (2/a)(x - u)[x > u] with a = 0.1
  (SCORING.md; Gneiting and Raftery 2007): the width of the range plus twenty times the
  miss, lower is better. It is a proper score for the 5th and 95th percentiles, so the best
  expected score comes from giving one's honest 5% and 95% points: too narrow is punished by
  the misses, too wide by the width.

The score is in the question's own unit; on a date question in days (an axis kept in seconds
would make a one-day miss read as 1,728,000). A plain date as the upper end means the end of
that day, as a person typing "by 31 May" means it.

The community's own 90% interval then is the 5th and 95th percentile of its aggregate CDF at
the vantage instant (and its median the 50th), shown under the same hiding rules as a binary
pastcast's probability (pastcast_hidden_reason) and scored the same way after the answer, so
"you against the community" compares like with like. Only questions resolved to a value are
offered: one resolved below or above an open bound has no number to grade an interval against.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from forecast.core.calibration import grade_interval
from forecast.errors import ValidationFailed
from forecast.infra.clock import format_iso
from forecast.models import PastcastAnswer, Question, User
from forecast.services.kinds import kind_of
from forecast.services.kinds.ranges import question_range
from forecast.services.pastcasting.community import CommunityInterval, community_interval_at
from forecast.services.training_answers import interval

DAY = 86_400.0
DATE_ONLY = 10  # len("2026-05-31")


def is_date(question: Question) -> bool:
    """Tell whether the question's axis holds dates (Unix seconds)."""
    return kind_of(question).is_date


def unit(question: Question) -> float:
    """Return how many axis units make one unit of the score: a day on a date axis."""
    return DAY if is_date(question) else 1.0


def render(question: Question, x: float | None) -> Any:
    """Give an axis value as the API gives the question's: a date as ISO 8601, else a number."""
    return None if x is None else kind_of(question).render_point(x)


def _point(question: Question, value: Any, field: str) -> Any:
    """Read one end as typed or sent: a number, or on a date question an ISO 8601 date."""
    if not is_date(question):
        return value
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be an ISO 8601 date", field)
    at = kind_of(question).read_point(value, field)
    if field == "upper" and len(value.strip()) == DATE_ONLY:
        at += DAY - 1  # the whole of the day named
    return at


def spread(
    question: Question, lower: float | None, median: float | None, upper: float | None
) -> dict[str, Any] | None:
    """Return a community interval as shown: its ends and median (None when nobody stood)."""
    if lower is None or median is None or upper is None:
        return None
    return {
        "lower": render(question, lower),
        "median": render(question, median),
        "upper": render(question, upper),
    }


def parse_interval(question: Question, data: Mapping[str, Any]) -> tuple[float, float]:
    """Return the person's (lower, upper) on the question's axis, or refuse them."""
    return interval(
        _point(question, data.get("lower"), "lower"), _point(question, data.get("upper"), "upper")
    )


def truth_of(question: Question) -> float:
    """Return the value the question resolved to (offered questions always have one)."""
    assert question.resolution_value is not None
    return float(question.resolution_value)


def grade(question: Question, lower: float, upper: float) -> tuple[bool, float]:
    """Return (hit, interval score in the question's unit) of a 90% interval."""
    per = unit(question)
    return grade_interval(lower / per, upper / per, truth_of(question) / per)


def interval_row(
    session: Any, user: User, question: Question, vantage: datetime, data: Mapping[str, Any]
) -> PastcastAnswer:
    """Grade an interval answer; return its row (not yet stored) with the community then."""
    lower, upper = parse_interval(question, data)
    hit, score = grade(question, lower, upper)
    then = community_interval_at(session, question, vantage)
    return PastcastAnswer(
        user_id=user.id,  # type: ignore[arg-type]
        question_id=question.id,  # type: ignore[arg-type]
        kind="interval",
        vantage_at=vantage,
        lower=lower,
        upper=upper,
        correct=hit,
        score=score,
        community_then=then.median,
        community_lower=then.lower,
        community_upper=then.upper,
        forecasters_then=then.forecasters,
    )


def range_shown(question: Question) -> dict[str, Any]:
    """Return the question's range as the item shows it (known from the start)."""
    r = question_range(question)
    assert r is not None
    return {
        "min": render(question, r.min),
        "max": render(question, r.max),
        "open_lower": r.open_lower,
        "open_upper": r.open_upper,
        "log_scale": r.zero_point is not None,
    }


def interval_shown(
    then: CommunityInterval, question: Question, hidden: str | None
) -> dict[str, Any]:
    """Return an interval item's own fields as of the vantage instant, before any answer."""
    community = None if hidden else spread(question, then.lower, then.median, then.upper)
    return {
        "is_date": is_date(question),
        "score_unit": "days" if is_date(question) else None,
        "range": range_shown(question),
        "community_then": None,
        "community_interval_then": community,
    }


def interval_reveal(
    session: Any, question: Question, done: PastcastAnswer, hidden: str | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """Return (the answer, the reveal, the community interval then as shown) of an interval."""
    assert done.lower is not None and done.upper is not None
    then = then_score = at_close = None
    close = community_interval_at(session, question, question.close_time)
    if not hidden:
        low, high = done.community_lower, done.community_upper
        then = spread(question, low, done.community_then, high)
        then_score = None if low is None or high is None else grade(question, low, high)[1]
        at_close = spread(question, close.lower, close.median, close.upper)
    answer = {
        "lower": render(question, done.lower),
        "upper": render(question, done.upper),
        "answered_at": format_iso(done.answered_at),
    }
    reveal = {
        "key": question.key,
        "outcome": question.resolution_outcome,
        "value": render(question, truth_of(question)),
        "resolved_at": format_iso(question.resolved_at) if question.resolved_at else None,
        "correct": done.correct,
        "score": done.score,
        "community_then_score": then_score,
        # Positive: the person's interval score beat the community's at the vantage date.
        "beat_community_by": None if then_score is None else then_score - done.score,
        "community_interval_at_close": at_close,
        "forecasters_at_close": close.forecasters,
    }
    return answer, reveal, then
