"""Trend baselines ("this line continues"): a straight-line fit to a dated series and the
reference forecast it implies for a numeric or date question. Pure numpy.

Fit. Time is in years since the first point (Unix seconds / SECONDS_PER_YEAR). ``linear`` fits
``value = a + b t`` by least squares; ``log_linear`` fits ``ln value = a + b t`` (every value must
be positive) and reports the doubling time ``ln 2 / b`` years. ``window`` keeps only the points
from that many years before the last one.

Reference forecast. The fit's prediction at time T is normal on the fitted scale with the
ordinary least-squares prediction spread ``s * sqrt(1 + 1/n + (T - t_bar)^2 / S_tt)``, where
``s`` is the residual standard deviation (n - 2 degrees of freedom; a perfect fit gets a floor of
1% of the fitted scale's spread so that the distribution stays proper). On a numeric question
the outcome X is the value at the question's resolution date: ``P(X <= x) = Phi((g(x) - m) / sd)``
with g the identity or ln (0 for x <= 0 on a log-linear fit). On a date question the outcome is
the date the line first reaches a ``level``: ``P(T* <= x) = P(value at x >= level)``, evaluated at
every date x of the grid (for a falling line, ``P(value at x <= level)``). The 201 values at the
grid points ``u_k = k / 200`` are then made a valid CDF per SCORING.md by the same repair that
typed percentiles get (`forecast.core.distributions.quantiles`): the tails clipped to the
question's open or closed bounds and every step within [5e-5, 0.2].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from forecast.core.distributions import CDF_POINTS, Scale
from forecast.core.distributions.quantiles import _repair

Fit = Literal["linear", "log_linear"]
FITS: tuple[Fit, ...] = ("linear", "log_linear")
SECONDS_PER_YEAR = 365.2425 * 86_400
MIN_POINTS = 3
FloatArray = npt.NDArray[np.float64]


_ERFC = np.vectorize(math.erfc, otypes=[np.float64])


def ndtr(z: npt.ArrayLike) -> FloatArray:
    """Return the standard normal CDF (201 points at a time: a plain vectorised erfc)."""
    return np.asarray(0.5 * _ERFC(-np.asarray(z, dtype=np.float64) / math.sqrt(2.0)))


class TrendError(ValueError):
    """A series that cannot be fitted; the message says why."""


@dataclass(frozen=True)
class TrendFit:
    """A fitted line on the fit's scale (values or their logs) against years since `origin`."""

    kind: Fit
    origin: float  # Unix seconds of year 0
    intercept: float
    slope: float  # per year, on the fitted scale
    residual_sd: float
    n: int
    t_mean: float
    s_tt: float
    first: float  # Unix seconds of the first and last points used
    last: float

    @property
    def doubling_years(self) -> float | None:
        """Return ln 2 / slope for a log-linear fit (None for linear or a flat line)."""
        if self.kind != "log_linear" or self.slope == 0:
            return None
        return math.log(2) / self.slope

    def _years(self, when: float | FloatArray) -> FloatArray:
        return (np.asarray(when, dtype=np.float64) - self.origin) / SECONDS_PER_YEAR

    def center(self, when: float | FloatArray) -> FloatArray:
        """Return the fitted line on its own scale at Unix seconds `when`."""
        return self.intercept + self.slope * self._years(when)

    def value(self, when: float | FloatArray) -> FloatArray:
        """Return the fitted value (back on the values' scale) at Unix seconds `when`."""
        c = self.center(when)
        return np.exp(c) if self.kind == "log_linear" else c

    def spread(self, when: float | FloatArray) -> FloatArray:
        """Return the prediction standard deviation on the fitted scale at `when`."""
        t = self._years(when)
        lever = (t - self.t_mean) ** 2 / self.s_tt if self.s_tt > 0 else 0.0
        return self.residual_sd * np.sqrt(1.0 + 1.0 / self.n + lever)


def fit_trend(
    times: npt.ArrayLike, values: npt.ArrayLike, kind: Fit, window: float | None = None
) -> TrendFit:
    """Fit a line to (Unix seconds, value) points; window in years before the last point."""
    if kind not in FITS:
        raise TrendError(f"fit must be one of {', '.join(FITS)}")
    t = np.asarray(times, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if t.shape != v.shape or t.ndim != 1:
        raise TrendError("each point needs one date and one value")
    if not (np.isfinite(t).all() and np.isfinite(v).all()):
        raise TrendError("dates and values must be finite numbers")
    if window is not None:
        if not window > 0:
            raise TrendError("window must be a positive number of years")
        keep = t >= t.max() - window * SECONDS_PER_YEAR
        t, v = t[keep], v[keep]
    if len(t) < MIN_POINTS:
        raise TrendError(f"a trend needs at least {MIN_POINTS} points in its window")
    if kind == "log_linear":
        if (v <= 0).any():
            raise TrendError("a log-linear fit needs every value above zero")
        v = np.log(v)
    origin = float(t.min())
    years = (t - origin) / SECONDS_PER_YEAR
    t_mean = float(years.mean())
    s_tt = float(((years - t_mean) ** 2).sum())
    if s_tt <= 0:
        raise TrendError("the points need at least two different dates")
    slope = float(((years - t_mean) * (v - v.mean())).sum() / s_tt)
    intercept = float(v.mean() - slope * t_mean)
    residuals = v - (intercept + slope * years)
    sd = float(np.sqrt((residuals**2).sum() / (len(v) - 2))) if len(v) > 2 else 0.0
    floor = 0.01 * max(float(v.std()), 1e-9)
    return TrendFit(
        kind,
        origin,
        intercept,
        slope,
        max(sd, floor),
        len(v),
        t_mean,
        s_tt,
        float(t.min()),
        float(t.max()),
    )


def _raw_cdf_numeric(fit: TrendFit, scale: Scale, when: float) -> FloatArray:
    x = scale.from_u(np.linspace(0.0, 1.0, CDF_POINTS))
    m, sd = float(fit.center(when)), float(fit.spread(when))
    if fit.kind == "log_linear":
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), -np.inf)
    else:
        g = x
    return np.asarray(ndtr((g - m) / sd), dtype=np.float64)


def _raw_cdf_date(fit: TrendFit, scale: Scale, level: float) -> FloatArray:
    x = scale.from_u(np.linspace(0.0, 1.0, CDF_POINTS))
    target = math.log(level) if fit.kind == "log_linear" else level
    z = (fit.center(x) - target) / fit.spread(x)
    # Reached by date x: the line is past the level there (above it if rising).
    return np.asarray(ndtr(z if fit.slope >= 0 else -z), dtype=np.float64)


def reference_cdf(
    fit: TrendFit, scale: Scale, *, resolve_time: float | None = None, level: float | None = None
) -> FloatArray:
    """Return the trend's reference forecast as a valid 201-point CDF on the question's axis.

    Numeric questions: the value at resolve_time (Unix seconds). Date questions: the date the
    line reaches level (on a log-linear fit, level > 0).
    """
    if level is not None:
        if fit.kind == "log_linear" and level <= 0:
            raise TrendError("a log-linear trend reaches only levels above zero")
        raw = _raw_cdf_date(fit, scale, level)
    elif resolve_time is not None:
        raw = _raw_cdf_numeric(fit, scale, resolve_time)
    else:
        raise TrendError("a reference forecast needs a resolution date or a level")
    return _repair(np.clip(raw, 0.0, 1.0), scale)
