"""A question's axis, the 201-point CDF grid on it, and the rules a forecast must keep.

The internal axis
-----------------
A continuous question (numeric, or date in Unix seconds) maps onto ``u`` in [0, 1], with
``u = 0`` at ``min`` and ``u = 1`` at ``max``. Linear: ``x(u) = min + (max - min) * u``. Log, with
zero point ``z`` and ``r = (max - z) / (min - z)``:
``x(u) = min + (max - min) * (r**u - 1) / (r - 1)``, which equals ``z + (min - z) * r**u``, so
equal steps in ``u`` are equal ratios of ``x - z``.
A forecast is its CDF at ``u_k = k / 200``, ``k = 0..200``; ``cdf[0]`` is the mass below ``min``
and ``1 - cdf[200]`` the mass above ``max``. Between grid points the CDF is linear in ``u``.
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

MAX_LAST = 1.0 - MIN_TAIL

INTERVALS = CDF_POINTS - 1
GRID_INDEX = np.arange(CDF_POINTS, dtype=np.float64)
U_GRID = GRID_INDEX / INTERVALS
GRID_INDEX.flags.writeable = False
U_GRID.flags.writeable = False
# Steps are differences of numbers near 1, so a step meant to be exactly MIN_STEP or MAX_STEP
# (a sum of equal steps, an average of valid CDFs) can land a few ulps outside; 1e-12 absorbs
# that and is far below anything a forecaster could mean.
_STEP_TOLERANCE = 1e-12
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


def fmt(value: float) -> str:
    """A number as a message shows it (12 significant digits)."""
    return f"{value:.12g}"


def first_true(mask: npt.NDArray[np.bool_]) -> int | None:
    """The index of the first true entry, or None."""
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
                f"the upper bound {fmt(self.max)} must be above the lower bound {fmt(self.min)}",
                "range.max",
            )
        z = self.zero_point
        if z is None:
            return
        if not math.isfinite(z) or self.min <= z <= self.max:
            raise DistributionError(
                f"the zero point must lie outside the range [{fmt(self.min)}, {fmt(self.max)}]",
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
            f"probability must be between {BINARY_MIN} and {BINARY_MAX}, got {fmt(value)}",
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
    k = first_true(~np.isfinite(values))
    if k is not None:
        return f"cdf[{k}] is not a finite number"
    first, last = values[0], values[-1]
    if scale.open_lower and not first >= MIN_TAIL:
        return f"cdf[0] must be at least {MIN_TAIL} when the lower bound is open, got {fmt(first)}"
    if not scale.open_lower and first != 0.0:
        return f"cdf[0] must be 0 when the lower bound is closed, got {fmt(first)}"
    if scale.open_upper and not last <= MAX_LAST:
        return f"cdf[200] must be at most {MAX_LAST} when the upper bound is open, got {fmt(last)}"
    if not scale.open_upper and last != 1.0:
        return f"cdf[200] must be 1 when the upper bound is closed, got {fmt(last)}"
    steps = np.diff(values)
    k = first_true(~_steps_ok(steps))
    if k is None:
        return None
    where = f"between points {k} and {k + 1}"
    if steps[k] < 0:
        return f"cdf decreases {where}"
    limit = (
        f"below the minimum {MIN_STEP}" if steps[k] < MIN_STEP else f"above the maximum {MAX_STEP}"
    )
    return f"cdf step {where} is {fmt(steps[k])}, {limit}"


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
        last_ok = np.where(upper[rows], last <= MAX_LAST, last == 1.0)
        finite = np.isfinite(chunk).all(axis=1)
        invalid[rows] = ~(finite & steps_ok & first_ok & last_ok)
    return np.flatnonzero(invalid).astype(np.int64)
