"""Multiple-choice aggregates: the plain reference, the binary case, sums and the floor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from forecast.core.aggregation.aggregate import (
    METHODS,
    aggregate_now,
    bootstrap_interval,
    history,
)
from forecast.core.aggregation.choices import renormalise
from forecast.core.reference import aggregate as reference


def vectors(k: int, n: int, draw: st.DrawFn) -> np.ndarray:
    raw = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.01, 1.0)))
    p = raw / raw.sum(axis=1, keepdims=True)
    return 0.001 + (1.0 - 0.001 * k) * p


def forecasts(n: int, draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    start = np.sort(draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 90.0))))
    ends = draw(hnp.arrays(np.float64, n, elements=st.floats(1.0, 200.0)))
    standing = draw(hnp.arrays(np.bool_, n))
    end = np.where(standing, np.inf, start + ends)
    rep = draw(hnp.arrays(np.float64, n, elements=st.floats(0.01, 3.0)))
    return start, end, np.arange(n), rep


def test_renormalised_medians_by_hand() -> None:
    # m = (0.5, 0.3, 0.3): m - 0.001 sums to 1.097, and 1 - 0.003 = 0.997 is shared out.
    v = renormalise(np.array([0.5, 0.3, 0.3]))
    expected = 0.001 + 0.997 * (np.array([0.5, 0.3, 0.3]) - 0.001) / 1.097
    np.testing.assert_allclose(v, expected, rtol=1e-15)
    assert v.sum() == pytest.approx(1.0, abs=1e-15)


def test_geometric_mean_by_hand() -> None:
    p = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
    g = np.sqrt(p[0] * p[1])
    value = aggregate_now(
        np.array([0.0, 1.0]),
        np.array([1, 2]),
        p,
        method="geo_mean_odds",
        t=2.0,
        open_time=0.0,
        scheduled_close=10.0,
    )
    np.testing.assert_allclose(value, g / g.sum(), rtol=1e-12)
    extremized = aggregate_now(
        np.array([0.0, 1.0]),
        np.array([1, 2]),
        p,
        method="extremized",
        t=2.0,
        open_time=0.0,
        scheduled_close=10.0,
    )
    np.testing.assert_allclose(extremized, g**1.5 / (g**1.5).sum(), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(METHODS), st.integers(2, 6), st.integers(1, 25), st.data())
def test_history_matches_the_reference_sums_to_one_and_keeps_the_floor(
    method: str, k: int, n: int, data: st.DataObject
) -> None:
    values = vectors(k, n, data.draw)
    start, end, user, rep = forecasts(n, data.draw)
    args = {"method": method, "open_time": 0.0, "scheduled_close": 100.0, "reputation": rep}
    fast = history(start, end, user, values, **args)
    slow = reference.history(start, end, user, values, **args)
    np.testing.assert_array_equal(fast.start, slow.start)
    np.testing.assert_array_equal(fast.forecaster_count, slow.forecaster_count)
    np.testing.assert_allclose(fast.value, slow.value, rtol=1e-9, atol=1e-12)
    rows = fast.forecaster_count > 0
    np.testing.assert_allclose(fast.value[rows].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    if method != "extremized":
        # The medians renormalise with the floor kept; means of floored vectors and the
        # normalised geometric mean (its normaliser is at most 1) stay above it. SCORING.md's
        # extremized raises the geometric mean to the power d before normalising, with no
        # floor, so a small option may fall below 0.001 there, as the independent definition has.
        assert np.all(fast.value[rows] >= 0.001 - 1e-12)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(METHODS), st.integers(1, 25), st.data())
def test_two_options_aggregate_as_a_binary_question(
    method: str, n: int, data: st.DataObject
) -> None:
    p = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.001, 0.999)))
    start, end, user, rep = forecasts(n, data.draw)
    args = {"method": method, "open_time": 0.0, "scheduled_close": 100.0, "reputation": rep}
    binary = history(start, end, user, p, **args)
    choice = history(start, end, user, np.column_stack([p, 1.0 - p]), **args)
    rows = binary.forecaster_count > 0
    # The median's renormalisation is exact with K = 2: m + (1 - m) = 1 (up to the floor).
    np.testing.assert_allclose(choice.value[rows, 0], binary.value[rows], rtol=1e-9, atol=1e-12)


def test_bootstrap_interval_is_per_option_and_around_the_value() -> None:
    rng = np.random.default_rng(3)
    values = rng.dirichlet(np.ones(4), 40) * 0.996 + 0.001
    for method in ("recency_weighted", "mean", "geo_mean_odds"):
        lo, hi = bootstrap_interval(
            values, method=method, kind="multiple_choice", rng=np.random.default_rng(0)
        )
        assert np.shape(lo) == (4,) and np.shape(hi) == (4,)
        value = aggregate_now(
            np.arange(40.0),
            np.arange(40),
            values,
            method=method,
            t=50.0,
            open_time=0.0,
            scheduled_close=100.0,
        )
        assert np.all(np.asarray(lo) <= value + 1e-12) and np.all(value <= np.asarray(hi) + 1e-12)
