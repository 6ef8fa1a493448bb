"""Multiple-choice aggregates (SCORING.md, "Aggregates"): per option, with the binary weights.

Values are (N, K) option probabilities, each row summing to 1 with every entry in
[0.001, 0.999]. `recency_weighted` and `unweighted` take the weighted median ``m_k`` of each
option's probabilities and renormalise with the floor kept,
``v_k = 0.001 + (1 - 0.001 K) (m_k - 0.001) / sum_j (m_j - 0.001)``; `mean` and `track_record`
take the weighted mean per option; `geo_mean_odds` is the normalised weighted geometric mean
``exp(sum_i w_i ln p_ik / sum_i w_i) / Z`` and `extremized` raises that to the power d before
normalising. With K = 2 each equals its binary definition.

Histories reuse the binary engines, which are exact and vectorised: option k's weighted median or
weighted mean at every change point is the binary history of column k under the same method.
The weighted mean of ``ln p`` that the geometric methods need is the binary `mean` history of
``1 + ln(p) / 10``, an affine map of ``ln p`` into (0, 1) (ln 0.001 > -7) that a weighted mean
commutes with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.instant import (
    DEFAULT_EXTREMIZE,
    LOGIT_METHODS,
    MEDIAN_METHODS,
    TIE_RTOL,
    check_method,
    method_weights,
    weighted_quantiles,
)

Floats = NDArray[np.float64]
FLOOR = 0.001
LOG_SCALE = 10.0  # 1 + ln(p) / 10 lies in (0.3, 1) for p in [0.001, 0.999]


def check_choices(values: Floats) -> None:
    """Raise ValueError unless values are (N, K) finite option probabilities in (0, 1)."""
    if values.ndim != 2 or values.shape[1] < 2:
        raise ValueError(f"multiple-choice values must have shape (N, K >= 2), got {values.shape}")
    if not np.all(np.isfinite(values)) or (
        values.size and not (values.min() > 0.0 and values.max() < 1.0)
    ):
        raise ValueError("option probabilities must lie strictly between 0 and 1")


def renormalise(medians: Floats) -> Floats:
    """Return ``0.001 + (1 - 0.001 K)(m - 0.001) / sum(m - 0.001)`` along the last axis."""
    m = np.asarray(medians, dtype=np.float64)
    k = m.shape[-1]
    above = m - FLOOR
    return np.asarray(FLOOR + (1.0 - FLOOR * k) * above / above.sum(axis=-1, keepdims=True))


def geometric(mean_log: Floats, d: float) -> Floats:
    """Return ``exp(d * mean ln p) / Z`` along the last axis (Z makes it sum to 1)."""
    x = d * np.asarray(mean_log, dtype=np.float64)
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def _power(method: str, extremize: float) -> float:
    return extremize if method == "extremized" else 1.0


def choice_instant(
    values: Floats, weights: Floats, *, method: str, extremize: float = DEFAULT_EXTREMIZE
) -> Floats:
    """Return the K option probabilities of the aggregate of N forecasts with these weights."""
    k = values.shape[1]
    if len(values) == 0:
        return np.full(k, np.nan)
    if method in MEDIAN_METHODS:
        medians = np.array([weighted_quantiles(values[:, j], weights, (0.5,))[0] for j in range(k)])
        return renormalise(medians)
    total = float(np.sum(weights))
    if method in LOGIT_METHODS:
        return geometric(weights @ np.log(values) / total, _power(method, extremize))
    return np.asarray(weights @ values / total)


def choice_combine(
    values_sorted_by_start: Any,
    *,
    method: str,
    extremize: float = DEFAULT_EXTREMIZE,
    **weight_args: Any,
) -> Floats:
    """Aggregate the option probabilities active at one instant, ordered by start ascending."""
    check_method(method)
    values = np.asarray(values_sorted_by_start, dtype=np.float64)
    check_choices(values)
    weights = method_weights(method, len(values), **weight_args)
    return choice_instant(values, weights, method=method, extremize=extremize)


def choice_resampled(values: Floats, weights: Floats, method: str, extremize: float) -> Floats:
    """Return each resample's K option probabilities, given rows of per-forecaster weights."""
    totals = weights.sum(axis=1)
    if method in LOGIT_METHODS:
        return geometric((weights @ np.log(values)) / totals[:, None], _power(method, extremize))
    if method not in MEDIAN_METHODS:
        return np.asarray((weights @ values) / totals[:, None])
    medians = np.empty((weights.shape[0], values.shape[1]))
    for j in range(values.shape[1]):
        order = np.argsort(values[:, j], kind="stable")
        cumulative = np.cumsum(weights[:, order], axis=1) / totals[:, None]
        first_reaching = np.argmax(cumulative >= 0.5 * (1.0 - TIE_RTOL), axis=1)
        first_past = np.argmax(cumulative > 0.5 * (1.0 + TIE_RTOL), axis=1)
        ordered = values[order, j]
        medians[:, j] = (ordered[first_reaching] + ordered[first_past]) / 2.0
    return renormalise(medians)


def column_inputs(values: Floats, method: str) -> tuple[str, Floats]:
    """Return the binary method and the (N, K) column values whose binary histories give
    this method's per-option statistic (see the module's docstring)."""
    if method in LOGIT_METHODS:
        return "mean", 1.0 + np.log(values) / LOG_SCALE
    return method, values


def finish_columns(columns: Floats, method: str, extremize: float) -> Floats:
    """Turn per-option binary statistics (rows x K; nan rows stay nan) into the aggregate."""
    out = np.full(columns.shape, np.nan)
    rows = ~np.isnan(columns).any(axis=1)
    if not rows.any():
        return out
    c = columns[rows]
    if method in MEDIAN_METHODS:
        out[rows] = renormalise(c)
    elif method in LOGIT_METHODS:
        out[rows] = geometric((c - 1.0) * LOG_SCALE, _power(method, extremize))
    else:
        out[rows] = c
    return out
