"""Forecast representations: scales, CDF rules, quantile input and CDF queries."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from forecast.core.distributions import (
    CDF_POINTS,
    MAX_STEP,
    MIN_STEP,
    MIN_TAIL,
    DistributionError,
    Scale,
    cdf_at,
    cdf_at_u,
    cdf_errors,
    cdf_from_quantiles,
    density,
    pmf_from_cdf,
    quantile_of,
    resolution_bucket,
    validate_cdf,
    validate_probability,
)

CLOSED = Scale(0.0, 100.0, open_lower=False, open_upper=False)
OPEN = Scale(0.0, 100.0, open_lower=True, open_upper=True)
LOG = Scale(1.0, 1000.0, open_lower=False, open_upper=False, zero_point=0.0)
UNIFORM = np.linspace(0.0, 1.0, CDF_POINTS)
UNIFORM.flags.writeable = False


def unix(year: int, month: int = 1, day: int = 1) -> float:
    return datetime(year, month, day, tzinfo=UTC).timestamp()


def open_uniform(first: float = 0.05, last: float = 0.95) -> np.ndarray:
    return np.linspace(first, last, CDF_POINTS)


def rejection(cdf: object, scale: Scale) -> str:
    with pytest.raises(DistributionError) as info:
        validate_cdf(cdf, scale)  # type: ignore[arg-type]
    assert info.value.field == "cdf"
    return info.value.message


def quantile_rejection(quantiles: object, scale: Scale = CLOSED) -> str:
    with pytest.raises(DistributionError) as info:
        cdf_from_quantiles(quantiles, scale)  # type: ignore[arg-type]
    assert info.value.field == "quantiles"
    return info.value.message


# --- scales -------------------------------------------------------------------------------


def test_a_linear_scale_maps_its_bounds_to_zero_and_one_and_does_not_clip() -> None:
    assert CLOSED.to_u(np.array([0.0, 25.0, 100.0])).tolist() == [0.0, 0.25, 1.0]
    assert float(CLOSED.to_u(-50.0)) == -0.5
    assert float(CLOSED.to_u(150.0)) == 1.5
    assert CLOSED.from_u(np.array([0.0, 0.25, 1.0])).tolist() == [0.0, 25.0, 100.0]


def test_a_log_scale_puts_the_geometric_midpoint_at_half_way() -> None:
    # r = 1000, so x(0.5) = 1 + 999 * (sqrt(1000) - 1) / 999 = sqrt(1000).
    assert float(LOG.from_u(0.5)) == pytest.approx(31.6227766017, abs=1e-9)
    assert float(LOG.to_u(math.sqrt(1000.0))) == pytest.approx(0.5, abs=1e-12)
    assert float(LOG.to_u(1.0)) == 0.0
    assert float(LOG.to_u(1000.0)) == 1.0
    assert float(LOG.from_u(1.0)) == 1000.0
    assert float(LOG.to_u(10.0)) == pytest.approx(1.0 / 3.0, abs=1e-12)


def test_a_log_scale_with_its_zero_point_above_the_range_still_increases() -> None:
    scale = Scale(-1000.0, -1.0, open_lower=False, open_upper=False, zero_point=0.0)
    u = scale.to_u(np.array([-1000.0, -31.6227766017, -1.0]))
    assert u.tolist() == pytest.approx([0.0, 0.5, 1.0], abs=1e-9)


def test_a_value_past_the_zero_point_is_infinitely_far_outside_a_log_scale() -> None:
    assert float(LOG.to_u(-5.0)) == -math.inf
    assert float(LOG.to_u(0.0)) == -math.inf


@given(
    lo=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    gap=st.floats(1e-3, 1e6),
    u=st.floats(-0.5, 1.5),
)
def test_every_scale_maps_u_back_to_itself(lo: float, width: float, gap: float, u: float) -> None:
    linear = Scale(lo, lo + width, open_lower=True, open_upper=True)
    assert float(linear.to_u(linear.from_u(u))) == pytest.approx(u, abs=1e-6)
    # Below min a log scale closes in on its zero point, where x - z runs out of digits, so
    # the round trip is only well conditioned inside the range.
    log = Scale(lo, lo + width, open_lower=True, open_upper=True, zero_point=lo - gap)
    inside = min(max(u, 0.0), 1.0)
    assert float(log.to_u(log.from_u(inside))) == pytest.approx(inside, abs=1e-6)


@pytest.mark.parametrize(
    ("lo", "hi", "zero_point", "field"),
    [
        (5.0, 5.0, None, "range.max"),
        (5.0, 1.0, None, "range.max"),
        (math.nan, 1.0, None, "range.min"),
        (0.0, math.inf, None, "range.max"),
        (1.0, 10.0, 5.0, "range.zero_point"),
        (1.0, 10.0, 1.0, "range.zero_point"),
        (1.0, 10.0, 10.0, "range.zero_point"),
        (1.0, 10.0, -1e300, "range.zero_point"),
    ],
)
def test_a_scale_that_cannot_be_an_axis_is_rejected(
    lo: float, hi: float, zero_point: float | None, field: str
) -> None:
    with pytest.raises(DistributionError) as info:
        Scale(lo, hi, open_lower=False, open_upper=False, zero_point=zero_point)
    assert info.value.field == field


def test_open_bounds_counts_the_open_sides() -> None:
    assert CLOSED.open_bounds == 0
    assert Scale(0.0, 1.0, open_lower=True, open_upper=False).open_bounds == 1
    assert OPEN.open_bounds == 2


# --- binary -------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.001, 0.5, 0.999, np.float64(0.25)])
def test_a_probability_inside_the_limits_is_accepted(p: float) -> None:
    assert validate_probability(p) == float(p)


@pytest.mark.parametrize("p", [0.0, 0.0009, 0.9991, 1.0, math.nan, math.inf, "0.5", True, None])
def test_a_probability_outside_the_limits_or_not_a_number_is_rejected(p: object) -> None:
    with pytest.raises(DistributionError) as info:
        validate_probability(p)  # type: ignore[arg-type]
    assert info.value.field == "probability"


def test_an_out_of_range_probability_names_the_limits() -> None:
    with pytest.raises(DistributionError, match=r"between 0\.001 and 0\.999, got 1\.2"):
        validate_probability(1.2)


# --- validating a CDF ---------------------------------------------------------------------


def test_a_uniform_cdf_on_a_closed_scale_is_valid_and_returned_as_a_copy() -> None:
    given_cdf = UNIFORM.copy()
    result = validate_cdf(given_cdf, CLOSED)
    assert result.tolist() == UNIFORM.tolist()
    result[5] = 9.0
    assert given_cdf[5] == UNIFORM[5]


def test_a_cdf_given_as_a_list_is_valid() -> None:
    assert validate_cdf(open_uniform().tolist(), OPEN).dtype == np.float64


def test_a_cdf_of_the_wrong_length_is_rejected() -> None:
    assert rejection(UNIFORM[:-1], CLOSED) == "cdf must have 201 values, got 200"


@pytest.mark.parametrize("bad", [[["a"] * 201], "abc", [[0.5] * 201] * 2, None])
def test_a_cdf_that_is_not_a_list_of_numbers_is_rejected(bad: object) -> None:
    assert "201 numbers" in rejection(bad, CLOSED)


def test_a_cdf_with_a_missing_value_is_rejected() -> None:
    cdf = UNIFORM.copy()
    cdf[7] = math.nan
    assert rejection(cdf, CLOSED) == "cdf[7] is not a finite number"


def test_a_cdf_that_decreases_is_rejected() -> None:
    cdf = UNIFORM.copy()
    cdf[18] = cdf[16]
    assert rejection(cdf, CLOSED) == "cdf decreases between points 17 and 18"


def test_a_cdf_with_a_step_above_the_maximum_is_rejected() -> None:
    cdf = np.concatenate([[0.0, 0.0001, 0.0002, 0.0003], np.linspace(0.2503, 1.0, 197)])
    assert (
        rejection(cdf, CLOSED) == "cdf step between points 3 and 4 is 0.25, above the maximum 0.2"
    )


def test_a_flat_cdf_is_rejected_as_a_step_below_the_minimum() -> None:
    cdf = UNIFORM.copy()
    cdf[1] = 0.0
    assert rejection(cdf, CLOSED) == "cdf step between points 0 and 1 is 0, below the minimum 5e-05"


def test_steps_of_exactly_the_minimum_and_maximum_are_valid_despite_rounding() -> None:
    # Four steps of 0.2 and 196 of 5e-05 add up to 0.8098; the rest is the upper tail.
    steps = np.array([MAX_STEP] * 4 + [MIN_STEP] * 196)
    cdf = np.concatenate([[0.0], np.cumsum(steps)])
    scale = Scale(0.0, 1.0, open_lower=False, open_upper=True)
    assert np.diff(cdf).min() < MIN_STEP  # the rounding the tolerance is there for
    assert validate_cdf(cdf, scale)[-1] == pytest.approx(0.8098)


def test_a_step_just_beyond_the_tolerance_is_rejected() -> None:
    cdf = UNIFORM.copy()
    cdf[1] = MIN_STEP - 1e-9
    assert "below the minimum" in rejection(cdf, CLOSED)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (0.001, 1.0, "cdf[0] must be 0 when the lower bound is closed, got 0.001"),
        (0.0, 0.999, "cdf[200] must be 1 when the upper bound is closed, got 0.999"),
    ],
)
def test_a_closed_bound_needs_an_exact_end_value(first: float, last: float, message: str) -> None:
    assert rejection(np.linspace(first, last, CDF_POINTS), CLOSED) == message


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (0.0, 0.95, "cdf[0] must be at least 0.001 when the lower bound is open, got 0"),
        (0.0009, 0.95, "cdf[0] must be at least 0.001 when the lower bound is open, got 0.0009"),
        (0.05, 1.0, "cdf[200] must be at most 0.999 when the upper bound is open, got 1"),
    ],
)
def test_an_open_bound_needs_some_mass_outside(first: float, last: float, message: str) -> None:
    assert rejection(np.linspace(first, last, CDF_POINTS), OPEN) == message


def test_an_open_bound_accepts_exactly_the_minimum_tail() -> None:
    validate_cdf(np.linspace(MIN_TAIL, 1.0 - MIN_TAIL, CDF_POINTS), OPEN)
    validate_cdf(np.linspace(MIN_TAIL, 0.999, CDF_POINTS).tolist(), OPEN)


# --- batch validation ---------------------------------------------------------------------


def test_cdf_errors_lists_exactly_the_invalid_rows() -> None:
    decreasing = UNIFORM.copy()
    decreasing[100] = 0.3
    batch = np.stack([UNIFORM, decreasing, open_uniform(), UNIFORM, open_uniform()])
    lower = np.array([False, False, True, True, True])
    upper = np.array([False, False, True, False, False])
    # Row 3 is closed-style on an open lower bound; row 4 has 0.95 at a closed upper bound.
    assert cdf_errors(batch, lower, upper).tolist() == [1, 3, 4]


def test_cdf_errors_accepts_one_flag_for_the_whole_batch() -> None:
    batch = np.stack([UNIFORM, open_uniform()])
    assert cdf_errors(batch, False, False).tolist() == [1]
    assert cdf_errors(batch, True, True).tolist() == [0]
    assert cdf_errors(np.empty((0, CDF_POINTS)), False, False).tolist() == []


def test_cdf_errors_refuses_a_batch_of_the_wrong_width() -> None:
    with pytest.raises(DistributionError, match=r"shape \(n, 201\)"):
        cdf_errors(np.zeros((3, 200)), False, False)


def test_cdf_errors_handles_more_rows_than_one_chunk() -> None:
    batch = np.tile(UNIFORM, (70_000, 1))
    batch[[3, 65_536, 69_999], 50] = np.inf
    assert cdf_errors(batch, False, False).tolist() == [3, 65_536, 69_999]


MUTATIONS = ["none", "nan", "inf", "swap", "flat", "near_min", "big_step", "first", "last", "x100"]


@settings(max_examples=300)
@given(
    seed=st.integers(0, 2**32 - 1),
    open_lower=st.booleans(),
    open_upper=st.booleans(),
    mutation=st.sampled_from(MUTATIONS),
    k=st.integers(0, CDF_POINTS - 2),
    factor=st.sampled_from([0.0, 0.5, 1.0 - 1e-7, 1.0, 1.0 + 1e-7, 2.0]),
    end=st.sampled_from([0.0, 1e-13, 0.0009, 0.001, 0.002, 0.998, 0.999, 0.9991, 1.0 - 1e-13, 1.0]),
)
def test_cdf_errors_agrees_with_validate_cdf(
    seed: int,
    open_lower: bool,
    open_upper: bool,
    mutation: str,
    k: int,
    factor: float,
    end: float,
) -> None:
    rng = np.random.default_rng(seed)
    first = rng.uniform(MIN_TAIL, 0.3) if open_lower else 0.0
    last = rng.uniform(0.7, 1.0 - MIN_TAIL) if open_upper else 1.0
    weights = rng.random(CDF_POINTS - 1) + 0.1
    steps = MIN_STEP + weights / weights.sum() * (last - first - 200 * MIN_STEP)
    cdf = np.concatenate([[first], first + np.cumsum(steps)])
    cdf[-1] = last
    if mutation == "nan":
        cdf[k] = math.nan
    elif mutation == "inf":
        cdf[k] = math.inf
    elif mutation == "swap":
        cdf[[k, k + 1]] = cdf[[k + 1, k]]
    elif mutation == "flat":
        cdf[k + 1] = cdf[k]
    elif mutation == "near_min":
        cdf[k + 1] = cdf[k] + MIN_STEP * factor
    elif mutation == "big_step":
        cdf[k + 1 :] += MAX_STEP * factor
    elif mutation == "first":
        cdf[0] = end
    elif mutation == "last":
        cdf[-1] = end
    elif mutation == "x100":
        cdf *= 100.0
    scale = Scale(0.0, 1.0, open_lower=open_lower, open_upper=open_upper)
    try:
        validate_cdf(cdf, scale)
        valid = True
    except DistributionError:
        valid = False
    # Row 0 is the same CDF under the opposite lower flag, so the flags are read per row.
    invalid_rows = cdf_errors(
        np.stack([cdf, cdf]), np.array([not open_lower, open_lower]), open_upper
    )
    assert (1 not in invalid_rows.tolist()) == valid
    if mutation == "none":
        assert valid


# --- queries on a CDF ---------------------------------------------------------------------


def test_a_uniform_cdf_gives_a_quarter_at_the_first_quartile() -> None:
    assert cdf_at(UNIFORM, CLOSED, 25.0) == pytest.approx(0.25, abs=1e-15)
    assert isinstance(cdf_at(UNIFORM, CLOSED, 25.0), float)


def test_cdf_at_interpolates_linearly_between_grid_points() -> None:
    cdf = UNIFORM.copy()
    cdf[100], cdf[101] = 0.4, 0.6
    cdf[:100] = np.linspace(0.0, 0.4, 100, endpoint=False)
    cdf[101:] = np.linspace(0.6, 1.0, 100)
    # x = 50.125 is a quarter of the way from u = 0.5 to u = 0.505.
    assert cdf_at(cdf, CLOSED, 50.125) == pytest.approx(0.45)


def test_cdf_at_is_the_outside_mass_beyond_the_range() -> None:
    cdf = open_uniform()
    assert cdf_at(cdf, OPEN, -1e9) == 0.05
    assert cdf_at(cdf, OPEN, 1e9) == 0.95
    assert cdf_at(cdf, OPEN, 0.0) == 0.05
    assert cdf_at(cdf, OPEN, 100.0) == 0.95


def test_cdf_at_answers_for_a_batch_of_cdfs_or_many_values() -> None:
    batch = np.stack([UNIFORM, UNIFORM**2])
    assert cdf_at(batch, CLOSED, 50.0).tolist() == pytest.approx([0.5, 0.25])  # type: ignore[union-attr]
    at_many = cdf_at(UNIFORM, CLOSED, np.array([-5.0, 10.0, 90.0, 105.0]))
    assert at_many.tolist() == pytest.approx([0.0, 0.1, 0.9, 1.0])  # type: ignore[union-attr]
    assert np.shape(cdf_at(batch, CLOSED, np.array([10.0, 20.0, 30.0]))) == (2, 3)


def test_cdf_at_u_clips_positions_to_the_axis() -> None:
    cdf = open_uniform()
    assert cdf_at_u(cdf, -0.3) == 0.05
    assert cdf_at_u(cdf, 1.3) == 0.95
    assert cdf_at_u(cdf, 0.5) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        cdf_at_u(cdf, math.nan)


def test_a_date_question_gives_the_probability_of_the_event_by_a_date() -> None:
    scale = Scale(unix(2025), unix(2026), open_lower=False, open_upper=True)
    cdf = np.linspace(0.0, 0.8, CDF_POINTS)
    validate_cdf(cdf, scale)
    halfway = (unix(2025) + unix(2026)) / 2
    assert cdf_at(cdf, scale, halfway) == pytest.approx(0.4)
    assert cdf_at(cdf, scale, unix(2030)) == 0.8
    assert resolution_bucket(unix(2030), scale) == 201


def test_quantile_of_inverts_the_cdf_and_clamps_to_the_range() -> None:
    assert quantile_of(UNIFORM, CLOSED, 0.5) == pytest.approx(50.0)
    assert quantile_of(UNIFORM, CLOSED, 0.25) == pytest.approx(25.0)
    assert quantile_of(open_uniform(), OPEN, 0.01) == 0.0
    assert quantile_of(open_uniform(), OPEN, 0.99) == 100.0


def test_quantile_of_reads_a_log_scale_in_its_own_units() -> None:
    assert quantile_of(UNIFORM, LOG, 0.5) == pytest.approx(math.sqrt(1000.0))


def test_density_of_a_uniform_cdf_is_one_per_unit_of_u_at_the_bucket_midpoints() -> None:
    x, dens = density(UNIFORM, CLOSED)
    assert x.shape == dens.shape == (200,)
    assert x[0] == pytest.approx(0.25)
    assert x[-1] == pytest.approx(99.75)
    assert dens == pytest.approx(np.ones(200))


def test_the_pmf_holds_the_outside_mass_in_its_end_buckets() -> None:
    pmf = pmf_from_cdf(open_uniform())
    assert pmf.shape == (202,)
    assert pmf[0] == 0.05
    assert pmf[-1] == pytest.approx(0.05)
    assert pmf[1:-1] == pytest.approx(np.full(200, 0.9 / 200))
    assert pmf.sum() == pytest.approx(1.0)


def test_the_pmf_of_a_batch_keeps_the_batch_shape() -> None:
    pmfs = pmf_from_cdf(np.stack([UNIFORM, open_uniform(), open_uniform(0.1, 0.5)]))
    assert pmfs.shape == (3, 202)
    assert pmfs.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0])
    assert pmfs[2, -1] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("x", "bucket"),
    [
        (-0.001, 0),
        (0.0, 1),  # u = 0: int(1 - 1e-10) = 0, raised to 1
        (0.25, 1),  # u = 0.0025: int(1.5 - 1e-10) = 1
        (0.5, 1),  # u = 0.005 = u_1: int(2 - 1e-10) = 1, the bucket (u_0, u_1]
        (0.51, 2),
        (25.0, 50),  # u = 0.25: int(51 - 1e-10) = 50
        (25.1, 51),  # u = 0.251: int(51.2 - 1e-10) = 51
        (100.0, 200),
        (100.001, 201),
    ],
)
def test_a_resolution_value_falls_in_the_bucket_the_formula_gives(x: float, bucket: int) -> None:
    assert resolution_bucket(x, CLOSED) == bucket


def test_a_resolution_on_a_log_scale_uses_the_log_position() -> None:
    assert resolution_bucket(10.0, LOG) == 67  # u = 1/3: int(66.67 + 1 - 1e-10)
    assert resolution_bucket(0.5, LOG) == 0


def test_a_resolution_that_is_not_a_number_is_rejected() -> None:
    with pytest.raises(DistributionError):
        resolution_bucket(math.nan, CLOSED)


# --- quantiles to a CDF -------------------------------------------------------------------


def test_three_symmetric_quantiles_give_a_valid_cdf_through_them() -> None:
    cdf = cdf_from_quantiles([[0.05, 40.0], [0.5, 50.0], [0.95, 60.0]], CLOSED)
    assert cdf_at(cdf, CLOSED, np.array([40.0, 50.0, 60.0])).tolist() == pytest.approx(  # type: ignore[union-attr]
        [0.05, 0.5, 0.95], abs=1e-3
    )
    assert cdf[0] == 0.0
    assert cdf[-1] == 1.0
    # Logistic with scale 0.1 / logit(0.95) in u: symmetric about the median.
    assert cdf[100] == pytest.approx(0.5, abs=1e-12)
    assert cdf[80] + cdf[120] == pytest.approx(1.0, abs=1e-6)


def test_an_open_scale_keeps_at_least_the_minimum_mass_outside() -> None:
    cdf = cdf_from_quantiles([(0.05, 40.0), (0.5, 50.0), (0.95, 60.0)], OPEN)
    assert cdf[0] == MIN_TAIL
    assert cdf[-1] == 1.0 - MIN_TAIL
    assert quantile_of(cdf, OPEN, 0.5) == pytest.approx(50.0, abs=1e-6)


def test_quantiles_beyond_an_open_bound_put_their_mass_below_the_range() -> None:
    scale = Scale(0.0, 100.0, open_lower=True, open_upper=False)
    cdf = cdf_from_quantiles([[0.05, -20.0], [0.5, 10.0], [0.95, 50.0]], scale)
    assert 0.05 < cdf[0] < 0.5
    assert cdf_at(cdf, scale, 10.0) == pytest.approx(0.5, abs=1e-3)
    assert cdf_at(cdf, scale, 50.0) == pytest.approx(0.95, abs=1e-3)


def test_a_wide_forecast_on_a_closed_scale_squeezes_its_tails_inside() -> None:
    cdf = cdf_from_quantiles([[0.1, 5.0], [0.5, 50.0], [0.9, 95.0]], CLOSED)
    assert cdf[0] == 0.0
    assert cdf[-1] == 1.0
    assert cdf_at(cdf, CLOSED, np.array([5.0, 95.0])).tolist() == pytest.approx(  # type: ignore[union-attr]
        [0.1, 0.9], abs=1e-3
    )
    # The 10% below 5 is spread over the first 10 buckets instead of leaving the range: the
    # steps fall from the bound towards the knot, where they meet the interior's.
    assert np.diff(cdf[:11]).min() > 0.003


@pytest.mark.parametrize(
    ("quantiles", "scale", "knot"),
    [
        # The editor's starting bell on a question closed below (a date, a count of FLOP).
        (
            [[0.05, 10.0], [0.25, 35.08], [0.5, 50.0], [0.75, 64.92], [0.95, 90.0]],
            Scale(0.0, 100.0, open_lower=False, open_upper=True),
            20,
        ),
        ([[0.1, 5.0], [0.5, 50.0], [0.9, 95.0]], CLOSED, 10),  # more mass by each bound
        ([[0.3, 10.0], [0.5, 40.0], [0.9, 80.0]], CLOSED, 20),  # 30% in the first tenth
    ],
)
def test_a_closed_bound_leaves_no_step_in_the_density_at_the_outermost_knot(
    quantiles: list[list[float]], scale: Scale, knot: int
) -> None:
    cdf = cdf_from_quantiles(quantiles, scale)
    assert cdf[0] == 0.0
    density = np.diff(cdf)
    # The density is continuous at the knot: the buckets either side differ only as the curve
    # bends there (a tail rescaled to fit between the bound and the knot jumped 2 to 5 times).
    assert density[knot - 1] / density[knot] == pytest.approx(1.0, abs=0.15)
    levels = [q for q, _ in quantiles]
    values = np.array([x for _, x in quantiles])
    assert cdf_at(cdf, scale, values) == pytest.approx(levels, abs=1e-3)


def test_the_editors_bell_on_a_closed_bound_rises_from_the_bound_to_one_peak() -> None:
    scale = Scale(0.0, 100.0, open_lower=False, open_upper=True)
    quantiles = [[0.05, 10.0], [0.25, 35.08], [0.5, 50.0], [0.75, 64.92], [0.95, 90.0]]
    density = np.diff(cdf_from_quantiles(quantiles, scale))
    peak = int(np.argmax(density))
    assert np.all(np.diff(density[: peak + 1]) > 0)
    assert np.all(np.diff(density[peak:]) < 0)


def test_a_tail_with_room_inside_a_closed_bound_keeps_its_logistic_shape() -> None:
    # Five units either side of the middle hold 90%: the bounds are far, and the tails decay
    # as a logistic's do instead of spreading their 5% evenly towards the bounds.
    cdf = cdf_from_quantiles([[0.05, 45.0], [0.5, 50.0], [0.95, 55.0]], CLOSED)
    open_cdf = cdf_from_quantiles([[0.05, 45.0], [0.5, 50.0], [0.95, 55.0]], OPEN)
    for x in (42.0, 44.0, 56.0, 58.0):
        assert cdf_at(cdf, CLOSED, x) == pytest.approx(cdf_at(open_cdf, OPEN, x), abs=1e-4)
    # Further out both are the floor of MIN_STEP a bucket; the open one starts at MIN_TAIL.
    for x in (20.0, 30.0, 70.0, 80.0):
        assert cdf_at(cdf, CLOSED, x) == pytest.approx(cdf_at(open_cdf, OPEN, x), abs=2e-3)


def test_quantiles_on_a_log_scale_are_interpolated_in_log_space() -> None:
    scale = Scale(1.0, 10_000.0, open_lower=False, open_upper=False, zero_point=0.0)
    cdf = cdf_from_quantiles([[0.1, 10.0], [0.5, 100.0], [0.9, 1000.0]], scale)
    assert quantile_of(cdf, scale, 0.5) == pytest.approx(100.0, rel=1e-6)
    assert cdf_at(cdf, scale, 1000.0) == pytest.approx(0.9, abs=1e-3)


def test_quantiles_of_a_date_question_are_unix_seconds() -> None:
    scale = Scale(unix(2025), unix(2030), open_lower=False, open_upper=True)
    quantiles = [[0.1, unix(2026)], [0.5, unix(2027, 7)], [0.8, unix(2029)]]
    cdf = cdf_from_quantiles(quantiles, scale)
    assert cdf_at(cdf, scale, unix(2027, 7)) == pytest.approx(0.5, abs=0.01)
    assert 0.8 < cdf[-1] <= 1.0 - MIN_TAIL


def test_a_forecast_narrower_than_the_maximum_step_allows_is_widened_around_its_centre() -> None:
    cdf = cdf_from_quantiles([[0.05, 49.9], [0.5, 50.0], [0.95, 50.1]], CLOSED)
    assert np.diff(cdf).max() <= MAX_STEP + 1e-12
    assert quantile_of(cdf, CLOSED, 0.5) == pytest.approx(50.0, abs=0.01)
    # Widened locally, not flattened towards a uniform: almost everything stays within 5 units.
    assert cdf_at(cdf, CLOSED, 45.0) < 0.01
    assert cdf_at(cdf, CLOSED, 55.0) > 0.99


def test_a_spike_at_a_closed_bound_is_pushed_into_the_range() -> None:
    cdf = cdf_from_quantiles([[0.5, 0.0], [0.9, 0.01], [0.99, 0.02]], CLOSED)
    assert cdf[0] == 0.0
    assert cdf[1] == pytest.approx(MAX_STEP)
    assert cdf[2] == pytest.approx(2 * MAX_STEP)


def test_quantiles_all_beyond_an_open_bound_leave_the_range_nearly_empty() -> None:
    cdf = cdf_from_quantiles([[0.1, 200.0], [0.5, 300.0], [0.9, 400.0]], OPEN)
    # Logit slope ln(9) per unit of u, from logit(0.1) at u = 2: sigmoid(-3 ln 9), sigmoid(-2 ln 9).
    assert cdf[0] == pytest.approx(1 / 730, rel=1e-9)
    assert cdf[-1] == pytest.approx(1 / 82, rel=1e-9)


@pytest.mark.parametrize(
    ("quantiles", "message"),
    [
        ([[0.1, 1.0], [0.9, 2.0]], "at least 3 quantiles are needed, got 2"),
        ([[0.1, 1.0], [0.5], [0.9, 3.0]], "quantiles must be a list of [probability, value] pairs"),
        (
            [[0.1, 1, 2], [0.5, 2, 3], [0.9, 3, 4]],
            "quantiles must be a list of [probability, value] pairs",
        ),
        ([[0.1, 1.0], [0.5, math.nan], [0.9, 3.0]], "quantiles must be finite numbers"),
        (
            [[0.0, 1.0], [0.5, 2.0], [0.9, 3.0]],
            "quantile probability 0 must be strictly between 0 and 1",
        ),
        (
            [[0.1, 1.0], [0.5, 2.0], [1.0, 3.0]],
            "quantile probability 1 must be strictly between 0 and 1",
        ),
        (
            [[0.1, 1.0], [0.5, 2.0], [0.5, 3.0]],
            "quantile probabilities must be strictly increasing, but 0.5 is followed by 0.5",
        ),
        (
            [[0.1, 1.0], [0.5, 3.0], [0.9, 2.0]],
            "quantile values must be strictly increasing, but 3 is followed by 2",
        ),
        (
            [[0.1, -5.0], [0.5, 3.0], [0.9, 20.0]],
            "quantile value -5 is below the closed lower bound 0",
        ),
        (
            [[0.1, 5.0], [0.5, 30.0], [0.9, 100.5]],
            "quantile value 100.5 is above the closed upper bound 100",
        ),
        (
            [[0.1, 5.0], [0.5, 5.0 + 1e-10], [0.9, 20.0]],
            "quantile values 5 and 5.0000000001 are too close together to tell apart on this "
            "question's scale",
        ),
    ],
)
def test_unusable_quantiles_are_rejected_with_a_precise_message(
    quantiles: object, message: str
) -> None:
    assert quantile_rejection(quantiles) == message


def test_quantiles_far_outside_an_open_range_are_rejected() -> None:
    message = quantile_rejection([[0.1, 5.0], [0.5, 30.0], [0.9, 1e12]], OPEN)
    assert message == "quantile value 1e+12 is too far outside the question's range"
    log_open = Scale(1.0, 1000.0, open_lower=True, open_upper=False, zero_point=0.0)
    assert "too far outside" in quantile_rejection([[0.1, -1.0], [0.5, 3.0], [0.9, 9.0]], log_open)


@st.composite
def scales(draw: st.DrawFn) -> Scale:
    lo = draw(st.floats(-1e6, 1e6))
    width = draw(st.floats(1e-2, 1e7))
    zero_point = draw(st.one_of(st.none(), st.floats(1e-3, 1e6).map(lambda gap: lo - gap)))
    return Scale(lo, lo + width, draw(st.booleans()), draw(st.booleans()), zero_point)


def sorted_unique(data: st.DataObject, n: int, lo: float, hi: float) -> np.ndarray:
    values = data.draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n, unique=True))
    return np.sort(np.array(values))


@settings(max_examples=400)
@given(scale=scales(), n=st.integers(3, 8), data=st.data())
def test_any_sensible_quantiles_become_a_valid_cdf(
    scale: Scale, n: int, data: st.DataObject
) -> None:
    # Anything the input rules allow, including knots beyond open bounds, knots on a closed
    # bound, near-certain probabilities and knots a billionth of the range apart.
    probs = sorted_unique(data, n, 1e-9, 1 - 1e-9)
    u = sorted_unique(data, n, -0.6 if scale.open_lower else 0.0, 1.6 if scale.open_upper else 1.0)
    values = scale.from_u(u)
    assume(np.all(np.diff(scale.to_u(values)) >= 1e-9))
    assume(scale.open_lower or values[0] >= scale.min)
    assume(scale.open_upper or values[-1] <= scale.max)
    cdf = cdf_from_quantiles(list(zip(probs.tolist(), values.tolist(), strict=True)), scale)
    validate_cdf(cdf, scale)
    assert cdf_errors(cdf[None, :], scale.open_lower, scale.open_upper).tolist() == []


def spaced(data: st.DataObject, n: int, lo: float, hi: float, gap: float) -> np.ndarray:
    room = (hi - lo) / (n - 1)
    gaps = np.array(data.draw(st.lists(st.floats(gap, room), min_size=n - 1, max_size=n - 1)))
    start = data.draw(st.floats(lo, max(lo, hi - gaps.sum())))
    return start + np.concatenate([[0.0], np.cumsum(gaps)])


@settings(max_examples=300)
@given(scale=scales(), n=st.integers(3, 7), data=st.data())
def test_reasonable_quantiles_are_reproduced_within_a_percentage_point(
    scale: Scale, n: int, data: st.DataObject
) -> None:
    # Reasonable: knots at least 10 buckets apart and 10 from the bounds, probabilities in
    # [0.02, 0.98] at least 0.03 apart, and no more than 0.02 of mass per bucket on average
    # between knots or in a tail squeezed against a closed bound.
    u = spaced(data, n, 0.05, 0.95, gap=0.05)
    q = spaced(data, n, 0.02, 0.98, gap=0.03)
    per_bucket = np.diff(q) / np.diff(u) / 200
    if not scale.open_lower:
        per_bucket = np.append(per_bucket, q[0] / u[0] / 200)
    if not scale.open_upper:
        per_bucket = np.append(per_bucket, (1 - q[-1]) / (1 - u[-1]) / 200)
    assume(per_bucket.max() <= 0.02)
    values = scale.from_u(u)
    assume(np.all(np.diff(scale.to_u(values)) >= 1e-9))
    cdf = cdf_from_quantiles(list(zip(q.tolist(), values.tolist(), strict=True)), scale)
    assert np.abs(cdf_at_u(cdf, u) - q).max() <= 0.01
