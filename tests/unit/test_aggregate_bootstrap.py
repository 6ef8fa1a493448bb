"""Bootstrap intervals of the aggregate over forecasters."""

import numpy as np
import pytest

from forecast.core.aggregation.aggregate import METHODS, bootstrap_interval, combine

GRID = np.linspace(0.0, 1.0, 201)


def method_args(n: int) -> dict:
    return {
        "t": 50.0, "starts": np.linspace(0.0, 50.0, n), "open_time": 0.0,
        "scheduled_close": 100.0, "reputation": np.linspace(0.5, 3.0, n),
    }  # fmt: skip


@pytest.mark.parametrize("method", METHODS)
def test_identical_binary_forecasts_give_an_interval_collapsed_on_the_aggregate(method):
    p = np.full(25, 0.37)
    args = method_args(25)
    point = combine(p, method=method, kind="binary", **args)
    lo, hi = bootstrap_interval(
        p, method=method, kind="binary", rng=np.random.default_rng(0), **args
    )
    assert lo == pytest.approx(point, abs=1e-12) and hi == pytest.approx(point, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_identical_cdfs_give_a_pointwise_interval_collapsed_on_that_cdf(method):
    cdfs = np.tile(0.01 + 0.98 * GRID**1.5, (12, 1))
    lo, hi = bootstrap_interval(
        cdfs, method=method, kind="continuous", rng=np.random.default_rng(0), **method_args(12)
    )
    assert lo.shape == hi.shape == (201,)
    np.testing.assert_allclose(lo, cdfs[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(hi, cdfs[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_intervals_widen_with_dispersion(method):
    rng = np.random.default_rng(1)
    spread = rng.permutation(np.linspace(-1.0, 1.0, 40))
    widths = []
    for scale in (0.05, 0.4):
        p = 0.5 + scale * spread
        lo, hi = bootstrap_interval(
            p, method=method, kind="binary", rng=np.random.default_rng(2), **method_args(40)
        )
        assert lo <= combine(p, method=method, kind="binary", **method_args(40)) <= hi
        widths.append(hi - lo)
    assert widths[1] > 2 * widths[0] > 0


def test_continuous_intervals_widen_with_dispersion_and_bracket_the_mean():
    rng = np.random.default_rng(4)
    powers = rng.uniform(0.5, 2.0, 30)
    cdfs = 0.01 + 0.98 * GRID[None, :] ** powers[:, None]
    narrow = 0.01 + 0.98 * GRID[None, :] ** (1.0 + 0.1 * (powers[:, None] - 1.0))
    lo, hi = bootstrap_interval(cdfs, kind="continuous", rng=np.random.default_rng(5))
    lo_n, hi_n = bootstrap_interval(narrow, kind="continuous", rng=np.random.default_rng(5))
    point = combine(cdfs, kind="continuous")
    assert np.all(lo <= point + 1e-15) and np.all(point <= hi + 1e-15)
    assert (hi - lo)[100] > 3 * (hi_n - lo_n)[100]


def test_a_seeded_generator_reproduces_the_interval():
    p = np.random.default_rng(6).uniform(0.05, 0.95, 60)
    first = bootstrap_interval(p, kind="binary", rng=np.random.default_rng(42))
    again = bootstrap_interval(p, kind="binary", rng=np.random.default_rng(42))
    other = bootstrap_interval(p, kind="binary", rng=np.random.default_rng(43))
    assert first == again
    assert first != other


def test_a_higher_level_gives_a_wider_interval():
    p = np.random.default_rng(8).uniform(0.05, 0.95, 50)
    lo50, hi50 = bootstrap_interval(p, kind="binary", level=0.5, rng=np.random.default_rng(9))
    lo99, hi99 = bootstrap_interval(p, kind="binary", level=0.99, rng=np.random.default_rng(9))
    assert lo99 < lo50 < hi50 < hi99


class FixedPicks:
    """Stands in for a Generator: every resample draws the same forecasters."""

    def __init__(self, picks: list[int]) -> None:
        self.picks = np.array(picks)

    def integers(self, low: int, high: int, size: tuple[int, int]) -> np.ndarray:
        return np.tile(self.picks, (size[0], 1))


def test_a_resampled_forecaster_keeps_its_original_rank_weight():
    # by start: 0.1 (w .481), 0.9 (w .728), 0.5 (w 1). Drawing the first twice and the last once
    # weighs 0.1 by .962 of 1.962 (c = .49), so the median is 0.5; ranking the resample afresh
    # (weights .481, .728, 1 for 0.1, 0.1, 0.5) would give 0.1.
    p = np.array([0.1, 0.9, 0.5])
    rng = FixedPicks([0, 0, 2])
    assert bootstrap_interval(p, kind="binary", n_resamples=3, rng=rng) == (0.5, 0.5)


def test_large_samples_are_resampled_in_bounded_memory():
    p = np.random.default_rng(10).uniform(0.05, 0.95, 20_000)
    lo, hi = bootstrap_interval(p, kind="binary", n_resamples=1000, rng=np.random.default_rng(0))
    assert lo < combine(p, kind="binary") < hi


def test_no_forecasts_give_no_interval():
    lo, hi = bootstrap_interval(np.zeros(0), kind="binary", rng=np.random.default_rng(0))
    assert np.isnan(lo) and np.isnan(hi)
