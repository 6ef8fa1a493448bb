"""Reading a CDF: its probability mass function, values at points, quantiles and density."""

import math

import numpy as np

from forecast.core.distributions.axis import (
    CDF_POINTS,
    GRID_INDEX,
    INTERVALS,
    U_GRID,
    DistributionError,
    FloatArray,
    Scale,
)


def pmf_from_cdf(cdf: FloatArray) -> FloatArray:
    """Return the 202 bucket masses of one CDF or of a batch of shape (..., 201)."""
    c = np.asarray(cdf, dtype=np.float64)
    return np.concatenate([c[..., :1], np.diff(c, axis=-1), 1.0 - c[..., -1:]], axis=-1)


def resolution_bucket(x: float, scale: Scale) -> int:
    """Return the PMF bucket (0 to 201) that a resolution value falls in."""
    if math.isnan(x):
        raise DistributionError("the resolution value must be a number", "resolution")
    if x < scale.min:
        return 0
    if x > scale.max:
        return CDF_POINTS
    u = float(scale.to_u(x))
    return max(int(u * INTERVALS + 1 - 1e-10), 1)


def cdf_at_u(cdf: FloatArray, u: float | FloatArray) -> FloatArray | float:
    """Return P(position <= u), interpolating linearly; shape is cdf's batch shape + u's shape."""
    c = np.asarray(cdf, dtype=np.float64)
    positions = np.asarray(u, dtype=np.float64)
    if np.isnan(positions).any():
        raise ValueError("positions on the internal axis must not be NaN")
    scaled = np.clip(positions, 0.0, 1.0) * INTERVALS
    k = np.minimum(np.floor(scaled).astype(np.intp), INTERVALS - 1)
    frac = scaled - k
    out = c[..., k] * (1.0 - frac) + c[..., k + 1] * frac
    return float(out) if out.ndim == 0 else out


def cdf_at(cdf: FloatArray, scale: Scale, x: float | FloatArray) -> FloatArray | float:
    """Return P(X <= x) on the question's axis: cdf[0] below min, cdf[200] above max."""
    u = scale.to_u(x)
    return cdf_at_u(cdf, float(u) if u.ndim == 0 else u)


def quantile_of(cdf: FloatArray, scale: Scale, q: float) -> float:
    """Return the value below which the forecast puts probability q, clamped to the range."""
    c = np.asarray(cdf, dtype=np.float64)
    if math.isnan(q):
        raise ValueError("q must not be NaN")
    if q <= c[0]:
        return scale.min
    if q >= c[-1]:
        return scale.max
    return float(scale.from_u(float(np.interp(q, c, U_GRID))))


def density(cdf: FloatArray, scale: Scale) -> tuple[FloatArray, FloatArray]:
    """Return the 200 bucket midpoints on the question's axis and the density per unit of u."""
    c = np.asarray(cdf, dtype=np.float64)
    midpoints = scale.from_u((GRID_INDEX[:-1] + 0.5) / INTERVALS)
    return midpoints, np.diff(c, axis=-1) * INTERVALS
