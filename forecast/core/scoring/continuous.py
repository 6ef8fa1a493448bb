"""Interval scores and CRPS: accuracy of intervals and of continuous distributions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

N_GRID = 201

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def interval_score(
    lower: ArrayLike, upper: ArrayLike, x: ArrayLike, alpha: float = 0.1
) -> FloatArray:
    """Return the interval score of each (1 - alpha) interval for the value x (lower is better)."""
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    val = np.asarray(x, dtype=np.float64)
    below = np.maximum(lo - val, 0.0)
    above = np.maximum(val - hi, 0.0)
    return np.asarray((hi - lo) + (2.0 / alpha) * (below + above), dtype=np.float64)


def interval_hit(lower: ArrayLike, upper: ArrayLike, x: ArrayLike) -> BoolArray:
    """Return whether each value x lies in its closed interval [lower, upper]."""
    val = np.asarray(x, dtype=np.float64)
    hit = (np.asarray(lower, dtype=np.float64) <= val) & (val <= np.asarray(upper, np.float64))
    return np.asarray(hit, dtype=np.bool_)


def crps_internal(cdfs: ArrayLike, u_outcome: ArrayLike) -> FloatArray:
    """Return the CRPS of each 201-point CDF on the internal axis for the outcome position u.

    The forecast distribution is the piecewise-linear CDF on [0, 1] with the tail masses
    ``cdf[0]`` and ``1 - cdf[200]`` as point masses at u = 0 and u = 1. The integral of
    ``(F(u) - 1[u >= y])^2`` over the whole real line is exact; an outcome outside [0, 1]
    (open bounds) adds its distance to the nearest bound.
    """
    cdf = np.asarray(cdfs, dtype=np.float64)
    y = np.asarray(u_outcome, dtype=np.float64)
    if cdf.ndim != 2 or cdf.shape[1] != N_GRID or y.shape != (cdf.shape[0],):
        raise ValueError("expected cdfs of shape (F, 201) and one outcome per row")
    h = 1.0 / (N_GRID - 1)
    a, b = cdf[:, :-1], cdf[:, 1:]
    # Exact integrals of F^2 and (1 - F)^2 over each linear segment.
    below = h * (a * a + a * b + b * b) / 3.0
    ca, cb = 1.0 - a, 1.0 - b
    above = h * (ca * ca + ca * cb + cb * cb) / 3.0
    zeros = np.zeros((cdf.shape[0], 1))
    below_cum = np.concatenate((zeros, np.cumsum(below, axis=1)), axis=1)
    above_tail = np.concatenate((np.cumsum(above[:, ::-1], axis=1)[:, ::-1], zeros), axis=1)

    yc = np.clip(y, 0.0, 1.0)
    k = np.minimum((yc * (N_GRID - 1)).astype(np.int64), N_GRID - 2)
    rows = np.arange(cdf.shape[0])
    fa, fb = cdf[rows, k], cdf[rows, k + 1]
    left = yc - k * h
    right = (k + 1) * h - yc
    fy = fa + (fb - fa) * left / h
    part_below = left * (fa * fa + fa * fy + fy * fy) / 3.0
    ga, gy = 1.0 - fy, 1.0 - fb
    part_above = right * (ga * ga + ga * gy + gy * gy) / 3.0
    inside = below_cum[rows, k] + part_below + part_above + above_tail[rows, k + 1]
    return np.asarray(inside + np.abs(y - yc), dtype=np.float64)
