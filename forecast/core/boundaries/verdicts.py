"""Crossing, margins, verdicts and the report's order. Pure numpy.

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
"""

from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from forecast.core.boundaries.fields import BoundaryError
from forecast.core.boundaries.paths import BoolArray, FloatArray

Verdict = Literal["crossed", "not_crossed", "contested"]
LOGIT_CLIP = 1e-6


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
