"""Aggregation methods at one instant and small histories, computed by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.core.aggregation.aggregate import (
    METHODS,
    aggregate_now,
    cdf_quantile,
    combine,
    entry_at,
    history,
)
from forecast.core.aggregation.instant import weighted_quantiles

GRID = np.linspace(0.0, 1.0, 201)
TIMES = {"open_time": 0.0, "scheduled_close": 100.0}


def cdf(mass_below: float, power: float) -> np.ndarray:
    """A valid open-bounds CDF: mass_below below min, rising as u**power, 0.99 at max."""
    return mass_below + (0.99 - mass_below) * GRID**power


def recency(n: int) -> np.ndarray:
    return np.exp(np.sqrt(np.arange(1.0, n + 1)) - math.sqrt(n))


# -- weighted median and its tie rule ------------------------------------------------------


def test_two_forecasts_weigh_the_same_so_the_median_is_their_mean():
    assert combine(np.array([0.2, 0.6]), kind="binary") == pytest.approx(0.4)


def test_recency_weighted_median_follows_the_newest_forecasts():
    # weights exp(sqrt(i) - 2) = .368, .557, .765, 1: cumulative .137, .344, .628, 1
    p = np.array([0.1, 0.2, 0.8, 0.9])
    assert combine(p, method="recency_weighted", kind="binary") == 0.8
    assert combine(p, method="unweighted", kind="binary") == pytest.approx(0.5)


def test_order_by_start_not_by_value_decides_the_weights():
    # by value: 0.1 (w .765), 0.2 (w 1), ...: cumulative .284, .656 -> 0.2
    p = np.array([0.9, 0.8, 0.1, 0.2])
    assert combine(p, kind="binary") == 0.2


def test_cumulative_weight_exactly_one_half_takes_the_mean_of_both_neighbours():
    values = np.array([0.1, 0.2, 0.3, 0.4])
    assert combine(values, method="unweighted", kind="binary") == pytest.approx(0.25)
    assert weighted_quantiles(values, np.ones(4), (0.25, 0.75)) == pytest.approx([0.15, 0.35])


def test_cumulative_weight_within_float_noise_of_one_half_counts_as_a_tie():
    # 0.1 + 0.7 = 0.7999999999999999, so c = 0.49999999999999994 for the first two
    assert weighted_quantiles(np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.7, 0.8]), (0.5,)) == [2.5]


def test_unweighted_median_of_an_odd_count_is_the_middle_value():
    assert combine(np.array([0.9, 0.1, 0.3]), method="unweighted", kind="binary") == 0.3


# -- the means ----------------------------------------------------------------------------


def test_mean_uses_recency_weights():
    p = np.array([0.2, 0.4, 0.9])
    expected = float(np.dot(recency(3), p) / recency(3).sum())
    assert combine(p, method="mean", kind="binary") == pytest.approx(expected, abs=1e-15)
    assert expected == pytest.approx(0.58283429, abs=1e-8)


def test_geometric_mean_of_odds_of_even_and_nine_to_one_is_three_to_one():
    assert combine(np.array([0.5, 0.9]), method="geo_mean_odds", kind="binary") == pytest.approx(
        0.75, abs=1e-15
    )


def test_extremizing_raises_the_mean_log_odds_to_the_power_d():
    p = np.array([0.5, 0.9])
    assert combine(p, method="extremized", kind="binary") == pytest.approx(
        1 / (1 + 3**-1.5), abs=1e-15
    )
    assert combine(p, method="extremized", kind="binary", extremize=2.0) == pytest.approx(0.9)


def test_geo_mean_odds_weights_by_recency_from_three_forecasts():
    p = np.array([0.1, 0.5, 0.7])
    logits = np.log(p / (1 - p))
    expected = 1 / (1 + math.exp(-np.dot(recency(3), logits) / recency(3).sum()))
    assert combine(p, method="geo_mean_odds", kind="binary") == pytest.approx(expected, abs=1e-15)


def test_track_record_weighs_by_decay_cubed_times_reputation_cubed():
    p = np.array([0.2, 0.6])
    older = combine(
        p, method="track_record", kind="binary", t=10.0, starts=np.array([0.0, 10.0]),
        open_time=0.0, scheduled_close=10.0,
    )  # fmt: skip
    decay = math.exp(-3.0)
    assert older == pytest.approx((0.2 * decay + 0.6) / (decay + 1), abs=1e-15)
    reputable = combine(
        p, method="track_record", kind="binary", t=5.0, starts=np.array([5.0, 5.0]),
        open_time=0.0, scheduled_close=10.0, reputation=np.array([2.0, 1.0]),
    )  # fmt: skip
    assert reputable == pytest.approx((8 * 0.2 + 0.6) / 9, abs=1e-15)


def test_track_record_floors_reputation_at_one_in_a_million():
    floored = combine(
        np.array([0.2, 0.6]), method="track_record", kind="binary", t=0.0,
        starts=np.zeros(2), open_time=0.0, scheduled_close=1.0,
        reputation=np.array([0.0, 1e-6]),
    )  # fmt: skip
    assert floored == pytest.approx(0.4)


def test_continuous_recency_methods_average_cdfs_with_recency_weights():
    cdfs = np.stack([cdf(0.01, 1.0), cdf(0.05, 2.0), cdf(0.02, 0.5)])
    weighted = recency(3) @ cdfs / recency(3).sum()
    for method in ("recency_weighted", "mean"):
        got = combine(cdfs, method=method, kind="continuous")
        np.testing.assert_allclose(got, weighted, rtol=0, atol=1e-15)
    for method in ("unweighted", "geo_mean_odds", "extremized"):
        got = combine(cdfs, method=method, kind="continuous")
        np.testing.assert_allclose(got, cdfs.mean(axis=0), rtol=0, atol=1e-15)


def test_cdf_quantile_interpolates_linearly_between_grid_points():
    straight = cdf(0.0, 1.0) / 0.99  # CDF(u) = u exactly
    assert float(cdf_quantile(straight, 0.25)) == pytest.approx(0.25)
    assert float(cdf_quantile(cdf(0.3, 1.0), 0.25)) == 0.0
    assert float(cdf_quantile(cdf(0.01, 1.0), 0.995)) == 1.0
    assert np.isnan(cdf_quantile(np.full(201, np.nan), 0.5))


# -- histories ----------------------------------------------------------------------------


def test_a_withdrawal_ends_a_forecast_and_starts_a_new_entry():
    h = history(
        np.array([0.0, 1.0]), np.array([2.0, np.inf]), np.array([1, 2]), np.array([0.2, 0.8]),
        **TIMES,
    )  # fmt: skip
    np.testing.assert_array_equal(h.start, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(h.end, [1.0, 2.0, np.inf])
    np.testing.assert_array_equal(h.forecaster_count, [1, 2, 1])
    np.testing.assert_allclose(h.value, [0.2, 0.5, 0.8])
    np.testing.assert_allclose(h.lower, [0.2, 0.2, 0.8])
    np.testing.assert_allclose(h.upper, [0.2, 0.8, 0.8])


def test_an_update_moves_the_user_to_the_newest_rank():
    # user 1 says 0.1 at t=0 and 0.9 at t=3; users 2 and 3 say 0.2 and 0.3 at t=1, 2
    h = history(
        np.array([0.0, 1.0, 2.0, 3.0]), np.array([3.0, np.inf, np.inf, np.inf]),
        np.array([1, 2, 3, 1]), np.array([0.1, 0.2, 0.3, 0.9]), **TIMES,
    )  # fmt: skip
    np.testing.assert_array_equal(h.forecaster_count, [1, 2, 3, 3])
    # t=2: 0.1, 0.2, 0.3 by start; cumulative by value .218, .547 -> 0.2
    # t=3: 0.2, 0.3, 0.9 by start; the same weights give .218, .547 -> 0.3
    np.testing.assert_allclose(h.value, [0.1, 0.15, 0.2, 0.3])


def test_a_gap_without_forecasts_is_an_entry_with_no_value():
    h = history(
        np.array([0.0, 2.0]), np.array([1.0, np.inf]), np.array([1, 2]), np.array([0.3, 0.7]),
        **TIMES,
    )  # fmt: skip
    np.testing.assert_array_equal(h.forecaster_count, [1, 0, 1])
    assert h.value[0] == 0.3 and np.isnan(h.value[1]) and h.value[2] == 0.7
    assert np.isnan(h.lower[1]) and np.isnan(h.upper[1])


def test_continuous_history_gives_quartile_positions_as_the_band():
    straight = cdf(0.0, 1.0) / 0.99
    h = history(np.array([0.0]), np.array([np.inf]), np.array([1]), straight[None, :], **TIMES)
    assert h.value.shape == (1, 201)
    assert h.lower[0] == pytest.approx(0.25) and h.upper[0] == pytest.approx(0.75)


def test_entry_at_finds_the_step_covering_an_instant():
    h = history(
        np.array([10.0, 20.0]), np.array([np.inf, np.inf]), np.array([1, 2]),
        np.array([0.3, 0.7]), **TIMES,
    )  # fmt: skip
    assert entry_at(h, 9.99) is None
    assert entry_at(h, 10.0) == 0
    assert entry_at(h, 19.99) == 0
    assert entry_at(h, 20.0) == 1
    assert entry_at(h, 1e12) == 1


def test_an_empty_question_has_an_empty_history():
    h = history(np.zeros(0), np.zeros(0), np.zeros(0, np.int64), np.zeros(0), **TIMES)
    assert len(h.start) == 0 and h.value.shape == (0,)
    assert entry_at(h, 5.0) is None


def test_aggregate_now_orders_by_start_then_user_whatever_the_input_order():
    start = np.array([3.0, 1.0, 2.0, 0.0])
    user = np.array([4, 2, 3, 1])
    p = np.array([0.8, 0.2, 0.1, 0.9])
    got = aggregate_now(start, user, p, t=5.0, **TIMES)
    assert got == combine(np.array([0.9, 0.2, 0.1, 0.8]), kind="binary")


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError, match="unknown aggregation method"):
        combine(np.array([0.5]), method="median", kind="binary")
    with pytest.raises(ValueError, match="strictly between"):
        combine(np.array([0.0, 0.5]), kind="binary")
    with pytest.raises(ValueError, match="same forecasts"):
        history(np.zeros(2), np.full(3, np.inf), np.arange(2), np.full(2, 0.5), **TIMES)
    with pytest.raises(ValueError, match="end"):
        history(np.ones(1), np.zeros(1), np.arange(1), np.full(1, 0.5), **TIMES)
    with pytest.raises(ValueError, match="one active forecast per user"):
        aggregate_now(np.zeros(2), np.ones(2), np.full(2, 0.5), t=1.0, **TIMES)
    with pytest.raises(ValueError, match="started by t"):
        aggregate_now(np.full(1, 2.0), np.ones(1), np.full(1, 0.5), t=1.0, **TIMES)
    with pytest.raises(ValueError, match="track_record needs"):
        combine(np.array([0.5]), method="track_record", kind="binary")
    with pytest.raises(ValueError, match="reputation"):
        history(
            np.zeros(1), np.full(1, np.inf), np.arange(1), np.full(1, 0.5),
            reputation=np.array([np.nan]), **TIMES,
        )  # fmt: skip


# -- properties ---------------------------------------------------------------------------

probability = st.floats(0.001, 0.999)


def method_args(n: int) -> dict:
    return {
        "t": 50.0, "starts": np.linspace(0.0, 50.0, n), "open_time": 0.0,
        "scheduled_close": 100.0, "reputation": np.linspace(0.5, 3.0, n),
    }  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(p=probability, n=st.integers(1, 40), method=st.sampled_from(METHODS))
def test_the_aggregate_of_identical_binary_forecasts_is_that_forecast(p, n, method):
    # extremizing moves even unanimous forecasts away from 1/2, except with d = 1
    got = combine(np.full(n, p), method=method, kind="binary", extremize=1.0, **method_args(n))
    assert got == pytest.approx(p, rel=0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(p=probability, n=st.integers(1, 40), d=st.floats(0.5, 3.0))
def test_extremizing_identical_forecasts_scales_their_log_odds_by_d(p, n, d):
    got = combine(np.full(n, p), method="extremized", kind="binary", extremize=d)
    assert got == pytest.approx(1 / (1 + ((1 - p) / p) ** d), rel=0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    below=st.floats(0.001, 0.2), power=st.floats(0.3, 3.0), n=st.integers(1, 30),
    method=st.sampled_from(METHODS),
)  # fmt: skip
def test_the_aggregate_of_identical_cdfs_is_that_cdf(below, power, n, method):
    one = cdf(below, power)
    got = combine(np.tile(one, (n, 1)), method=method, kind="continuous", **method_args(n))
    np.testing.assert_allclose(got, one, rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(p=st.lists(probability, min_size=1, max_size=30))
def test_geo_mean_odds_is_symmetric_under_p_to_one_minus_p(p):
    p = np.array(p)
    direct = combine(p, method="geo_mean_odds", kind="binary")
    mirrored = combine(1.0 - p, method="geo_mean_odds", kind="binary")
    assert mirrored == pytest.approx(1.0 - direct, abs=1e-12)
