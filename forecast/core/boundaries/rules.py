"""Decision boundaries, evaluated: events, deadlines, crossings, margins, verdicts. Pure numpy.

A boundary says "act once P(event) >= t" (comparator ">=") or "stop once P(event) <= t" ("<=").
This module turns a question's aggregate into P(event) and compares it with t; its companion
`forecast.core.boundaries.paths` follows the same comparison over time (crossing events since the
commit, hysteresis, rolling horizons whose probability moves inside an aggregate entry); its
public functions are importable from here too.

Events, by question type
------------------------
- binary ``{"kind": "yes"}``: P is the aggregate probability itself.
- date ``{"kind": "before", "date": ISO 8601}``: P = F(deadline), the aggregate CDF at the
  deadline's position on the question's axis, linear in u between grid points, ``cdf[0]`` below
  the range and ``cdf[200]`` above it (SCORING.md). A date without an offset is read as UTC.
- date ``{"kind": "within", "years": N}``, 0 < N <= 100, whole or fractional: a rolling horizon,
  P = F(deadline(t)) with deadline(t) = t + N calendar years, t the evaluation instant
  (calendar rules in `forecast.core.boundaries.paths`).
- numeric ``{"kind": "at_least", "value": x}``: P(X >= x) = 1 - F(x); ``{"kind": "at_most", ...}``:
  F(x). The aggregate CDF is continuous inside the range, so P(X = x) = 0 there and the two are
  complements. Outside the range the tails count whole: below ``min`` F(x) = ``cdf[0]`` and above
  ``max`` F(x) = ``cdf[200]``, so "at least x" above the range is the mass ``1 - cdf[200]``.

Crossing, margins and verdicts are in `forecast.core.boundaries.verdicts`; the content hash
and the cost-loss threshold in `forecast.core.boundaries.commitments`. Their public names are
importable from here too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np

from forecast.core.boundaries.commitments import HASH_FIELDS as HASH_FIELDS
from forecast.core.boundaries.commitments import Suggestion as Suggestion
from forecast.core.boundaries.commitments import canonical_json as canonical_json
from forecast.core.boundaries.commitments import content_hash as content_hash
from forecast.core.boundaries.commitments import threshold_from_costs as threshold_from_costs
from forecast.core.boundaries.fields import BoundaryError as BoundaryError
from forecast.core.boundaries.fields import fmt_value, number_field
from forecast.core.boundaries.paths import Crossings as Crossings
from forecast.core.boundaries.paths import FloatArray, cdf_rows_at_u, shift_years, states
from forecast.core.boundaries.paths import add_years as add_years
from forecast.core.boundaries.paths import first_crossed_at as first_crossed_at
from forecast.core.boundaries.paths import rolling_path as rolling_path
from forecast.core.boundaries.paths import rolling_probability as rolling_probability
from forecast.core.boundaries.paths import rolling_states as rolling_states
from forecast.core.boundaries.verdicts import LOGIT_CLIP as LOGIT_CLIP
from forecast.core.boundaries.verdicts import VERDICT_ORDER as VERDICT_ORDER
from forecast.core.boundaries.verdicts import Verdict as Verdict
from forecast.core.boundaries.verdicts import comparator_sign as comparator_sign
from forecast.core.boundaries.verdicts import crossed_mask as crossed_mask
from forecast.core.boundaries.verdicts import is_crossed as is_crossed
from forecast.core.boundaries.verdicts import margin_log_odds as margin_log_odds
from forecast.core.boundaries.verdicts import margin_points as margin_points
from forecast.core.boundaries.verdicts import margins_log_odds as margins_log_odds
from forecast.core.boundaries.verdicts import margins_points as margins_points
from forecast.core.boundaries.verdicts import report_order as report_order
from forecast.core.boundaries.verdicts import verdict as verdict
from forecast.core.boundaries.verdicts import verdicts as verdicts
from forecast.core.distributions import CDF_POINTS, Scale
from forecast.core.instants import format_iso, from_epoch, parse_iso

EventKind = Literal["yes", "before", "within", "at_least", "at_most", "option"]

KINDS_BY_TYPE: dict[str, tuple[EventKind, ...]] = {
    "binary": ("yes",),
    "date": ("before", "within"),
    "numeric": ("at_least", "at_most"),
    "multiple_choice": ("option",),
}
_FIELD_OF_KIND = {"yes": None, "before": "date", "within": "years", "option": "option"}
_FIELD_OF_KIND |= {"at_least": "value", "at_most": "value"}
COMPARATORS = (">=", "<=")
MAX_YEARS = 100.0
MAX_HYSTERESIS = 0.5


@dataclass(frozen=True)
class Event:
    """What a boundary puts a probability on; only the kind's own field is set."""

    kind: EventKind
    date: float | None = None  # Unix seconds, for "before"
    years: float | None = None  # for "within"
    value: float | None = None  # for "at_least" and "at_most"
    option: str | None = None  # for "option": the option's label
    index: int | None = None  # and its place among the question's options


def parse_event(obj: Any, question_type: str, options: Sequence[str] = ()) -> Event:
    """Validate an event against its question's type (and options) and return it."""
    if question_type not in KINDS_BY_TYPE:
        raise BoundaryError(f"unknown question type {question_type!r}", "question.type")
    allowed = KINDS_BY_TYPE[question_type]
    example = json.dumps({"kind": allowed[0]})
    if not isinstance(obj, Mapping):
        raise BoundaryError(f"event must be an object such as {example}", "event")
    kind = obj.get("kind")
    if kind not in allowed:
        names = " or ".join(f'"{k}"' for k in allowed)
        raise BoundaryError(
            f"on a {question_type} question the event kind must be {names}", "event.kind"
        )
    for key in obj:
        if key not in ("kind", _FIELD_OF_KIND[kind]):
            raise BoundaryError(f'a "{kind}" event has no field {key!r}', f"event.{key}")
    if kind == "before":
        return Event("before", date=_parse_date(obj.get("date")))
    if kind == "within":
        years = number_field(obj.get("years"), "event.years", "the number of years")
        if not 0.0 < years <= MAX_YEARS:
            raise BoundaryError(
                f"the number of years must be above 0 and at most {MAX_YEARS:g}, "
                f"got {fmt_value(years)}",
                "event.years",
            )
        return Event("within", years=years)
    if kind in ("at_least", "at_most"):
        return Event(kind, value=number_field(obj.get("value"), "event.value", "the value"))
    if kind == "option":
        label = obj.get("option")
        if not isinstance(label, str) or label not in options:
            raise BoundaryError(
                "the option must be one of the question's: " + ", ".join(options), "event.option"
            )
        return Event("option", option=label, index=list(options).index(label))
    return Event("yes")


def _parse_date(raw: Any) -> float:
    if not isinstance(raw, str) or not raw.strip():
        raise BoundaryError(
            "the date must be an ISO 8601 text such as 2036-11-23 or 2036-11-23T00:00:00Z",
            "event.date",
        )
    try:
        return parse_iso(raw).timestamp()
    except (ValueError, OverflowError):
        raise BoundaryError(f"{raw!r} is not an ISO 8601 date", "event.date") from None


def event_to_json(event: Event) -> dict[str, Any]:
    """Return the event's canonical JSON form (what is stored and hashed)."""
    if event.kind == "before":
        assert event.date is not None
        return {"kind": "before", "date": format_iso(from_epoch(event.date))}
    if event.kind == "within":
        assert event.years is not None
        years = event.years
        return {"kind": "within", "years": int(years) if years.is_integer() else years}
    if event.kind in ("at_least", "at_most"):
        return {"kind": event.kind, "value": event.value}
    if event.kind == "option":
        return {"kind": "option", "option": event.option}
    return {"kind": "yes"}


def describe_event(
    event: Event, scale: Scale | None = None, question_type: str | None = None
) -> str:
    """Say in words what the event is, noting a value or date outside the question's range."""
    if question_type is not None and event.kind not in KINDS_BY_TYPE.get(question_type, ()):
        raise BoundaryError(f'a "{event.kind}" event does not fit a {question_type} question')
    if event.kind == "yes":
        return "the question resolves yes"
    if event.kind == "option":
        return f"the option {event.option!r} happens"
    if event.kind == "within":
        assert event.years is not None
        unit = "year" if event.years == 1 else "years"
        return f"within {fmt_value(event.years)} {unit} of the evaluation date"
    if event.kind == "before":
        assert event.date is not None
        moment = from_epoch(event.date)
        when = f"{moment:%Y-%m-%d}" if moment.time() == datetime.min.time() else format_iso(moment)
        text, x = f"a date before {when}", event.date
        shown = _date_range(scale)
    else:
        assert event.value is not None
        text = f"{'at least' if event.kind == 'at_least' else 'at most'} {fmt_value(event.value)}"
        x = event.value
        shown = (fmt_value(scale.min), fmt_value(scale.max)) if scale else ("", "")
    if scale is not None and not scale.min <= x <= scale.max:
        side = "below" if x < scale.min else "above"
        text += f" ({side} the question's range {shown[0]} to {shown[1]}: the tail mass counts)"
    return text


def _date_range(scale: Scale | None) -> tuple[str, str]:
    if scale is None:
        return "", ""
    return f"{from_epoch(scale.min):%Y-%m-%d}", f"{from_epoch(scale.max):%Y-%m-%d}"


def parse_comparator(value: Any) -> str:
    """Return ">=" or "<=", refusing anything else."""
    if not isinstance(value, str) or value not in COMPARATORS:
        raise BoundaryError(
            'comparator must be ">=" (act once P reaches t) or "<=" (stop once P falls to t)',
            "comparator",
        )
    return value


def parse_threshold(value: Any) -> float:
    """Return a finite threshold strictly between 0 and 1."""
    threshold = number_field(value, "threshold", "the threshold")
    if not 0.0 < threshold < 1.0:
        raise BoundaryError(
            f"the threshold must be strictly between 0 and 1, got {fmt_value(threshold)}",
            "threshold",
        )
    return threshold


def parse_hysteresis(value: Any) -> float:
    """Return a hysteresis band width in probability, at least 0 and below 0.5."""
    width = number_field(value, "hysteresis", "the hysteresis band")
    if not 0.0 <= width < MAX_HYSTERESIS:
        raise BoundaryError(
            f"the hysteresis band must be at least 0 and below {MAX_HYSTERESIS:g}, "
            f"got {fmt_value(width)}",
            "hysteresis",
        )
    return width


def deadlines(event: Event, t: float | FloatArray) -> FloatArray:
    """Return the date event's deadline at each evaluation time in t."""
    times = np.asarray(t, dtype=np.float64)
    if event.kind == "within":
        assert event.years is not None
        return shift_years(times, event.years)
    if event.kind == "before":
        assert event.date is not None
        return np.full(times.shape, event.date)
    raise BoundaryError("only date events have a deadline", "event.kind")


def deadline(event: Event, t: float) -> float:
    """Return the instant a date event must happen before, evaluated at time t."""
    return float(deadlines(event, t))


def _check_fits(event: Event, question_type: str) -> None:
    if event.kind not in KINDS_BY_TYPE.get(question_type, ()):
        raise BoundaryError(
            f'a "{event.kind}" event does not fit a {question_type} question', "event.kind"
        )


def event_probabilities(
    event: Event,
    values: Any,
    *,
    question_type: str,
    scale: Scale | None,
    t: float | FloatArray,
) -> FloatArray:
    """Return P(event) for a batch of aggregate values: (K,) probabilities or (K, 201) CDFs.

    t is the evaluation time, one for all rows or one per row (it only matters for "within").
    Rows without a value (NaN) give NaN.
    """
    _check_fits(event, question_type)
    v = np.asarray(values, dtype=np.float64)
    if event.kind == "yes":
        return v.copy()
    if event.kind == "option":
        assert event.index is not None
        return np.asarray(v[..., event.index], dtype=np.float64)
    if scale is None:
        raise BoundaryError("a continuous event needs the question's scale", "scale")
    if v.ndim == 0 or v.shape[-1] != CDF_POINTS:
        raise BoundaryError(f"a continuous aggregate is a {CDF_POINTS}-point CDF", "value")
    if event.kind in ("before", "within"):
        x = deadlines(event, t)
    else:
        assert event.value is not None
        x = np.asarray(event.value, dtype=np.float64)
    below = cdf_rows_at_u(v, scale.to_u(x))
    return 1.0 - below if event.kind == "at_least" else below


def event_probability(
    event: Event, value: Any, *, question_type: str, scale: Scale | None, t: float
) -> float:
    """Return P(event) from one aggregate value: a probability, or a 201-point CDF."""
    return float(event_probabilities(event, value, question_type=question_type, scale=scale, t=t))


def crossing_events(
    start: FloatArray,
    end: FloatArray,
    p: FloatArray,
    *,
    comparator: str,
    threshold: float,
    hysteresis: float,
    commit_time: float,
    until: float = math.inf,
) -> list[tuple[float, str, float]]:
    """Return (time, new state, probability) per change of state of a step function since commit."""
    found = states(
        start,
        end,
        p,
        comparator=comparator,
        threshold=threshold,
        hysteresis=hysteresis,
        commit_time=commit_time,
        until=until,
    )
    return found.as_tuples()
