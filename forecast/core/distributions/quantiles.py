"""Quantiles to a 201-point CDF: the conversion a forecaster's percentiles go through.

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

from collections.abc import Sequence

import numpy as np

from forecast.core.distributions.axis import (
    GRID_INDEX,
    INTERVALS,
    MAX_LAST,
    MAX_STEP,
    MIN_STEP,
    MIN_TAIL,
    U_GRID,
    DistributionError,
    FloatArray,
    Scale,
    first_true,
    fmt,
    validate_cdf,
)

_CLOSED_SLOPE_CAP = 1.5
# Quantile values closer than a billionth of the range, or more than a million ranges outside it,
# are input mistakes; refusing them also keeps the spline's slopes finite.
_MIN_KNOT_GAP = 1e-9
_MAX_KNOT_DISTANCE = 1e6


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
    k = first_true(~np.all(np.isfinite(pairs), axis=1))
    if k is not None:
        raise bad("quantiles must be finite numbers", k)
    probs, values = pairs[:, 0], pairs[:, 1]
    k = first_true((probs <= 0.0) | (probs >= 1.0))
    if k is not None:
        raise bad(f"quantile probability {fmt(probs[k])} must be strictly between 0 and 1", k)
    for name, seq in (("probabilities", probs), ("values", values)):
        k = first_true(np.diff(seq) <= 0.0)
        if k is not None:
            raise bad(
                f"quantile {name} must be strictly increasing, "
                f"but {fmt(seq[k])} is followed by {fmt(seq[k + 1])}",
                k + 1,
            )
    if not scale.open_lower and values[0] < scale.min:
        raise bad(
            f"quantile value {fmt(values[0])} is below the closed lower bound {fmt(scale.min)}",
            0,
        )
    if not scale.open_upper and values[-1] > scale.max:
        raise bad(
            f"quantile value {fmt(values[-1])} is above the closed upper bound {fmt(scale.max)}",
            len(values) - 1,
        )
    u = scale.to_u(values)
    k = first_true(~(np.abs(u) <= _MAX_KNOT_DISTANCE))
    if k is not None:
        raise bad(f"quantile value {fmt(values[k])} is too far outside the question's range", k)
    k = first_true(np.diff(u) < _MIN_KNOT_GAP)
    if k is not None:
        raise bad(
            f"quantile values {fmt(values[k])} and {fmt(values[k + 1])} are too close "
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
    ramp = step * (GRID_INDEX - INTERVALS / 2)
    g = f - ramp
    rising, falling = (np.maximum, np.minimum) if at_least else (np.minimum, np.maximum)
    return ramp + (rising.accumulate(g) + falling.accumulate(g[::-1])[::-1]) / 2


def _repair(raw: FloatArray, scale: Scale) -> FloatArray:
    top = MAX_LAST if scale.open_upper else 1.0
    room = INTERVALS * MIN_STEP
    a = float(np.clip(raw[0], MIN_TAIL, top - room)) if scale.open_lower else 0.0
    b = float(np.clip(raw[-1], a + room, top)) if scale.open_upper else 1.0
    f = np.clip(raw, a, b)
    f[0], f[-1] = a, b
    f = _envelope_mean(_envelope_mean(f, MIN_STEP, at_least=True), MAX_STEP, at_least=False)
    from_end = INTERVALS - GRID_INDEX
    lowest = np.maximum(a + MIN_STEP * GRID_INDEX, b - MAX_STEP * from_end)
    highest = np.minimum(a + MAX_STEP * GRID_INDEX, b - MIN_STEP * from_end)
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
        below = knots_u[0] > U_GRID
        h[below] = _bent_tail(U_GRID[below], knots_u[0], knots_h[0], slopes[0])
    if not scale.open_upper and knots_u[-1] < 1.0:
        # The mirror image: distance from the upper bound, and the logit's sign flipped.
        above = knots_u[-1] < U_GRID
        h[above] = -_bent_tail(1.0 - U_GRID[above], 1.0 - knots_u[-1], -knots_h[-1], slopes[1])
    return h


def cdf_from_quantiles(
    quantiles: Sequence[tuple[float, float]] | Sequence[Sequence[float]], scale: Scale
) -> FloatArray:
    """Build a valid 201-point CDF through (probability, value) pairs, as the module explains."""
    probs, knots_u = _quantile_knots(quantiles, scale)
    knots_h = np.log(probs) - np.log1p(-probs)
    slopes = _end_slopes(knots_u, knots_h, probs, scale)
    h = _logit_spline(knots_u, knots_h, U_GRID, slopes)
    h = _bend_closed_tails(h, knots_u, knots_h, slopes, scale)
    return validate_cdf(_repair(_sigmoid(h), scale), scale)
