"""Plain aggregate history, written straight from SCORING.md (section Aggregates).

At every change point (a forecast starts or ends) collect the active forecasts, order them by
start time (ties by user id), and compute the method from scratch. O(K * N log N) for K change
points and N active forecasts: the test oracle and the benchmark baseline for
`forecast.core.aggregation.aggregate.history`, with which it shares no arithmetic (only the result
type).

Two conventions the spec leaves open, stated once here and followed by the fast version too:
cumulative weights c are compared with a quantile q as `c >= q * (1 - 1e-12)` and
`c > q * (1 + 1e-12)`, so that c within float noise of q counts as exactly q; track-record
weights `(decay^0.5 * rep^0.5)^6 = exp(3 ln rep - 3 (t - start) / span)` are computed from their
logarithms and divided by the largest, a common factor that cancels in a weighted mean.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.aggregate import History

GRID = np.linspace(0.0, 1.0, 201)
RECENCY = ("recency_weighted", "mean", "geo_mean_odds", "extremized")


def _weights(
    method: str,
    starts: NDArray[np.float64],
    reputation: NDArray[np.float64] | None,
    t: float,
    open_time: float,
    scheduled_close: float,
) -> NDArray[np.float64]:
    """Return the weights of the active forecasts, ordered by start."""
    n = len(starts)
    if method in RECENCY:
        if n <= 2:
            return np.ones(n)
        i = np.arange(1, n + 1, dtype=np.float64)
        return np.exp(np.sqrt(i) - np.sqrt(float(n)))
    if method == "track_record":
        rep = np.ones(n) if reputation is None else np.maximum(reputation, 1e-6)
        log_w = 3.0 * np.log(rep) - 3.0 * (t - starts) / (scheduled_close - open_time)
        return np.exp(log_w - log_w.max())
    return np.ones(n)


def _quantile(values: NDArray[np.float64], weights: NDArray[np.float64], q: float) -> float:
    """Return the mean of the first value with cumulative weight c >= q and the first with c > q."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    c = np.cumsum(weights[order])
    c = c / c[-1]
    first_reaching = int(np.argmax(c >= q * (1.0 - 1e-12)))
    first_past = int(np.argmax(c > q * (1.0 + 1e-12)))
    return float((ordered[first_reaching] + ordered[first_past]) / 2.0)


def _position(cdf: NDArray[np.float64], q: float) -> float:
    """Return the internal-axis position where a CDF reaches q, clipped to [0, 1]."""
    return float(np.interp(q, cdf, GRID))


def _binary(
    p: NDArray[np.float64], w: NDArray[np.float64], method: str, extremize: float
) -> tuple[float, float, float]:
    """Return (value, 25th, 75th percentile) for active binary forecasts."""
    if method in ("recency_weighted", "unweighted"):
        value = _quantile(p, w, 0.5)
    elif method in ("geo_mean_odds", "extremized"):
        d = extremize if method == "extremized" else 1.0
        x = np.sum(w * np.log(p / (1.0 - p))) / np.sum(w)
        value = float(1.0 / (1.0 + np.exp(-d * x)))
    else:
        value = float(np.sum(w * p) / np.sum(w))
    return value, _quantile(p, w, 0.25), _quantile(p, w, 0.75)


def _choices(
    p: NDArray[np.float64], w: NDArray[np.float64], method: str, extremize: float
) -> NDArray[np.float64]:
    """Return the K option probabilities for active multiple-choice forecasts (N, K)."""
    n, k = p.shape
    if method in ("recency_weighted", "unweighted"):
        medians = [_quantile(p[:, j], w, 0.5) for j in range(k)]
        total = sum(m - 0.001 for m in medians)
        return np.array([0.001 + (1.0 - 0.001 * k) * (m - 0.001) / total for m in medians])
    if method in ("geo_mean_odds", "extremized"):
        d = extremize if method == "extremized" else 1.0
        geo = []
        for j in range(k):
            mean_log = sum(w[i] * np.log(p[i, j]) for i in range(n)) / np.sum(w)
            geo.append(np.exp(d * mean_log))
        return np.array(geo) / sum(geo)
    return np.array([sum(w[i] * p[i, j] for i in range(n)) / np.sum(w) for j in range(k)])


def history(
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    user: NDArray[np.int64],
    values: NDArray[np.float64],
    *,
    method: str = "recency_weighted",
    open_time: float,
    scheduled_close: float,
    reputation: NDArray[np.float64] | None = None,
    extremize: float = 1.5,
) -> History:
    """Recompute the aggregate from scratch at every change point."""
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    user = np.asarray(user, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    binary = values.ndim == 1
    choices = values.ndim == 2 and values.shape[1] != 201
    times = np.unique(np.concatenate([start, end[np.isfinite(end)]]))
    k = len(times)
    count = np.zeros(k, dtype=np.int64)
    value = np.full(k, np.nan) if binary else np.full((k, values.shape[1]), np.nan)
    lower = np.full(k, np.nan)
    upper = np.full(k, np.nan)
    for row, t in enumerate(times):
        active = np.flatnonzero((start <= t) & (t < end))
        active = active[np.lexsort((user[active], start[active]))]
        count[row] = len(active)
        if len(active) == 0:
            continue
        rep = None if reputation is None else np.asarray(reputation, dtype=np.float64)[active]
        w = _weights(method, start[active], rep, float(t), open_time, scheduled_close)
        if binary:
            value[row], lower[row], upper[row] = _binary(values[active], w, method, extremize)
            continue
        if choices:
            value[row] = _choices(values[active], w, method, extremize)
            continue
        cdfs = values[active]
        if method in ("recency_weighted", "mean", "track_record"):
            cdf = np.sum(w[:, None] * cdfs, axis=0) / np.sum(w)
        else:
            cdf = np.sum(cdfs, axis=0) / len(active)
        value[row] = cdf
        lower[row] = _position(cdf, 0.25)
        upper[row] = _position(cdf, 0.75)
    return History(
        start=times,
        end=np.append(times[1:], np.inf),
        forecaster_count=count,
        value=value,
        lower=lower,
        upper=upper,
    )
