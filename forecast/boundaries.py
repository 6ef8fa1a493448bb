"""Decision boundaries, evaluated: events, crossings, margins, verdicts. Pure numpy/stdlib.

A boundary says: act when P(event) >= t (or stop when P(event) <= t). The event depends on the
question's type:

- binary: {"kind": "yes"}: the probability of yes;
- date: {"kind": "before", "date": ISO} (a fixed deadline) or {"kind": "within", "years": N}
  (rolling: before the evaluation time plus N calendar years, so "10% within 10 years" keeps
  its meaning as time passes); P(before T) is the aggregate CDF at T's position, linear between
  grid points, cdf[0] below the range and cdf[200] above it (SCORING.md);
- numeric: {"kind": "at_least", "value": x} = 1 - P(X <= x), {"kind": "at_most", ...} = P(X <= x).

Crossed means the probability is past the threshold in the comparator's direction. The margin is
signed: positive when past (in percentage points, and in log-odds). The verdict looks at every
aggregation method and at the bootstrap interval: "crossed" when all methods and the whole
interval are past the threshold, "not_crossed" when none of them is, else "contested".

Crossing events follow the event's probability as a step function of time (one value per
aggregate history entry). With a hysteresis band h, a crossed boundary only returns to
"not_crossed" once the probability is past the threshold by h the other way, so an aggregate
hovering at the threshold does not flap. Rolling events are evaluated at each entry's start.

The content hash of a committed version is the SHA-256 of its canonical JSON: keys sorted,
separators "," and ":", non-ASCII kept, numbers as Python's repr (shortest round-trip form).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forecast.distributions import Scale, cdf_at

KINDS_BY_TYPE = {
    "binary": ("yes",),
    "date": ("before", "within"),
    "numeric": ("at_least", "at_most"),
}
COMPARATORS = (">=", "<=")
MAX_YEARS = 100.0
LOGIT_CLIP = 1e-6


class BoundaryError(ValueError):
    """A boundary that breaks a rule; carries a user-facing message and the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Event:
    """What a boundary puts a probability on."""

    kind: str
    date: float | None = None  # Unix seconds, for "before"
    years: float | None = None  # for "within"
    value: float | None = None  # for "at_least" / "at_most"


def _finite(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BoundaryError(f"{field} must be a finite number", field)
    return float(value)


def parse_event(obj: Any, question_type: str) -> Event:
    """Validate an event for a question of the given type."""
    if not isinstance(obj, Mapping):
        raise BoundaryError('event must be an object such as {"kind": "yes"}', "event")
    allowed = KINDS_BY_TYPE.get(question_type, ())
    kind = obj.get("kind")
    if kind not in allowed:
        names = ", ".join(allowed)
        raise BoundaryError(
            f"on a {question_type} question the event kind is one of: {names}", "event.kind"
        )
    if kind == "yes":
        return Event("yes")
    if kind == "before":
        raw = obj.get("date")
        try:
            moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise BoundaryError("event.date must be an ISO 8601 date", "event.date") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return Event("before", date=moment.timestamp())
    if kind == "within":
        years = _finite(obj.get("years"), "event.years")
        if not 0 < years <= MAX_YEARS:
            raise BoundaryError(
                f"event.years must be above 0 and at most {MAX_YEARS:g}", "event.years"
            )
        return Event("within", years=years)
    return Event(str(kind), value=_finite(obj.get("value"), "event.value"))


def event_to_json(event: Event) -> dict[str, Any]:
    """Render an event in its canonical JSON form."""
    if event.kind == "before":
        assert event.date is not None
        stamp = datetime.fromtimestamp(event.date, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"kind": "before", "date": stamp}
    if event.kind == "within":
        years = event.years
        return {"kind": "within", "years": int(years) if years and years.is_integer() else years}
    if event.kind in ("at_least", "at_most"):
        return {"kind": event.kind, "value": event.value}
    return {"kind": "yes"}


def describe_event(event: Event) -> str:
    """Say what the event is, in words."""
    if event.kind == "before":
        assert event.date is not None
        return f"before {datetime.fromtimestamp(event.date, UTC):%Y-%m-%d}"
    if event.kind == "within":
        return f"within {event.years:g} years of the evaluation date"
    if event.kind == "at_least":
        return f"at least {event.value:g}"
    if event.kind == "at_most":
        return f"at most {event.value:g}"
    return "yes"


def parse_comparator(value: Any) -> str:
    """Return '>=' or '<=', or refuse anything else."""
    if value not in COMPARATORS:
        raise BoundaryError(
            "comparator must be '>=' (act once P reaches t) or '<=' (stop once P falls to t)",
            "comparator",
        )
    return str(value)


def parse_threshold(value: Any) -> float:
    """Return a threshold strictly between 0 and 1."""
    threshold = _finite(value, "threshold")
    if not 0.0 < threshold < 1.0:
        raise BoundaryError("threshold must be strictly between 0 and 1", "threshold")
    return threshold


def add_years(t: float, years: float) -> float:
    """Return t plus a number of calendar years (29 February maps to 28 February).

    Whole years keep the month, day and time; a fractional part adds that fraction of the
    following year's length in seconds.
    """
    moment = datetime.fromtimestamp(t, UTC)
    whole = math.floor(years)
    target = moment.year + whole
    day = moment.day
    if moment.month == 2 and day == 29 and not _leap(target):
        day = 28
    shifted = moment.replace(year=target, day=day)
    fraction = years - whole
    if fraction:
        length = 366 * 86_400 if _leap(target + (moment.month > 2)) else 365 * 86_400
        return shifted.timestamp() + fraction * length
    return shifted.timestamp()


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def deadline(event: Event, t: float) -> float:
    """Return the instant a date event must happen before, evaluated at time t."""
    if event.kind == "within":
        assert event.years is not None
        return add_years(t, event.years)
    if event.kind == "before":
        assert event.date is not None
        return event.date
    raise BoundaryError("only date events have a deadline", "event.kind")


def event_probability(
    event: Event, value: Any, *, question_type: str, scale: Scale | None, t: float
) -> float:
    """Return P(event) from an aggregate value (a probability, or a 201-point CDF)."""
    if event.kind == "yes":
        return float(value)
    assert scale is not None, "continuous events need the question's scale"
    cdf = np.asarray(value, dtype=np.float64)
    if event.kind in ("before", "within"):
        return float(cdf_at(cdf, scale, deadline(event, t)))
    assert event.value is not None
    below = float(cdf_at(cdf, scale, event.value))
    return 1.0 - below if event.kind == "at_least" else below


def is_crossed(p: float, comparator: str, threshold: float) -> bool:
    """Tell whether p is past the threshold in the comparator's direction."""
    return p >= threshold if comparator == ">=" else p <= threshold


def margin_points(p: float, comparator: str, threshold: float) -> float:
    """Return how far p is past the threshold, in percentage points (negative: not yet)."""
    sign = 1.0 if comparator == ">=" else -1.0
    return 100.0 * sign * (p - threshold)


def _logit(p: float) -> float:
    p = min(max(p, LOGIT_CLIP), 1.0 - LOGIT_CLIP)
    return math.log(p / (1.0 - p))


def margin_log_odds(p: float, comparator: str, threshold: float) -> float:
    """Return how far p is past the threshold in log-odds (negative: not yet)."""
    sign = 1.0 if comparator == ">=" else -1.0
    return sign * (_logit(p) - _logit(threshold))


def verdict(
    by_method: Mapping[str, float], interval: Sequence[float], comparator: str, threshold: float
) -> str:
    """Return crossed, not_crossed or contested across methods and the bootstrap interval.

    The whole interval is past the threshold when both of its ends are; no part of it is when
    neither end is (an end exactly at the threshold counts as past, like is_crossed).
    """
    checks = [is_crossed(p, comparator, threshold) for p in by_method.values()]
    checks += [is_crossed(float(end), comparator, threshold) for end in interval]
    if all(checks):
        return "crossed"
    if not any(checks):
        return "not_crossed"
    return "contested"


def crossing_events(
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    p: NDArray[np.float64],
    *,
    comparator: str,
    threshold: float,
    hysteresis: float,
    commit_time: float,
) -> list[tuple[float, str, float]]:
    """Return (time, new state, probability) for each change of state since the commit.

    The first event, at the commit time, records the state then in force (entries without
    forecasters, p = nan, are skipped). With hysteresis h a crossed boundary returns to
    not_crossed only once p is past the threshold by h in the other direction.
    """
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    live = (end > commit_time) & ~np.isnan(p)
    times = np.maximum(start[live], commit_time)
    values = p[live]
    if len(values) == 0:
        return []
    sign = 1.0 if comparator == ">=" else -1.0
    past = sign * (values - threshold) >= 0
    events: list[tuple[float, str, float]] = []
    if hysteresis <= 0:
        changes = np.flatnonzero(np.diff(past.astype(np.int8))) + 1
        for i in [0, *changes.tolist()]:
            events.append(
                (float(times[i]), "crossed" if past[i] else "not_crossed", float(values[i]))
            )
        return events
    # With a band, state depends on the path: walk only the entries where it may change.
    back = sign * (values - threshold) < -hysteresis
    state = bool(past[0])
    events.append((float(times[0]), "crossed" if state else "not_crossed", float(values[0])))
    candidates = np.flatnonzero(past | back)
    for i in candidates.tolist():
        if not state and past[i]:
            state = True
        elif state and back[i]:
            state = False
        else:
            continue
        events.append((float(times[i]), "crossed" if state else "not_crossed", float(values[i])))
    return events


def report_order(crossed: NDArray[np.bool_], distance: NDArray[np.float64]) -> list[int]:
    """Order rows: crossed first, then by distance to the threshold (smallest first)."""
    return np.lexsort((np.asarray(distance), ~np.asarray(crossed, dtype=bool))).tolist()


@dataclass(frozen=True)
class Suggestion:
    """A threshold from the cost-loss rule, with the reasoning in words."""

    threshold: float
    reasoning: str


def threshold_from_costs(cost: float, loss: float) -> Suggestion:
    """Suggest t = C / L: acting costs C whatever happens; not acting loses L if it happens."""
    cost, loss = _finite(cost, "cost"), _finite(loss, "loss")
    if not 0 < cost < loss:
        raise BoundaryError(
            "the cost of acting must be positive and below the loss avoided", "cost"
        )
    t = cost / loss
    reasoning = (
        f"Acting costs {cost:g} whatever happens; not acting loses {loss:g} if the "
        f"event happens. Acting is worth it when p x {loss:g} > {cost:g}, that is when "
        f"p > {cost:g} / {loss:g} = {100 * t:.3g}%."
    )
    return Suggestion(t, reasoning)


def content_hash(fields: Mapping[str, Any]) -> str:
    """Return the SHA-256 of the canonical JSON of a committed version's content."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
