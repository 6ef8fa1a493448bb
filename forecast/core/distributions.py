"""Forecast representations: binary probabilities and 201-point CDFs on a question's axis.

The internal axis
-----------------
A continuous question (numeric, or date in Unix seconds) maps onto ``u`` in [0, 1], with
``u = 0`` at ``min`` and ``u = 1`` at ``max``. Linear: ``x(u) = min + (max - min) * u``. Log, with
zero point ``z`` and ``r = (max - z) / (min - z)``:
``x(u) = min + (max - min) * (r**u - 1) / (r - 1)``, which equals ``z + (min - z) * r**u``, so
equal steps in ``u`` are equal ratios of ``x - z``.
A forecast is its CDF at ``u_k = k / 200``, ``k = 0..200``; ``cdf[0]`` is the mass below ``min``
and ``1 - cdf[200]`` the mass above ``max``. Between grid points the CDF is linear in ``u``.

From quantiles to a CDF
-----------------------
1. Knots. Each value ``x_i`` becomes ``u_i`` and each probability ``q_i`` becomes
   ``h_i = logit(q_i)``. Interpolating in logit space keeps the CDF inside (0, 1) everywhere and
   makes the tails fall off exponentially, like a logistic distribution's.
2. Between knots, ``h(u)`` is a monotone cubic Hermite spline (PCHIP): the slope at an inner knot
   is the Fritsch-Butland weighted harmonic mean of the neighbouring secants, never more than three
   times either, so the spline cannot overshoot and the CDF never falls. At an outermost knot next
   to an open bound the slope is the outermost secant, so three symmetric quantiles give an exact
   logistic. Next to a closed bound the knot may be steeper: it takes the density that the same
   harmonic mean gives a monotone spline through the CDF itself with the bound as one more knot
   (``F = 0`` at ``u = 0``, or ``1`` at ``u = 1``), when that is more than the secant gives, and
   at most one and a half times the secant (steeper, the next segment sags into a shoulder). So
   a tail that has room keeps its logistic shape, and the mass a forecaster put close to the
   bound raises the density at the knot instead of leaving a step there.
3. Tails. Beyond the outermost knots ``h`` goes on as a straight line with that slope: the density
   continues from the nearest segment and decays exponentially. At an open bound, the mass the tail
   puts past the bound is ``cdf[0]`` (or ``1 - cdf[200]``); knots may lie past an open bound too.
   At a closed bound the tail must reach exactly 0 at ``u = 0`` (exactly 1 at ``u = 1``), so
   between the bound and the outermost knot ``u_0`` it bends down to minus infinity:
   ``h(u) = h_0 + s (u - u_0) + ln(u / u_0) - (u - u_0) / u_0``, with ``s`` the knot's slope. The
   added term is 0 with slope 0 at the knot, so the density is continuous there (no step at the
   5th percentile), and it only ever steepens the tail, so the CDF still never falls; near the
   bound ``F`` falls to 0 in proportion to ``u``. The upper bound is the mirror image.
4. Sampling. ``F(u) = sigmoid(h(u))`` is taken at the 201 grid points; each given quantile is now
   exact at its own ``u``, up to the linear interpolation between grid points.
5. Repair, by local moves. The outside masses are clamped into their allowed ranges (at least
   ``MIN_TAIL`` at an open bound, leaving room for the interior). Steps below ``MIN_STEP`` are then
   lifted: of the curves whose every step is at least ``MIN_STEP``, take the lowest one above the
   CDF and the highest one below it and average them, which borrows the missing mass half from the
   next rise on each side. Steps above ``MAX_STEP`` are spread the same way (the highest curve
   below and the lowest above with every step at most ``MAX_STEP``), widening a spike
   symmetrically where it stands. Last, the curve is clipped to the band the end values allow.
   Each stage keeps the rules the earlier ones established, stretches that already obey the rules
   stay put, and for reasonable input every quantile stays within 0.01 of its probability.
"""

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

CDF_POINTS = 201
MIN_STEP = 5e-5
MAX_STEP = 0.2
MIN_TAIL = 0.001
BINARY_MIN, BINARY_MAX = 0.001, 0.999

_MAX_LAST = 1.0 - MIN_TAIL
_CLOSED_SLOPE_CAP = 1.5

_INTERVALS = CDF_POINTS - 1
_INDEX = np.arange(CDF_POINTS, dtype=np.float64)
_U_GRID = _INDEX / _INTERVALS
_INDEX.flags.writeable = False
_U_GRID.flags.writeable = False
# Steps are differences of numbers near 1, so a step meant to be exactly MIN_STEP or MAX_STEP
# (a sum of equal steps, an average of valid CDFs) can land a few ulps outside; 1e-12 absorbs
# that and is far below anything a forecaster could mean.
_STEP_TOLERANCE = 1e-12
# Quantile values closer than a billionth of the range, or more than a million ranges outside it,
# are input mistakes; refusing them also keeps the spline's slopes finite.
_MIN_KNOT_GAP = 1e-9
_MAX_KNOT_DISTANCE = 1e6
# Rows per chunk in cdf_errors, so a million-row import needs only a bounded temporary array.
_BATCH_ROWS = 1 << 16


class DistributionError(ValueError):
    """A forecast that breaks the rules; carries a user-facing message and the offending field.

    index: the place of the quantile pair at fault in the list as given, where one is.
    """

    def __init__(self, message: str, field: str | None = None, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.index = index


def _fmt(value: float) -> str:
    return f"{value:.12g}"


def _first(mask: npt.NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class Scale:
    """A question's axis: bounds (dates as Unix seconds), open flags, optional log zero point."""

    min: float
    max: float
    open_lower: bool
    open_upper: bool
    zero_point: float | None = None

    def __post_init__(self) -> None:
        for name, bound in (("min", self.min), ("max", self.max)):
            if not math.isfinite(bound):
                raise DistributionError(f"range {name} must be a finite number", f"range.{name}")
        if self.min >= self.max:
            raise DistributionError(
                f"the upper bound {_fmt(self.max)} must be above the lower bound {_fmt(self.min)}",
                "range.max",
            )
        z = self.zero_point
        if z is None:
            return
        if not math.isfinite(z) or self.min <= z <= self.max:
            raise DistributionError(
                f"the zero point must lie outside the range [{_fmt(self.min)}, {_fmt(self.max)}]",
                "range.zero_point",
            )
        r = (self.max - z) / (self.min - z)
        if not (math.isfinite(r) and r > 0 and r != 1):
            raise DistributionError(
                "the zero point is too far from the range to give a log scale",
                "range.zero_point",
            )

    @property
    def open_bounds(self) -> int:
        """Count the open bounds (0, 1 or 2)."""
        return int(self.open_lower) + int(self.open_upper)

    @property
    def _ratio(self) -> float:
        assert self.zero_point is not None
        return (self.max - self.zero_point) / (self.min - self.zero_point)

    def to_u(self, x: float | FloatArray) -> FloatArray:
        """Place values on the internal axis, without clipping to [0, 1]."""
        values = np.asarray(x, dtype=np.float64)
        z = self.zero_point
        if z is None:
            return (values - self.min) / (self.max - self.min)
        # (x - z) / (min - z) equals 1 + (r - 1) * (x - min) / (max - min), and at x = max it is
        # computed exactly as r is, so max lands on u = 1 with no rounding.
        ratio = (values - z) / (self.min - z)
        with np.errstate(divide="ignore", invalid="ignore"):
            u = np.log(ratio) / math.log(self._ratio)
        # Past the zero point a log scale has no position: it is infinitely far beyond the bound
        # on that side.
        return np.where(ratio <= 0, -np.inf if z < self.min else np.inf, u)

    def from_u(self, u: float | FloatArray) -> FloatArray:
        """Map positions on the internal axis back to the question's own values."""
        positions = np.asarray(u, dtype=np.float64)
        span = self.max - self.min
        if self.zero_point is None:
            x = self.min + span * positions
        else:
            r = self._ratio
            x = self.min + span * (np.power(r, positions) - 1.0) / (r - 1.0)
        # min + (max - min) can miss max by an ulp; the top of the axis must be max itself.
        return np.where(positions == 1.0, self.max, x)


def validate_probability(p: float) -> float:
    """Check a binary forecast and return it as a float."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise DistributionError("probability must be a number", "probability")
    value = float(p)
    if not math.isfinite(value):
        raise DistributionError("probability must be a finite number", "probability")
    if not BINARY_MIN <= value <= BINARY_MAX:
        raise DistributionError(
            f"probability must be between {BINARY_MIN} and {BINARY_MAX}, got {_fmt(value)}",
            "probability",
        )
    return value


def _steps_ok(steps: FloatArray) -> npt.NDArray[np.bool_]:
    return (steps >= MIN_STEP - _STEP_TOLERANCE) & (steps <= MAX_STEP + _STEP_TOLERANCE)


def _cdf_problem(values: FloatArray, scale: Scale) -> str | None:
    if values.ndim != 1:
        return f"cdf must be a flat list of {CDF_POINTS} numbers"
    if values.size != CDF_POINTS:
        return f"cdf must have {CDF_POINTS} values, got {values.size}"
    k = _first(~np.isfinite(values))
    if k is not None:
        return f"cdf[{k}] is not a finite number"
    first, last = values[0], values[-1]
    if scale.open_lower and not first >= MIN_TAIL:
        return f"cdf[0] must be at least {MIN_TAIL} when the lower bound is open, got {_fmt(first)}"
    if not scale.open_lower and first != 0.0:
        return f"cdf[0] must be 0 when the lower bound is closed, got {_fmt(first)}"
    if scale.open_upper and not last <= _MAX_LAST:
        return (
            f"cdf[200] must be at most {_MAX_LAST} when the upper bound is open, got {_fmt(last)}"
        )
    if not scale.open_upper and last != 1.0:
        return f"cdf[200] must be 1 when the upper bound is closed, got {_fmt(last)}"
    steps = np.diff(values)
    k = _first(~_steps_ok(steps))
    if k is None:
        return None
    where = f"between points {k} and {k + 1}"
    if steps[k] < 0:
        return f"cdf decreases {where}"
    limit = (
        f"below the minimum {MIN_STEP}" if steps[k] < MIN_STEP else f"above the maximum {MAX_STEP}"
    )
    return f"cdf step {where} is {_fmt(steps[k])}, {limit}"


def validate_cdf(cdf: Sequence[float] | FloatArray, scale: Scale) -> FloatArray:
    """Check a continuous forecast against every rule and return a copy as a float array."""
    try:
        values = np.array(cdf, dtype=np.float64)
    except (TypeError, ValueError):
        raise DistributionError(f"cdf must be a list of {CDF_POINTS} numbers", "cdf") from None
    problem = _cdf_problem(values, scale)
    if problem is not None:
        raise DistributionError(problem, "cdf")
    return values


def cdf_errors(
    cdfs: FloatArray,
    open_lower: npt.NDArray[np.bool_] | bool,
    open_upper: npt.NDArray[np.bool_] | bool,
) -> npt.NDArray[np.int64]:
    """Return the indices of the rows of an (n, 201) batch that validate_cdf would refuse."""
    values = np.asarray(cdfs, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != CDF_POINTS:
        raise DistributionError(
            f"cdfs must have shape (n, {CDF_POINTS}), got {values.shape}", "cdf"
        )
    n = values.shape[0]
    lower = np.broadcast_to(np.asarray(open_lower, dtype=bool), (n,))
    upper = np.broadcast_to(np.asarray(open_upper, dtype=bool), (n,))
    invalid = np.empty(n, dtype=bool)
    for start in range(0, n, _BATCH_ROWS):
        rows = slice(start, start + _BATCH_ROWS)
        chunk = values[rows]
        # inf - inf inside a bad row would warn; such rows are caught by the finiteness test.
        with np.errstate(invalid="ignore"):
            steps_ok = _steps_ok(np.diff(chunk, axis=1)).all(axis=1)
        first, last = chunk[:, 0], chunk[:, -1]
        first_ok = np.where(lower[rows], first >= MIN_TAIL, first == 0.0)
        last_ok = np.where(upper[rows], last <= _MAX_LAST, last == 1.0)
        finite = np.isfinite(chunk).all(axis=1)
        invalid[rows] = ~(finite & steps_ok & first_ok & last_ok)
    return np.flatnonzero(invalid).astype(np.int64)


def _quantile_knots(
    quantiles: Sequence[tuple[float, float]] | Sequence[Sequence[float]], scale: Scale
) -> tuple[FloatArray, FloatArray]:
    def bad(message: str, index: int | None = None) -> DistributionError:
        return DistributionError(message, "quantiles", index)

    try:
        pairs = np.array(quantiles, dtype=np.float64)
    except (TypeError, ValueError):
        pairs = np.empty(0)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise bad("quantiles must be a list of [probability, value] pairs")
    if len(pairs) < 3:
        raise bad(f"at least 3 quantiles are needed, got {len(pairs)}")
    k = _first(~np.all(np.isfinite(pairs), axis=1))
    if k is not None:
        raise bad("quantiles must be finite numbers", k)
    probs, values = pairs[:, 0], pairs[:, 1]
    k = _first((probs <= 0.0) | (probs >= 1.0))
    if k is not None:
        raise bad(f"quantile probability {_fmt(probs[k])} must be strictly between 0 and 1", k)
    for name, seq in (("probabilities", probs), ("values", values)):
        k = _first(np.diff(seq) <= 0.0)
        if k is not None:
            raise bad(
                f"quantile {name} must be strictly increasing, "
                f"but {_fmt(seq[k])} is followed by {_fmt(seq[k + 1])}",
                k + 1,
            )
    if not scale.open_lower and values[0] < scale.min:
        raise bad(
            f"quantile value {_fmt(values[0])} is below the closed lower bound {_fmt(scale.min)}",
            0,
        )
    if not scale.open_upper and values[-1] > scale.max:
        raise bad(
            f"quantile value {_fmt(values[-1])} is above the closed upper bound {_fmt(scale.max)}",
            len(values) - 1,
        )
    u = scale.to_u(values)
    k = _first(~(np.abs(u) <= _MAX_KNOT_DISTANCE))
    if k is not None:
        raise bad(f"quantile value {_fmt(values[k])} is too far outside the question's range", k)
    k = _first(np.diff(u) < _MIN_KNOT_GAP)
    if k is not None:
        raise bad(
            f"quantile values {_fmt(values[k])} and {_fmt(values[k + 1])} are too close "
            "together to tell apart on this question's scale",
            k + 1,
        )
    return probs, u


def _logit_spline(
    knots_u: FloatArray, knots_h: FloatArray, u: FloatArray, end_slopes: tuple[float, float]
) -> FloatArray:
    widths = np.diff(knots_u)
    secants = np.diff(knots_h) / widths
    slopes = np.empty_like(knots_h)
    slopes[0], slopes[-1] = end_slopes
    w_left = 2.0 * widths[1:] + widths[:-1]
    w_right = widths[1:] + 2.0 * widths[:-1]
    # The weighted harmonic mean, written without dividing by a secant: probabilities an ulp
    # apart have equal logits, and a flat segment must give a flat knot, not a division by zero.
    left, right = secants[:-1], secants[1:]
    numerator = (w_left + w_right) * left * right
    denominator = w_left * right + w_right * left
    slopes[1:-1] = np.divide(
        numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0
    )

    seg = np.clip(np.searchsorted(knots_u, u, side="right") - 1, 0, len(widths) - 1)
    width = widths[seg]
    # Clipping t keeps the cubic tame at far-away points, which are overwritten by the tails.
    t = np.clip((u - knots_u[seg]) / width, 0.0, 1.0)
    inside = (
        (1.0 + 2.0 * t) * (1.0 - t) ** 2 * knots_h[seg]
        + t * (1.0 - t) ** 2 * width * slopes[seg]
        + t**2 * (3.0 - 2.0 * t) * knots_h[seg + 1]
        + t**2 * (t - 1.0) * width * slopes[seg + 1]
    )
    below = knots_h[0] + slopes[0] * (u - knots_u[0])
    above = knots_h[-1] + slopes[-1] * (u - knots_u[-1])
    return np.where(u < knots_u[0], below, np.where(u > knots_u[-1], above, inside))


def _sigmoid(h: FloatArray) -> FloatArray:
    # exp of a non-positive number never overflows, whatever the slope of the tails.
    e = np.exp(-np.abs(h))
    return np.where(h >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _envelope_mean(f: FloatArray, step: float, *, at_least: bool) -> FloatArray:
    # Subtracting a ramp turns "every step >= (or <=) step" into "never falls (or rises)", whose
    # tightest curves above and below are running maxima and minima.
    ramp = step * (_INDEX - _INTERVALS / 2)
    g = f - ramp
    rising, falling = (np.maximum, np.minimum) if at_least else (np.minimum, np.maximum)
    return ramp + (rising.accumulate(g) + falling.accumulate(g[::-1])[::-1]) / 2


def _repair(raw: FloatArray, scale: Scale) -> FloatArray:
    top = _MAX_LAST if scale.open_upper else 1.0
    room = _INTERVALS * MIN_STEP
    a = float(np.clip(raw[0], MIN_TAIL, top - room)) if scale.open_lower else 0.0
    b = float(np.clip(raw[-1], a + room, top)) if scale.open_upper else 1.0
    f = np.clip(raw, a, b)
    f[0], f[-1] = a, b
    f = _envelope_mean(_envelope_mean(f, MIN_STEP, at_least=True), MAX_STEP, at_least=False)
    from_end = _INTERVALS - _INDEX
    lowest = np.maximum(a + MIN_STEP * _INDEX, b - MAX_STEP * from_end)
    highest = np.minimum(a + MAX_STEP * _INDEX, b - MIN_STEP * from_end)
    f = np.minimum(np.maximum(f, lowest), highest)
    f[0], f[-1] = a, b
    return f


def _closed_end_slope(
    gap: float, mass: float, width: float, next_mass: float, secant: float
) -> float:
    # The density a monotone spline through the CDF itself would give the knot next to a closed
    # bound, with the bound as a knot (gap away, mass between it and the knot) and the next knot
    # (width away, next_mass more): the same weighted harmonic mean as at inner knots. As a
    # logit slope, never below the secant (a bell keeps its logistic tail) and at most
    # _CLOSED_SLOPE_CAP times it: a steeper knot makes the next segment sag into a shoulder.
    if next_mass <= 0.0 or secant <= 0.0:
        return max(secant, 0.0)
    w_left, w_right = 2.0 * width + gap, width + 2.0 * gap
    # A knot a hair from the bound makes the left secant infinite, which the mean shrugs off.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        left, right = np.float64(mass) / gap, np.float64(next_mass) / width
        density = (w_left + w_right) / (w_left / left + w_right / right)
        slope = density / (mass * (1.0 - mass))
    return (
        float(np.clip(slope, secant, _CLOSED_SLOPE_CAP * secant)) if np.isfinite(slope) else secant
    )


def _end_slopes(
    knots_u: FloatArray, knots_h: FloatArray, probs: FloatArray, scale: Scale
) -> tuple[float, float]:
    first = float((knots_h[1] - knots_h[0]) / (knots_u[1] - knots_u[0]))
    last = float((knots_h[-1] - knots_h[-2]) / (knots_u[-1] - knots_u[-2]))
    if not scale.open_lower and knots_u[0] > 0.0:
        first = _closed_end_slope(
            knots_u[0], probs[0], knots_u[1] - knots_u[0], probs[1] - probs[0], first
        )
    if not scale.open_upper and knots_u[-1] < 1.0:
        last = _closed_end_slope(
            1.0 - knots_u[-1],
            1.0 - probs[-1],
            knots_u[-1] - knots_u[-2],
            probs[-1] - probs[-2],
            last,
        )
    return first, last


def _bent_tail(x: FloatArray, x0: float, h0: float, slope: float) -> FloatArray:
    # The logit of a tail that meets its knot x0 at h0 with slope and falls to minus infinity
    # at the bound x = 0 (step 3); distances are measured from the bound.
    with np.errstate(divide="ignore"):  # ln(0) is minus infinity: F is exactly 0 there
        return h0 + slope * (x - x0) + np.log(x / x0) - (x - x0) / x0


def _bend_closed_tails(
    h: FloatArray,
    knots_u: FloatArray,
    knots_h: FloatArray,
    slopes: tuple[float, float],
    scale: Scale,
) -> FloatArray:
    h = h.copy()
    if not scale.open_lower and knots_u[0] > 0.0:
        below = knots_u[0] > _U_GRID
        h[below] = _bent_tail(_U_GRID[below], knots_u[0], knots_h[0], slopes[0])
    if not scale.open_upper and knots_u[-1] < 1.0:
        # The mirror image: distance from the upper bound, and the logit's sign flipped.
        above = knots_u[-1] < _U_GRID
        h[above] = -_bent_tail(1.0 - _U_GRID[above], 1.0 - knots_u[-1], -knots_h[-1], slopes[1])
    return h


def cdf_from_quantiles(
    quantiles: Sequence[tuple[float, float]] | Sequence[Sequence[float]], scale: Scale
) -> FloatArray:
    """Build a valid 201-point CDF through (probability, value) pairs, as the module explains."""
    probs, knots_u = _quantile_knots(quantiles, scale)
    knots_h = np.log(probs) - np.log1p(-probs)
    slopes = _end_slopes(knots_u, knots_h, probs, scale)
    h = _logit_spline(knots_u, knots_h, _U_GRID, slopes)
    h = _bend_closed_tails(h, knots_u, knots_h, slopes, scale)
    return validate_cdf(_repair(_sigmoid(h), scale), scale)


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
    return max(int(u * _INTERVALS + 1 - 1e-10), 1)


def cdf_at_u(cdf: FloatArray, u: float | FloatArray) -> FloatArray | float:
    """Return P(position <= u), interpolating linearly; shape is cdf's batch shape + u's shape."""
    c = np.asarray(cdf, dtype=np.float64)
    positions = np.asarray(u, dtype=np.float64)
    if np.isnan(positions).any():
        raise ValueError("positions on the internal axis must not be NaN")
    scaled = np.clip(positions, 0.0, 1.0) * _INTERVALS
    k = np.minimum(np.floor(scaled).astype(np.intp), _INTERVALS - 1)
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
    return float(scale.from_u(float(np.interp(q, c, _U_GRID))))


def density(cdf: FloatArray, scale: Scale) -> tuple[FloatArray, FloatArray]:
    """Return the 200 bucket midpoints on the question's axis and the density per unit of u."""
    c = np.asarray(cdf, dtype=np.float64)
    midpoints = scale.from_u((_INDEX[:-1] + 0.5) / _INTERVALS)
    return midpoints, np.diff(c, axis=-1) * _INTERVALS
