"""The aggregate at one instant: weights, the weighted-quantile rule and each method's formula.

Everything here works on the forecasts active at one instant, already ordered by start time
(ties by user id). `forecast.core.aggregation.aggregate` builds histories and bootstrap intervals
on top of it, and
the fast history engine falls back to `instant` whenever a float comparison is too close to call.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.methods import DEFAULT_METHOD as DEFAULT_METHOD
from forecast.core.aggregation.methods import METHODS as METHODS

Kind = Literal["binary", "continuous", "multiple_choice"]
DEFAULT_EXTREMIZE = 1.5
CDF_POINTS = 201
MAX_OPTIONS = 20
REPUTATION_FLOOR = 1e-6
# Cumulative weights are compared with a quantile q as c >= q * (1 - TIE_RTOL) and
# c > q * (1 + TIE_RTOL): a cumulative weight within float noise of q counts as exactly q.
TIE_RTOL = 1e-12
BAND = (0.25, 0.75)

RECENCY_METHODS = frozenset({"recency_weighted", "mean", "geo_mean_odds", "extremized"})
MEDIAN_METHODS = frozenset({"recency_weighted", "unweighted"})
LOGIT_METHODS = frozenset({"geo_mean_odds", "extremized"})
# Continuous questions: these methods take a weighted mean of the CDFs, the others a plain mean.
WEIGHTED_CDF_METHODS = frozenset({"recency_weighted", "mean", "track_record"})


def check_method(method: str) -> None:
    """Raise ValueError unless method is one of METHODS."""
    if method not in METHODS:
        raise ValueError(f"unknown aggregation method {method!r}; expected one of {METHODS}")


def kind_of(values: NDArray[np.float64]) -> Kind:
    """Return the question kind a value array describes: (F,) binary, (F, 201) continuous or
    (F, K) multiple choice with 2 <= K <= 20."""
    if values.ndim == 1:
        return "binary"
    if values.ndim == 2 and values.shape[1] == CDF_POINTS:
        return "continuous"
    if values.ndim == 2 and 2 <= values.shape[1] <= MAX_OPTIONS:
        return "multiple_choice"
    raise ValueError(
        f"values must have shape (F,), (F, {CDF_POINTS}) or (F, K <= {MAX_OPTIONS}), "
        f"got {values.shape}"
    )


def check_values(values: NDArray[np.float64], kind: Kind) -> None:
    """Raise ValueError unless values are finite probabilities in (0, 1) or finite CDFs."""
    if not np.all(np.isfinite(values)):
        raise ValueError("forecast values must be finite")
    if kind != "continuous" and values.size and not (values.min() > 0.0 and values.max() < 1.0):
        raise ValueError(f"{kind} forecasts must lie strictly between 0 and 1")


def recency_weights(n: int) -> NDArray[np.float64]:
    """Return w_i = exp(sqrt(i) - sqrt(n)) for i = 1..n, or all ones when n <= 2."""
    if n <= 2:
        return np.ones(n)
    i = np.arange(1, n + 1, dtype=np.float64)
    return np.exp(np.sqrt(i) - np.sqrt(float(n)))


def track_log_weights(
    starts: NDArray[np.float64],
    reputation: NDArray[np.float64] | None,
    *,
    t: float,
    open_time: float,
    scheduled_close: float,
) -> NDArray[np.float64]:
    """Return log((decay^0.5 * rep^0.5)^6) = 3 log(rep) - 3 (t - start) / span per forecast."""
    span = scheduled_close - open_time
    if not span > 0:
        raise ValueError("track_record needs scheduled_close > open_time")
    log_w = -3.0 * (t - np.asarray(starts, dtype=np.float64)) / span
    if reputation is not None:
        log_w = log_w + 3.0 * np.log(np.maximum(reputation, REPUTATION_FLOOR))
    return log_w


def method_weights(
    method: str,
    n: int,
    *,
    starts: NDArray[np.float64] | None = None,
    reputation: NDArray[np.float64] | None = None,
    t: float | None = None,
    open_time: float | None = None,
    scheduled_close: float | None = None,
) -> NDArray[np.float64]:
    """Return the method's weights for n active forecasts ordered by start.

    Track-record weights are divided by their maximum: a common factor cancels in every
    normalised weighted mean and quantile, and the division keeps them away from underflow.
    """
    if method in RECENCY_METHODS:
        return recency_weights(n)
    if method != "track_record" or n == 0:
        return np.ones(n)
    if starts is None or t is None or open_time is None or scheduled_close is None:
        raise ValueError("track_record needs starts, t, open_time and scheduled_close")
    log_w = track_log_weights(
        starts, reputation, t=t, open_time=open_time, scheduled_close=scheduled_close
    )
    return np.exp(log_w - log_w.max())


def weighted_quantiles(
    values: NDArray[np.float64], weights: NDArray[np.float64], qs: tuple[float, ...]
) -> list[float]:
    """Return per q the mean of the first value whose cumulative weight reaches q and first past."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    cumulative = np.cumsum(weights[order])
    cumulative = cumulative / cumulative[-1]
    out = []
    for q in qs:
        first_reaching = int(np.argmax(cumulative >= q * (1.0 - TIE_RTOL)))
        first_past = int(np.argmax(cumulative > q * (1.0 + TIE_RTOL)))
        out.append(float((ordered[first_reaching] + ordered[first_past]) / 2.0))
    return out


def logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return log(p / (1 - p))."""
    return np.log(p) - np.log1p(-p)


def sigmoid(x: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """Return 1 / (1 + exp(-x))."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))))


def cdf_quantile(cdf: NDArray[np.float64], q: float) -> NDArray[np.float64]:
    """Return the internal-axis position u in [0, 1] where each CDF row reaches q.

    The CDF is linear between grid points u_k = k/200; the position is 0.0 when q <= cdf[0]
    (that much mass lies below min) and 1.0 when q > cdf[200]. Rows of nan give nan.
    """
    cdf = np.asarray(cdf, dtype=np.float64)
    below = np.sum(cdf < q, axis=-1)
    k = np.clip(below, 1, CDF_POINTS - 1)
    upper = np.take_along_axis(cdf, k[..., None], axis=-1)[..., 0]
    lower = np.take_along_axis(cdf, (k - 1)[..., None], axis=-1)[..., 0]
    step = upper - lower
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(step > 0, (q - lower) / np.where(step > 0, step, 1.0), 1.0)
    position = (k - 1 + fraction) / (CDF_POINTS - 1)
    position = np.where(below == 0, 0.0, np.where(below == CDF_POINTS, 1.0, position))
    return np.where(np.isnan(cdf[..., 0]), np.nan, position)


def instant(
    values: NDArray[np.float64],
    weights: NDArray[np.float64],
    *,
    method: str,
    kind: Kind,
    extremize: float = DEFAULT_EXTREMIZE,
) -> tuple[NDArray[np.float64], float, float]:
    """Return (value, lower, upper) for active forecasts with the method's weights.

    Binary: lower and upper are the weighted 25th and 75th percentiles of the forecasts under
    the method's weights. Continuous: the positions where the aggregate CDF reaches 0.25 and 0.75.
    """
    n = len(values)
    if kind == "binary":
        if n == 0:
            return np.asarray(np.nan), np.nan, np.nan
        lower, middle, upper = weighted_quantiles(values, weights, (BAND[0], 0.5, BAND[1]))
        if method in MEDIAN_METHODS:
            value = np.asarray(middle)
        elif method in LOGIT_METHODS:
            d = extremize if method == "extremized" else 1.0
            value = sigmoid(d * (np.dot(weights, logit(values)) / np.sum(weights)))
        else:
            value = np.asarray(np.dot(weights, values) / np.sum(weights))
        return value, lower, upper
    if n == 0:
        return np.full(CDF_POINTS, np.nan), np.nan, np.nan
    if method in WEIGHTED_CDF_METHODS:
        cdf = weights @ values / np.sum(weights)
    else:
        cdf = values.mean(axis=0)
    return cdf, float(cdf_quantile(cdf, BAND[0])), float(cdf_quantile(cdf, BAND[1]))
