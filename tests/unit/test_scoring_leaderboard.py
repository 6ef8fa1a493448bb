"""Leaderboards, calibration bins, the Wilson interval and the Murphy decomposition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.stats import binomtest

from forecast.core import scoring
from forecast.core.reference import scoring as reference


def test_tied_scores_share_a_competition_rank() -> None:
    board = scoring.tournament_leaderboard([1, 2, 3, 4], [10.0, 5.0, 5.0, 1.0], [1.0] * 4)
    assert board.user.tolist() == [1, 2, 3, 4]
    assert board.rank.tolist() == [1, 2, 2, 4]


def test_question_scores_are_summed_per_user_with_their_weights() -> None:
    board = scoring.tournament_leaderboard(
        user=[7, 3, 7, 3],
        score=[10.0, 4.0, -2.0, 8.0],
        coverage=[1.0, 0.5, 0.5, 1.0],
        weight=[1.0, 1.0, 2.0, 0.5],
    )
    assert board.user.tolist() == [3, 7]
    assert board.score.tolist() == [8.0, 6.0]
    assert board.coverage.tolist() == [1.0, 2.0]


def test_take_is_the_squared_positive_score_and_shares_split_the_pool() -> None:
    board = scoring.tournament_leaderboard([1, 2, 3], [30.0, 40.0, -5.0], [1.0] * 3)
    assert board.user.tolist() == [2, 1, 3]
    assert board.take.tolist() == [1600.0, 900.0, 0.0]
    np.testing.assert_allclose(board.share, [0.64, 0.36, 0.0])


def test_shares_are_zero_when_nobody_has_a_positive_score() -> None:
    board = scoring.tournament_leaderboard([1, 2], [0.0, -3.0], [1.0, 1.0])
    assert board.share.tolist() == [0.0, 0.0]
    assert board.medal.tolist() == ["", ""]


@given(
    hnp.arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 20)),
    st.data(),
)
def test_leaderboards_match_the_reference_and_shares_sum_to_one(
    users: np.ndarray, data: st.DataObject
) -> None:
    n = users.size
    score = data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([-3.0, 0.0, 2.0, 5.5])))
    coverage = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 1.0)))
    weight = data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.5, 1.0, 2.0])))
    board = scoring.tournament_leaderboard(users, score, coverage, weight)
    expected = reference.tournament_leaderboard(
        users.tolist(), score.tolist(), coverage.tolist(), weight.tolist()
    )
    for name in ("user", "rank", "medal"):
        assert getattr(board, name).tolist() == getattr(expected, name).tolist()
    for name in ("score", "coverage", "take", "share"):
        np.testing.assert_allclose(getattr(board, name), getattr(expected, name), rtol=1e-12)
    if board.take.sum() > 0:
        assert board.share.sum() == pytest.approx(1.0)
    glob = scoring.global_leaderboard(users, score, coverage)
    expected_glob = reference.global_leaderboard(users.tolist(), score.tolist(), coverage.tolist())
    assert glob.user.tolist() == expected_glob.user.tolist()
    assert glob.rank.tolist() == expected_glob.rank.tolist()
    np.testing.assert_allclose(glob.score, expected_glob.score, rtol=1e-12)


def medals_for(n: int, scores: list[float] | None = None) -> list[str]:
    """Return the medals of n users with distinct descending scores, in rank order."""
    values = scores if scores is not None else [float(n - k) for k in range(n)]
    return scoring.tournament_leaderboard(list(range(n)), values, [1.0] * n).medal.tolist()


def test_medals_at_exactly_100_users_go_to_the_top_1_2_and_5() -> None:
    medals = medals_for(100)
    assert medals[:6] == ["gold", "silver", "bronze", "bronze", "bronze", ""]


def test_medal_cutoffs_round_up_for_101_users() -> None:
    medals = medals_for(101)
    assert medals[:7] == ["gold", "gold", "silver", "bronze", "bronze", "bronze", ""]


def test_medal_cutoffs_are_exact_where_floating_point_would_round_up() -> None:
    # 0.05 * 60 is 3.0000000000000004 in floating point; the bronze cutoff must stay 3.
    medals = medals_for(60)
    assert medals[:4] == ["gold", "silver", "bronze", ""]


def test_a_lone_positive_user_takes_gold_and_a_non_positive_one_takes_nothing() -> None:
    assert medals_for(1) == ["gold"]
    assert medals_for(1, [0.0]) == [""]


def test_users_tied_at_a_cutoff_share_the_medal() -> None:
    scores = [10.0, 10.0, 9.0] + [1.0 - k / 100 for k in range(97)]
    medals = medals_for(100, scores)
    assert medals[:6] == ["gold", "gold", "bronze", "bronze", "bronze", ""]


def test_global_leaderboard_divides_by_at_least_30() -> None:
    board = scoring.global_leaderboard([1, 1, 2], [100.0, 200.0, 300.0], [5.0, 5.0, 60.0])
    assert board.user.tolist() == [1, 2]
    np.testing.assert_allclose(board.score, [10.0, 5.0])
    np.testing.assert_allclose(board.coverage, [10.0, 60.0])
    assert board.rank.tolist() == [1, 2]


def test_calibration_bins_have_the_documented_21_edges() -> None:
    edges = scoring.CALIBRATION_EDGES
    assert edges.size == 22
    np.testing.assert_allclose(edges[:4], [0.0, 0.125 / 3, 0.25 / 3, 0.125], rtol=1e-15)
    np.testing.assert_allclose(edges[-4:], [0.875, 0.875 + 0.125 / 3, 0.875 + 0.25 / 3, 1.0])
    np.testing.assert_allclose(np.diff(edges[3:19]), 0.05, rtol=1e-12)
    np.testing.assert_allclose(edges, reference.calibration_edges(), rtol=1e-15, atol=1e-15)
    bins = scoring.calibration_bins([0.5], [1], [1.0])
    assert bins.lower.size == 21
    assert bins.upper[-1] == 1.0


def test_calibration_bins_are_half_open_and_closed_at_one() -> None:
    bins = scoring.calibration_bins([0.0, 0.125, 0.9999, 1.0], [0, 1, 1, 1], [1.0] * 4)
    assert np.flatnonzero(bins.count).tolist() == [0, 3, 20]
    assert bins.count[20] == 2


def test_calibration_bins_give_time_weighted_means_and_skip_zero_weights() -> None:
    bins = scoring.calibration_bins([0.5, 0.51, 0.49, 0.5], [1, 0, 0, 1], [3.0, 1.0, 0.0, 0.0])
    k = 10
    assert bins.lower[k] == pytest.approx(0.475)
    assert bins.count[k] == 2
    assert bins.weight[k] == 4.0
    assert bins.mean_forecast[k] == pytest.approx((1.5 + 0.51) / 4)
    assert bins.mean_outcome[k] == pytest.approx(0.75)
    assert np.isnan(bins.mean_outcome[0])
    assert np.isnan(bins.interval_low[0])


@pytest.mark.parametrize(("k", "n"), [(5, 10), (0, 5), (7, 7), (3, 40), (1, 1)])
def test_the_wilson_interval_matches_scipy(k: int, n: int) -> None:
    low, high = scoring.wilson_interval(np.array([k / n]), np.array([n]))
    expected = binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
    assert low[0] == pytest.approx(expected.low, abs=1e-12)
    assert high[0] == pytest.approx(expected.high, abs=1e-12)


def test_the_wilson_interval_of_half_out_of_ten_has_known_values() -> None:
    low, high = scoring.wilson_interval(0.5, 10)
    assert float(low) == pytest.approx(0.26927182, abs=1e-8)
    assert float(high) == pytest.approx(0.73072818, abs=1e-8)


forecast_rows = st.integers(1, 80).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=st.floats(0.001, 0.999)),
        hnp.arrays(np.int64, n, elements=st.integers(0, 1)),
        # Question weights: 0 (not scored) or a weight of ordinary size. Subnormal weights
        # (5e-324) make every weighted sum underflow to 0 and say nothing about the scoring.
        hnp.arrays(np.float64, n, elements=st.just(0.0) | st.floats(0.01, 2.0)),
    )
)


@given(forecast_rows)
def test_calibration_bins_match_the_reference(rows: tuple) -> None:
    p, o, w = rows
    got = scoring.calibration_bins(p, o, w)
    expected = reference.calibration_bins(p.tolist(), o.tolist(), w.tolist())
    assert got.count.tolist() == expected.count.tolist()
    for name in ("weight", "mean_forecast", "mean_outcome", "interval_low", "interval_high"):
        np.testing.assert_allclose(
            getattr(got, name), getattr(expected, name), rtol=1e-9, atol=1e-12
        )


@given(forecast_rows, st.data())
def test_murphy_decomposition_is_exact_when_each_bin_holds_one_forecast_value(
    rows: tuple, data: st.DataObject
) -> None:
    _, o, w = rows
    centres = (scoring.CALIBRATION_EDGES[:-1] + scoring.CALIBRATION_EDGES[1:]) / 2
    p = centres[data.draw(hnp.arrays(np.int64, o.size, elements=st.integers(0, 20)))]
    m = scoring.murphy_decomposition(p, o, w)
    if np.isnan(m.brier):
        assert w.sum() == 0
        return
    assert m.brier == pytest.approx(m.reliability - m.resolution + m.uncertainty, abs=1e-12)


@given(forecast_rows)
def test_murphy_decomposition_differs_only_by_the_within_bin_terms(rows: tuple) -> None:
    p, o, w = rows
    m = scoring.murphy_decomposition(p, o, w)
    expected = reference.murphy_decomposition(p.tolist(), o.tolist(), w.tolist())
    if w.sum() == 0:
        assert np.isnan(m.brier)
        return
    for name in ("reliability", "resolution", "uncertainty", "brier"):
        assert getattr(m, name) == pytest.approx(getattr(expected, name), rel=1e-9, abs=1e-12)
    # Brier = REL - RES + UNC + sum_k W_k/W (var_k(p) - 2 cov_k(p, o)) exactly.
    idx = np.clip(np.searchsorted(scoring.CALIBRATION_EDGES, p, side="right") - 1, 0, 20)
    residual = 0.0
    for k in np.unique(idx[w > 0]):
        sel = (idx == k) & (w > 0)
        wk = w[sel] / w[sel].sum()
        pbar, obar = wk @ p[sel], wk @ o[sel]
        residual += (
            w[sel].sum()
            / w.sum()
            * (wk @ (p[sel] - pbar) ** 2 - 2 * wk @ ((p[sel] - pbar) * (o[sel] - obar)))
        )
    assert m.brier == pytest.approx(
        m.reliability - m.resolution + m.uncertainty + residual, abs=1e-12
    )


def test_murphy_decomposition_of_a_perfectly_calibrated_binned_forecaster() -> None:
    p = np.array([0.2] * 5 + [0.8] * 5)
    o = np.array([1, 0, 0, 0, 0, 1, 1, 1, 1, 0])
    m = scoring.murphy_decomposition(p, o, np.ones(10))
    assert m.reliability == pytest.approx(0.0, abs=1e-15)
    assert m.uncertainty == pytest.approx(0.25)
    assert m.resolution == pytest.approx(0.09)
    assert m.brier == pytest.approx(0.16)
