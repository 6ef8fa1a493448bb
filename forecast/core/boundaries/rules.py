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

Crossing, margins, verdict
--------------------------
Crossed means past the threshold in the comparator's direction, the threshold itself included
(">=": p >= t; "<=": p <= t). Margins are signed, positive when crossed: percentage points
``100 * s * (p - t)`` and log-odds ``s * (logit(p) - logit(t))`` with s = +1 for ">=" and -1 for
"<=", both probabilities clipped to [1e-6, 1 - 1e-6] first (so it is 0 when both lie at or
beyond the same clip). The verdict weighs every aggregation
method and the bootstrap interval [lo, hi] (lo <= hi): the whole interval is past the threshold
when its nearest end is (">=": lo >= t; "<=": hi <= t), no part of it is when its farthest end is
not (">=": hi < t; "<=": lo > t). "crossed" needs every method and the whole interval past,
"not_crossed" needs no method and no part of the interval past; anything else is "contested".
An interval end exactly at the threshold is past, so it makes a "not_crossed" "contested".

Content hash
------------
A committed version publishes ``content_hash(fields)``: the SHA-256 (lower-case hex) of the
UTF-8 bytes of its canonical JSON, which is ``json.dumps(fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=False, allow_nan=False)`` in Python: keys sorted at every
level, no whitespace, non-ASCII text as itself, floats in their shortest round-trip form (repr),
integers without a decimal point. The fields are ``question`` (its key), ``action``, ``event``
(as stored: `event_to_json`), ``comparator``, ``threshold``, ``method``, ``rationale`` and
``version``. Anyone can recompute it, e.g.
``printf '%s' '{"action":"Brief the board",...}' | sha256sum``.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from forecast.core.boundaries.paths import BoolArray, FloatArray, cdf_rows_at_u, shift_years, states
from forecast.core.boundaries.paths import Crossings as Crossings
from forecast.core.boundaries.paths import add_years as add_years
from forecast.core.boundaries.paths import first_crossed_at as first_crossed_at
from forecast.core.boundaries.paths import rolling_path as rolling_path
from forecast.core.boundaries.paths import rolling_probability as rolling_probability
from forecast.core.boundaries.paths import rolling_states as rolling_states
from forecast.core.distributions import CDF_POINTS, Scale
from forecast.core.instants import format_iso, from_epoch, parse_iso

EventKind = Literal["yes", "before", "within", "at_least", "at_most"]
Verdict = Literal["crossed", "not_crossed", "contested"]

KINDS_BY_TYPE: dict[str, tuple[EventKind, ...]] = {
    "binary": ("yes",),
    "date": ("before", "within"),
    "numeric": ("at_least", "at_most"),
}
_FIELD_OF_KIND = {"yes": None, "before": "date", "within": "years"}
_FIELD_OF_KIND |= {"at_least": "value", "at_most": "value"}
COMPARATORS = (">=", "<=")
MAX_YEARS = 100.0
MAX_HYSTERESIS = 0.5
LOGIT_CLIP = 1e-6
HASH_FIELDS = frozenset(
    {"question", "action", "event", "comparator", "threshold", "method", "rationale", "version"}
)


class BoundaryError(ValueError):
    """A boundary that breaks a rule; carries a user-facing message and the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Event:
    """What a boundary puts a probability on; only the kind's own field is set."""

    kind: EventKind
    date: float | None = None  # Unix seconds, for "before"
    years: float | None = None  # for "within"
    value: float | None = None  # for "at_least" and "at_most"


def _number(value: Any, field: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BoundaryError(f"{what} must be a number", field)
    number = float(value)
    if not math.isfinite(number):
        raise BoundaryError(f"{what} must be a finite number", field)
    return number


def _fmt(x: float) -> str:
    text = f"{x:.12g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def parse_event(obj: Any, question_type: str) -> Event:
    """Validate an event against its question's type and return it."""
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
        years = _number(obj.get("years"), "event.years", "the number of years")
        if not 0.0 < years <= MAX_YEARS:
            raise BoundaryError(
                f"the number of years must be above 0 and at most {MAX_YEARS:g}, got {_fmt(years)}",
                "event.years",
            )
        return Event("within", years=years)
    if kind in ("at_least", "at_most"):
        return Event(kind, value=_number(obj.get("value"), "event.value", "the value"))
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
    return {"kind": "yes"}


def describe_event(
    event: Event, scale: Scale | None = None, question_type: str | None = None
) -> str:
    """Say in words what the event is, noting a value or date outside the question's range."""
    if question_type is not None and event.kind not in KINDS_BY_TYPE.get(question_type, ()):
        raise BoundaryError(f'a "{event.kind}" event does not fit a {question_type} question')
    if event.kind == "yes":
        return "the question resolves yes"
    if event.kind == "within":
        assert event.years is not None
        unit = "year" if event.years == 1 else "years"
        return f"within {_fmt(event.years)} {unit} of the evaluation date"
    if event.kind == "before":
        assert event.date is not None
        moment = from_epoch(event.date)
        when = f"{moment:%Y-%m-%d}" if moment.time() == datetime.min.time() else format_iso(moment)
        text, x = f"a date before {when}", event.date
        shown = _date_range(scale)
    else:
        assert event.value is not None
        text = f"{'at least' if event.kind == 'at_least' else 'at most'} {_fmt(event.value)}"
        x = event.value
        shown = (_fmt(scale.min), _fmt(scale.max)) if scale else ("", "")
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
    threshold = _number(value, "threshold", "the threshold")
    if not 0.0 < threshold < 1.0:
        raise BoundaryError(
            f"the threshold must be strictly between 0 and 1, got {_fmt(threshold)}", "threshold"
        )
    return threshold


def parse_hysteresis(value: Any) -> float:
    """Return a hysteresis band width in probability, at least 0 and below 0.5."""
    width = _number(value, "hysteresis", "the hysteresis band")
    if not 0.0 <= width < MAX_HYSTERESIS:
        raise BoundaryError(
            f"the hysteresis band must be at least 0 and below {MAX_HYSTERESIS:g}, "
            f"got {_fmt(width)}",
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


def comparator_sign(comparator: str | Sequence[str] | npt.NDArray[Any]) -> FloatArray:
    """Return +1 for ">=" and -1 for "<=" (elementwise for an array of comparators)."""
    names = np.asarray(comparator)
    up, down = names == ">=", names == "<="
    if not np.all(up | down):
        raise BoundaryError('comparator must be ">=" or "<="', "comparator")
    return np.where(up, 1.0, -1.0)


def crossed_mask(p: Any, comparator: Any, threshold: Any) -> BoolArray:
    """Return, elementwise, whether p is past the threshold in the comparator's direction."""
    sign = comparator_sign(comparator)
    with np.errstate(invalid="ignore"):
        return np.asarray(sign * (np.asarray(p, np.float64) - threshold) >= 0.0)


def is_crossed(p: float, comparator: str, threshold: float) -> bool:
    """Tell whether p is past the threshold in the comparator's direction (NaN never is)."""
    return bool(crossed_mask(p, comparator, threshold))


def margins_points(p: Any, comparator: Any, threshold: Any) -> FloatArray:
    """Return signed margins in percentage points, elementwise, positive when crossed."""
    return np.asarray(100.0 * comparator_sign(comparator) * (np.asarray(p, np.float64) - threshold))


def margin_points(p: float, comparator: str, threshold: float) -> float:
    """Return how far p is past the threshold in percentage points (negative: not yet)."""
    return float(margins_points(p, comparator, threshold))


def _logit(p: Any) -> FloatArray:
    q = np.clip(np.asarray(p, np.float64), LOGIT_CLIP, 1.0 - LOGIT_CLIP)
    return np.asarray(np.log(q) - np.log1p(-q))


def margins_log_odds(p: Any, comparator: Any, threshold: Any) -> FloatArray:
    """Return signed margins in log-odds, elementwise, positive when crossed."""
    return np.asarray(comparator_sign(comparator) * (_logit(p) - _logit(threshold)))


def margin_log_odds(p: float, comparator: str, threshold: float) -> float:
    """Return how far p is past the threshold in log-odds (negative: not yet)."""
    return float(margins_log_odds(p, comparator, threshold))


def verdicts(
    by_method: Any, lower: Any, upper: Any, comparator: Any, threshold: Any
) -> npt.NDArray[np.str_]:
    """Return the verdicts of many boundaries at once (NaN marks a method without a value).

    by_method is (B, M); lower, upper, comparator and threshold are (B,) arrays or scalars.
    """
    p = np.atleast_2d(np.asarray(by_method, dtype=np.float64))
    lo, hi = np.asarray(lower, np.float64), np.asarray(upper, np.float64)
    if np.isnan(lo).any() or np.isnan(hi).any() or (lo > hi).any():
        raise BoundaryError("an interval is [lower, upper] with lower <= upper", "interval")
    sign = comparator_sign(comparator)
    t = np.asarray(threshold, np.float64)
    near = np.where(sign > 0, lo, hi)
    far = np.where(sign > 0, hi, lo)
    known = ~np.isnan(p)
    past = crossed_mask(p, np.asarray(comparator)[..., None], t[..., None])
    every = np.all(past | ~known, axis=-1) & crossed_mask(near, comparator, t)
    none = ~np.any(past & known, axis=-1) & ~crossed_mask(far, comparator, t)
    return np.where(every, "crossed", np.where(none, "not_crossed", "contested"))


def verdict(
    by_method: Mapping[str, float | None],
    interval: Sequence[float],
    comparator: str,
    threshold: float,
) -> Verdict:
    """Return crossed, not_crossed or contested across the methods and the interval.

    Methods without a value (None or NaN) are left out; see the module docstring for the rule.
    """
    values = [np.nan if p is None else float(p) for p in by_method.values()]
    lo, hi = (float(end) for end in interval)
    found = verdicts([values], [lo], [hi], [comparator], [threshold])
    return cast(Verdict, str(found[0]))


# The report's groups, in the order it lists them.
VERDICT_ORDER = ("crossed", "contested", "not_crossed", "no_forecasts", "hidden")


def report_order(verdict: Any, margin: Any) -> list[int]:
    """Return row indices by verdict (crossed, contested, not crossed, no forecasts, hidden),
    then the closest to the threshold (|margin|) first, stably.

    Rows without a margin (NaN) come last within their group.
    """
    rank = {v: k for k, v in enumerate(VERDICT_ORDER)}
    group = np.array([rank.get(str(v), len(rank)) for v in verdict], dtype=np.int64)
    distance = np.abs(np.asarray(margin, dtype=np.float64))
    order = np.lexsort((distance, group))
    return [int(i) for i in order]


@dataclass(frozen=True)
class Suggestion:
    """A threshold from the cost-loss rule, with the reasoning in words."""

    threshold: float
    cost: float
    loss: float
    reasoning: str


def _percent(fraction: float) -> str:
    return str(
        np.format_float_positional(100.0 * fraction, precision=3, fractional=False, trim="-")
    )


def threshold_from_costs(cost: float, loss: float) -> Suggestion:
    """Suggest t = C / L for a cost of acting C and a loss L that acting would avoid."""
    c = _number(cost, "cost", "the cost of acting")
    loss_avoided = _number(loss, "loss", "the loss avoided")
    if c <= 0.0:
        raise BoundaryError("the cost of acting must be above 0", "cost")
    if loss_avoided <= c:
        raise BoundaryError(
            f"acting never pays: it costs {_fmt(c)} whatever happens and saves at most "
            f"{_fmt(loss_avoided)}, so no probability makes it worth it (a threshold needs "
            "the loss avoided L to exceed the cost C)",
            "loss",
        )
    t = c / loss_avoided
    if not 0.0 < t < 1.0:
        raise BoundaryError("the cost is too small beside the loss to give a threshold", "cost")
    c_text, l_text = _fmt(c), _fmt(loss_avoided)
    reasoning = (
        f"Acting costs {c_text} whatever happens; not acting loses {l_text} if the event "
        f"happens. Acting is worth it when p \u00d7 {l_text} > {c_text}, "
        f"i.e. p > {c_text} / {l_text} = {_percent(t)}%."
    )
    return Suggestion(threshold=t, cost=c, loss=loss_avoided, reasoning=reasoning)


def canonical_json(fields: Mapping[str, Any]) -> str:
    """Return the canonical JSON text of a version's committed content."""
    try:
        return json.dumps(
            fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError:
        raise BoundaryError("committed content must hold finite numbers only") from None


def content_hash(fields: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest of a version's canonical JSON (see the module docstring)."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


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
