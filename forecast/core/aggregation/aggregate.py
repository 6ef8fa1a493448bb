"""Community prediction: the aggregation methods of SCORING.md, their history and intervals.

Pure numpy. A question's forecasts arrive as flat arrays: `start`, `end` (np.inf while standing),
`user`, and values (`p (F,)` for binary, `cdf (F, 201)` for continuous). At an instant the active
forecasts are ordered by start time, ties by user id, i = 1..N.

Conventions where SCORING.md is silent:

- Ties in the quantile rule: cumulative weight c counts as reaching q when c >= q * (1 - 1e-12)
  and as passing it when c > q * (1 + 1e-12), so float noise (sums that should be exactly 0.5)
  never splits a tie. With equal weights the sums are exact and the rule is the textbook median.
- Band: for binary questions `lower`/`upper` are the weighted 25th/75th percentiles of the active
  forecasts under the method's weights (recency weights for recency_weighted, mean,
  geo_mean_odds and extremized; equal for unweighted; track-record for track_record), by the same
  rule as the weighted median. For continuous questions they are the internal-axis positions
  u in [0, 1] where the aggregate CDF reaches 0.25 and 0.75 (`cdf_quantile`).
- Change points are all distinct start times and finite end times, even those of a forecast
  that ends where it starts (it is never active). The caller clips `end` at the question's close.
- Track-record weights are computed as exp(3 ln rep - 3 (t - start) / span), divided by the largest
  weight at that instant (a common factor, which cancels).

How the history avoids recomputing every change point from scratch
-------------------------------------------------------------------
Let K be the number of change points ("rows") and N the number of active forecasts. Forecasts are
sorted by (start, user) once; each gets the row range [first_row, stop_row) in which it is
active. Forecasts only ever join at the top of the start order, so the rank of an active forecast
j at row k is simply #{l <= j : stop_row[l] > k}.

Recency weights (`aggregate_ranked`). Rows are taken 128 at a time. The forecasts alive in a
batch split into those outliving it and the few (about one per row) dying inside it; the rank of
forecast j at row k is then a prefix count of outliving forecasts up to j plus an entry of a
small rows x dying table (dying forecasts below j still alive at row k). One gather from a table
of exp(sqrt(rank) - scale) turns ranks into the rows x forecasts weight matrix, produced 512
columns at a time so that it stays in cache; the normalisation exp(-sqrt(N)) cancels. Weighted
means (CDFs, `mean`, `geo_mean_odds`, `extremized`) are matrix products. For weighted quantiles
the columns are in value order (a sorted list kept up to date by insertion, never re-sorted): sums
over blocks of 64 columns locate the block where the cumulative weight crosses q, one cumulative
sum inside that block gives the crossing.

The recency weights make old forecasts negligible: ranks 1..c hold at most
2 sqrt(c+1) e^sqrt(c+1) / (2 e^sqrt(N) (sqrt(N) - 1)) of the total, so each batch leaves out the
lowest c ranks. For weighted means c keeps that share below 1e-18, which moves a mean by at most
2e-18 * max|value|. For the weighted median and the band c allows 1e-8 (about 4,800 of 20,000
forecasts kept), and every choice is certified: the cumulative weights on both sides of the chosen
value must clear the threshold by more than the left-out bound plus (N + 256) * 2^-52 of the total
(the worst-case rounding of a plain sequential cumulative sum of N weights). A row that fails
(about one in 7,000) is recomputed by the one-instant rule, whose arithmetic is the plain
recomputation's, so near-ties are decided exactly as `forecast.core.reference.aggregate`
decides them.

Weights fixed per forecast (`aggregate_fixed`: unweighted, and track_record once the factor
exp(-3 t / span) common to all forecasts at an instant is divided out). Rows are taken 256 at a
time; forecasts active throughout the batch contribute one precomputed sum (per value block of 64,
for quantiles), and only those starting or ending inside the batch are added row by row.

Python work is O(K / 128) iterations. The vectorised arithmetic is O(K * D) for a window of D
forecasts (D <= N; far fewer for the fixed weights), instead of sorting N forecasts at each of K
rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.choices import (
    choice_instant,
    choice_resampled,
    column_inputs,
    finish_columns,
)
from forecast.core.aggregation.fixed import fixed
from forecast.core.aggregation.history import Question, Result, Settings, prepare
from forecast.core.aggregation.instant import (
    BAND,
    DEFAULT_EXTREMIZE,
    DEFAULT_METHOD,
    LOGIT_METHODS,
    MEDIAN_METHODS,
    METHODS,
    RECENCY_METHODS,
    TIE_RTOL,
    WEIGHTED_CDF_METHODS,
    Kind,
    cdf_quantile,
    check_method,
    check_values,
    instant,
    kind_of,
    logit,
    method_weights,
    sigmoid,
)
from forecast.core.aggregation.ranked import ranked

__all__ = [
    "DEFAULT_EXTREMIZE",
    "DEFAULT_METHOD",
    "METHODS",
    "History",
    "aggregate_now",
    "bootstrap_interval",
    "cdf_quantile",
    "combine",
    "entry_at",
    "history",
]

Floats = NDArray[np.float64]
BOOTSTRAP_CELLS = 4_000_000  # resamples x forecasts handled per vectorised step


@dataclass(frozen=True, eq=False)
class History:
    """The aggregate as a step function: K entries, one per change point, in time order."""

    start: Floats  # (K,)
    end: Floats  # (K,) the next change point; np.inf for the last entry
    forecaster_count: NDArray[np.int64]  # (K,)
    # (K,) probability, (K, 201) CDF or (K, options) option probabilities; nan where
    # forecaster_count == 0
    value: Floats
    lower: Floats  # (K,) binary: weighted 25th percentile; continuous: position of CDF = 0.25
    upper: Floats  # (K,) binary: weighted 75th percentile; continuous: position of CDF = 0.75


def compute(q: Question, s: Settings) -> Result:
    """Compute every change point's aggregate and band with the fast engines."""
    result = Result(q, s.kind)
    if s.method in RECENCY_METHODS and (s.kind == "binary" or s.method in WEIGHTED_CDF_METHODS):
        ranked(q, s, result)
    else:
        fixed(q, s, result)
    if s.kind == "continuous":
        result.lower = cdf_quantile(result.value, BAND[0])
        result.upper = cdf_quantile(result.value, BAND[1])
    return result


def history(
    start: NDArray[Any],
    end: NDArray[Any],
    user: NDArray[Any],
    values: NDArray[Any],
    *,
    method: str = DEFAULT_METHOD,
    open_time: float,
    scheduled_close: float,
    reputation: NDArray[Any] | None = None,
    extremize: float = DEFAULT_EXTREMIZE,
) -> History:
    """Build the aggregate history of one question's forecasts."""
    check_method(method)
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    user = np.asarray(user, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    kind = kind_of(values)
    if not (start.shape == end.shape == user.shape == values.shape[:1]) or start.ndim != 1:
        raise ValueError("start, end, user and values must describe the same forecasts")
    if not np.all(np.isfinite(start)) or np.any(np.isnan(end)) or np.any(end < start):
        raise ValueError("start must be finite and end (np.inf while standing) >= start")
    check_values(values, kind)
    rep = None
    if reputation is not None:
        rep = np.asarray(reputation, dtype=np.float64)
        if rep.shape != start.shape or not np.all(np.isfinite(rep)):
            raise ValueError("reputation must give one number per forecast")
    if method == "track_record" and not scheduled_close > open_time:
        raise ValueError("track_record needs scheduled_close > open_time")
    if kind == "multiple_choice":
        return _choice_history(
            start, end, user, values, method, open_time, scheduled_close, rep, extremize
        )
    q = prepare(start, end, user, values, rep)
    s = Settings(kind, method, float(open_time), float(scheduled_close), float(extremize))
    result = compute(q, s)
    return History(
        start=q.times,
        end=np.append(q.times[1:], np.inf),
        forecaster_count=q.count,
        value=result.value,
        lower=result.lower,
        upper=result.upper,
    )


def _choice_history(
    start: Floats,
    end: Floats,
    user: NDArray[np.int64],
    values: Floats,
    method: str,
    open_time: float,
    scheduled_close: float,
    reputation: Floats | None,
    extremize: float,
) -> History:
    """Build a multiple-choice history from the binary histories of its option columns
    (forecast.core.aggregation.choices); its band is left empty (nan)."""
    binary_method, columns = column_inputs(values, method)
    parts = [
        history(
            start,
            end,
            user,
            columns[:, j],
            method=binary_method,
            open_time=open_time,
            scheduled_close=scheduled_close,
            reputation=reputation,
        )
        for j in range(values.shape[1])
    ]
    first = parts[0]
    stacked = np.column_stack([part.value for part in parts])
    nothing = np.full(len(first.start), np.nan)
    return History(
        start=first.start,
        end=first.end,
        forecaster_count=first.forecaster_count,
        value=finish_columns(stacked, method, extremize),
        lower=nothing,
        upper=nothing.copy(),
    )


def entry_at(h: History, t: float) -> int | None:
    """Return the index of the entry covering t (start <= t < end), or None before the first."""
    i = int(np.searchsorted(h.start, t, side="right")) - 1
    return None if i < 0 else i


def combine(
    values_sorted_by_start: NDArray[Any],
    *,
    method: str = DEFAULT_METHOD,
    kind: Kind,
    t: float | None = None,
    starts: NDArray[Any] | None = None,
    open_time: float | None = None,
    scheduled_close: float | None = None,
    reputation: NDArray[Any] | None = None,
    extremize: float = DEFAULT_EXTREMIZE,
) -> float | Floats:
    """Aggregate the forecasts active at one instant, ordered by start ascending."""
    check_method(method)
    values = np.asarray(values_sorted_by_start, dtype=np.float64)
    if kind_of(values) != kind:
        raise ValueError(f"values of shape {values.shape} are not {kind} forecasts")
    check_values(values, kind)
    weights = method_weights(
        method,
        len(values),
        starts=None if starts is None else np.asarray(starts, dtype=np.float64),
        reputation=None if reputation is None else np.asarray(reputation, dtype=np.float64),
        t=t,
        open_time=open_time,
        scheduled_close=scheduled_close,
    )
    if kind == "multiple_choice":
        return choice_instant(values, weights, method=method, extremize=extremize)
    value, _, _ = instant(values, weights, method=method, kind=kind, extremize=extremize)
    return float(value) if kind == "binary" else value


def aggregate_now(
    start: NDArray[Any],
    user: NDArray[Any],
    values: NDArray[Any],
    *,
    method: str = DEFAULT_METHOD,
    t: float,
    open_time: float,
    scheduled_close: float,
    reputation: NDArray[Any] | None = None,
    extremize: float = DEFAULT_EXTREMIZE,
) -> float | Floats:
    """Aggregate the forecasts active at t (one per user), given in any order."""
    start = np.asarray(start, dtype=np.float64)
    user = np.asarray(user, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if np.any(start > t):
        raise ValueError("every forecast passed to aggregate_now must have started by t")
    if len(np.unique(user)) != len(user):
        raise ValueError("at most one active forecast per user")
    order = np.lexsort((user, start))
    return combine(
        values[order],
        method=method,
        kind=kind_of(values),
        t=t,
        starts=start[order],
        open_time=open_time,
        scheduled_close=scheduled_close,
        reputation=None if reputation is None else np.asarray(reputation)[order],
        extremize=extremize,
    )


def bootstrap_interval(
    values_sorted_by_start: NDArray[Any],
    *,
    method: str = DEFAULT_METHOD,
    kind: Kind,
    n_resamples: int = 1000,
    level: float = 0.9,
    rng: np.random.Generator,
    **method_args: Any,
) -> tuple[float, float] | tuple[Floats, Floats]:
    """Return the percentile interval of the aggregate over forecasters resampled with replacement.

    A resampled forecaster keeps the weight it has in the original sample (its recency rank among
    the original N, or its track-record weight); a forecaster drawn m times weighs m times that.
    Resamples are drawn and aggregated as whole matrices, a few million cells at a time. For
    continuous questions the interval is pointwise over the 201 CDF values.
    """
    check_method(method)
    values = np.asarray(values_sorted_by_start, dtype=np.float64)
    if kind_of(values) != kind:
        raise ValueError(f"values of shape {values.shape} are not {kind} forecasts")
    n = len(values)
    if n == 0:
        if kind == "binary":
            return np.nan, np.nan
        return np.full(values.shape[1:], np.nan), np.full(values.shape[1:], np.nan)
    extremize = float(method_args.pop("extremize", DEFAULT_EXTREMIZE))
    weights = np.ones(n)
    if kind != "continuous" or method in WEIGHTED_CDF_METHODS:
        weights = method_weights(method, n, **method_args)
    chunk = max(1, BOOTSTRAP_CELLS // n)
    parts = []
    for first in range(0, n_resamples, chunk):
        rows = min(chunk, n_resamples - first)
        picks = rng.integers(0, n, size=(rows, n)) + n * np.arange(rows)[:, None]
        counts = np.bincount(picks.ravel(), minlength=rows * n).reshape(rows, n)
        parts.append(_resampled(values, counts * weights, method, kind, extremize))
    aggregates = np.concatenate(parts)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(aggregates, [tail, 1.0 - tail], axis=0)
    if kind == "binary":
        return float(lo), float(hi)
    return lo, hi


def _resampled(
    values: Floats, weights: Floats, method: str, kind: Kind, extremize: float
) -> Floats:
    """Return each resample's aggregate, given rows of per-forecaster weights."""
    if kind == "multiple_choice":
        return choice_resampled(values, weights, method, extremize)
    totals = weights.sum(axis=1)
    if kind == "continuous":
        return (weights @ values) / totals[:, None]
    if method in LOGIT_METHODS:
        d = extremize if method == "extremized" else 1.0
        return sigmoid(d * (weights @ logit(values)) / totals)
    if method not in MEDIAN_METHODS:
        return (weights @ values) / totals
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[:, order], axis=1) / totals[:, None]
    first_reaching = np.argmax(cumulative >= 0.5 * (1.0 - TIE_RTOL), axis=1)
    first_past = np.argmax(cumulative > 0.5 * (1.0 + TIE_RTOL), axis=1)
    ordered = values[order]
    return (ordered[first_reaching] + ordered[first_past]) / 2.0
