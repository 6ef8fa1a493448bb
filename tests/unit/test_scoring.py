"""Scores against the check values of SCORING.md and small cases worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecast.core import scoring
from forecast.core.reference import scoring as reference
from forecast.core.scoring import ForecastArrays, QuestionArrays, ScoreTable

INF = math.inf
T0 = 1_700_000_000.0


def questions(*rows: tuple[float, float, float, bool, int, int]) -> QuestionArrays:
    """Build questions from (open, scheduled_close, actual_close, continuous, bounds, bucket)."""
    cols = list(zip(*rows, strict=True))
    return QuestionArrays(
        open_time=np.array(cols[0], dtype=np.float64),
        scheduled_close=np.array(cols[1], dtype=np.float64),
        actual_close=np.array(cols[2], dtype=np.float64),
        continuous=np.array(cols[3], dtype=np.bool_),
        open_bounds=np.array(cols[4], dtype=np.int64),
        outcome_bucket=np.array(cols[5], dtype=np.int64),
    )


def binary(open_time: float, close: float, actual: float | None = None) -> tuple:
    """Return one binary question row."""
    return (open_time, close, close if actual is None else actual, False, 0, -1)


def forecasts(
    *rows: tuple[int, int, float, float, float], yes: dict[int, bool] | None = None
) -> ForecastArrays:
    """Build forecasts from (question, user, start, end, p) rows.

    ``p`` is p_yes when the question is in ``yes`` (binary) and the outcome probability
    otherwise (continuous).
    """
    yes = yes or {}
    q = np.array([r[0] for r in rows], dtype=np.int64)
    p = np.array([r[4] for r in rows], dtype=np.float64)
    is_binary = np.array([int(x) in yes for x in q], dtype=np.bool_)
    outcome = np.array([yes.get(int(x), False) for x in q], dtype=np.bool_)
    p_outcome = np.where(is_binary, scoring.binary_outcome_probability(p, outcome), p)
    return ForecastArrays(
        question=q,
        user=np.array([r[1] for r in rows], dtype=np.int64),
        start=np.array([r[2] for r in rows], dtype=np.float64),
        end=np.array([r[3] for r in rows], dtype=np.float64),
        p_outcome=p_outcome,
        p_yes=np.where(is_binary, p, np.nan),
    )


def row(table: ScoreTable, question: int, user: int) -> dict[str, float]:
    """Return one (question, user) row of a score table as a dict."""
    hit = np.flatnonzero((table.question == question) & (table.user == user))
    assert hit.size == 1, f"expected one row for ({question}, {user})"
    k = int(hit[0])
    names = ("baseline", "peer", "coverage", "brier", "log")
    return {name: float(getattr(table, name)[k]) for name in names}


def assert_matches_reference(qs: QuestionArrays, fs: ForecastArrays) -> ScoreTable:
    """Score with both implementations, assert they agree, and return the vectorised table."""
    table = scoring.score(qs, fs)
    expected = reference.score(qs, fs)
    np.testing.assert_array_equal(table.question, expected.question)
    np.testing.assert_array_equal(table.user, expected.user)
    for name in ("baseline", "peer", "coverage", "brier", "log"):
        np.testing.assert_allclose(
            getattr(table, name), getattr(expected, name), rtol=1e-9, atol=1e-9, err_msg=name
        )
    return table


def test_a_lone_forecaster_at_0_9_on_a_yes_has_the_documented_baseline() -> None:
    table = assert_matches_reference(
        questions(binary(T0, T0 + 1000)), forecasts((0, 1, T0, INF, 0.9), yes={0: True})
    )
    got = row(table, 0, 1)
    assert got["baseline"] == pytest.approx(84.79969066, abs=5e-9)
    assert got["coverage"] == 1.0
    assert got["peer"] == 0.0
    assert math.copysign(1.0, got["peer"]) == 1.0


def test_a_forecast_of_one_over_root_two_scores_exactly_50() -> None:
    table = scoring.score(
        questions(binary(T0, T0 + 1000)), forecasts((0, 1, T0, INF, 2**-0.5), yes={0: True})
    )
    assert row(table, 0, 1)["baseline"] == pytest.approx(50.0, abs=1e-12)


def test_peer_scores_of_three_forecasters_reveal_the_documented_geometric_mean() -> None:
    p = [0.7, 0.8, 0.9]
    fs = forecasts(*[(0, u, T0, INF, x) for u, x in enumerate(p)], yes={0: True})
    table = assert_matches_reference(questions(binary(T0, T0 + 1000)), fs)
    # peer_i = 100 * 3/2 * ln(p_i / GM), so every forecaster implies the same GM.
    implied = [x / math.exp(row(table, 0, u)["peer"] / 150.0) for u, x in enumerate(p)]
    assert implied == pytest.approx([0.79581144] * 3, abs=5e-9)
    assert sum(row(table, 0, u)["peer"] for u in range(3)) == pytest.approx(0.0, abs=1e-12)


def test_two_users_with_staggered_starts_share_only_the_common_time_for_peer() -> None:
    fs = forecasts((0, 1, T0, INF, 0.8), (0, 2, T0 + 50, INF, 0.6), yes={0: True})
    table = assert_matches_reference(questions(binary(T0, T0 + 100)), fs)
    first, second = row(table, 0, 1), row(table, 0, 2)
    assert first["coverage"] == 1.0
    assert second["coverage"] == 0.5
    assert first["baseline"] == pytest.approx(100 * math.log2(1.6))
    assert second["baseline"] == pytest.approx(0.5 * 100 * math.log2(1.2))
    assert first["peer"] == pytest.approx(50 * math.log(0.8 / 0.6))
    assert second["peer"] == pytest.approx(-50 * math.log(0.8 / 0.6))
    assert first["brier"] == pytest.approx(0.04)
    assert second["log"] == pytest.approx(math.log(0.6))


def test_an_update_and_a_withdrawal_are_weighted_by_the_time_each_stood() -> None:
    fs = forecasts(
        (0, 1, T0, T0 + 40, 0.8),
        (0, 1, T0 + 40, T0 + 70, 0.3),
        (0, 2, T0 + 20, INF, 0.5),
        yes={0: False},
    )
    table = assert_matches_reference(questions(binary(T0, T0 + 100)), fs)
    first, second = row(table, 0, 1), row(table, 0, 2)
    assert first["coverage"] == pytest.approx(0.7)
    assert second["coverage"] == pytest.approx(0.8)
    assert first["baseline"] == pytest.approx(40 * math.log2(0.4) + 30 * math.log2(1.4))
    assert second["baseline"] == pytest.approx(0.0, abs=1e-12)
    assert first["peer"] == pytest.approx(20 * math.log(0.4) + 30 * math.log(1.4))
    assert second["peer"] == pytest.approx(-first["peer"])
    assert first["brier"] == pytest.approx((0.4 * 0.8**2 + 0.3 * 0.3**2) / 0.7)
    assert first["log"] == pytest.approx((0.4 * math.log(0.2) + 0.3 * math.log(0.7)) / 0.7)
    assert second["brier"] == pytest.approx(0.25)


def test_an_early_resolution_truncates_the_window_without_rescaling() -> None:
    qs = questions(binary(T0, T0 + 100, T0 + 60))
    fs = forecasts((0, 1, T0 + 10, INF, 0.9), (0, 2, T0 + 30, T0 + 80, 0.6), yes={0: True})
    table = assert_matches_reference(qs, fs)
    first, second = row(table, 0, 1), row(table, 0, 2)
    assert first["coverage"] == pytest.approx(0.5)
    assert second["coverage"] == pytest.approx(0.3)
    assert first["baseline"] == pytest.approx(0.5 * 100 * math.log2(1.8))
    assert first["peer"] == pytest.approx(30 * math.log(1.5))
    assert first["brier"] == pytest.approx(0.01)


def test_forecasts_outside_the_window_are_clipped_or_give_no_row() -> None:
    qs = questions(binary(T0 + 1000, T0 + 2000), binary(T0, T0 + 100, T0 + 50))
    fs = forecasts(
        (0, 1, T0 + 500, T0 + 2500, 0.7),
        (0, 2, T0 + 100, T0 + 900, 0.2),
        (0, 3, T0 + 1500, T0 + 1500, 0.2),
        (1, 4, T0 + 60, INF, 0.9),
        (1, 5, T0 + 40, INF, 0.9),
        yes={0: True, 1: True},
    )
    table = assert_matches_reference(qs, fs)
    assert list(zip(table.question.tolist(), table.user.tolist(), strict=True)) == [(0, 1), (1, 5)]
    assert row(table, 0, 1)["coverage"] == 1.0
    assert row(table, 0, 1)["baseline"] == pytest.approx(100 * math.log2(1.4))
    assert row(table, 1, 5)["coverage"] == pytest.approx(0.1)


def test_an_actual_close_after_the_scheduled_close_is_clipped() -> None:
    qs = questions((T0, T0 + 100, T0 + 150, False, 0, -1))
    table = scoring.score(qs, forecasts((0, 1, T0, INF, 0.9), yes={0: True}))
    assert row(table, 0, 1)["coverage"] == 1.0


def test_continuous_baseline_uses_the_bucket_width_for_its_bounds() -> None:
    qs = questions(
        (T0, T0 + 10, T0 + 10, True, 0, 57),
        (T0, T0 + 10, T0 + 10, True, 2, 100),
        (T0, T0 + 10, T0 + 10, True, 1, 201),
        (T0, T0 + 10, T0 + 10, True, 1, 0),
        (T0, T0 + 10, T0 + 10, True, 1, 3),
    )
    fs = forecasts(
        (0, 1, T0, INF, 0.01),
        (1, 1, T0, INF, 0.009),
        (2, 1, T0, INF, 0.1),
        (3, 1, T0, INF, 0.025),
        (4, 1, T0, INF, 0.0095),
    )
    table = assert_matches_reference(qs, fs)
    expected = [50 * math.log(2), 50 * math.log(2), 50 * math.log(2), -50 * math.log(2)]
    expected.append(50 * math.log(2))
    np.testing.assert_allclose(table.baseline, expected, rtol=1e-12)
    assert np.isnan(table.brier).all()
    assert np.isnan(table.log).all()


def test_continuous_peer_is_halved() -> None:
    qs = questions((T0, T0 + 10, T0 + 10, True, 0, 80))
    fs = forecasts((0, 1, T0, INF, 0.02), (0, 2, T0, INF, 0.005))
    table = assert_matches_reference(qs, fs)
    assert row(table, 0, 1)["peer"] == pytest.approx(100 * math.log(2))
    assert row(table, 0, 2)["peer"] == pytest.approx(-100 * math.log(2))


def test_binary_and_continuous_questions_are_scored_in_one_call() -> None:
    qs = questions(binary(T0, T0 + 100), (T0 + 5, T0 + 105, T0 + 55, True, 2, 201))
    fs = forecasts(
        (1, 3, T0, INF, 0.1),
        (0, 3, T0 + 10, INF, 0.6),
        (1, 2, T0 + 30, INF, 0.05),
        (0, 2, T0, T0 + 60, 0.3),
        yes={0: True},
    )
    table = assert_matches_reference(qs, fs)
    assert table.question.tolist() == [0, 0, 1, 1]
    assert table.user.tolist() == [2, 3, 2, 3]
    assert row(table, 1, 3)["baseline"] == pytest.approx(0.5 * 50 * math.log(2))


def test_overlapping_forecasts_of_one_user_do_not_crash() -> None:
    fs = forecasts(
        (0, 1, T0, INF, 0.8), (0, 1, T0 + 30, T0 + 80, 0.4), (0, 2, T0, INF, 0.5), yes={0: True}
    )
    table = assert_matches_reference(questions(binary(T0, T0 + 100)), fs)
    assert row(table, 0, 1)["coverage"] == pytest.approx(1.5)
    assert np.isfinite(table.peer).all()


def test_no_forecasts_give_an_empty_table() -> None:
    table = scoring.score(questions(binary(T0, T0 + 100)), forecasts())
    assert table.question.size == 0
    assert table.peer.size == 0


def test_a_question_index_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="out of range"):
        scoring.score(questions(binary(T0, T0 + 100)), forecasts((1, 1, T0, INF, 0.5)))


def test_a_continuous_question_without_a_bucket_is_rejected() -> None:
    qs = questions((T0, T0 + 10, T0 + 10, True, 0, -1))
    with pytest.raises(ValueError, match="outcome bucket"):
        scoring.score(qs, forecasts((0, 1, T0, INF, 0.5)))


def test_binary_outcome_probability_flips_for_no() -> None:
    got = scoring.binary_outcome_probability(np.array([0.2, 0.2, 0.9]), np.array([1, 0, 0]))
    np.testing.assert_allclose(got, [0.2, 0.8, 0.1])


def test_continuous_outcome_probability_matches_the_full_pmf() -> None:
    rng = np.random.default_rng(7)
    steps = rng.uniform(0.5, 1.5, (5, 202))
    cdfs = (np.cumsum(steps, axis=1) / steps.sum(axis=1, keepdims=True))[:, :201]
    buckets = np.array([0, 1, 100, 200, 201])
    pmf = np.concatenate((cdfs[:, :1], np.diff(cdfs, axis=1), 1 - cdfs[:, 200:]), axis=1)
    got = scoring.continuous_outcome_probability(cdfs, buckets)
    np.testing.assert_allclose(got, pmf[np.arange(5), buckets], rtol=1e-12)
    np.testing.assert_allclose(
        got, reference.continuous_outcome_probability(cdfs.tolist(), buckets.tolist())
    )


def test_continuous_outcome_probability_rejects_a_bucket_past_201() -> None:
    with pytest.raises(ValueError):
        scoring.continuous_outcome_probability(np.zeros((1, 201)), np.array([202]))


@pytest.mark.parametrize(
    ("u", "bucket"),
    [
        (-0.1, 0),
        (0.0, 1),
        (0.005, 1),
        (0.0051, 2),
        (0.5, 100),
        (0.50001, 101),
        (1.0, 200),
        (1.2, 201),
    ],
)
def test_resolution_buckets_follow_the_documented_rule(u: float, bucket: int) -> None:
    assert scoring.resolution_bucket(np.array([u])).tolist() == [bucket]
    assert reference.resolution_bucket(u) == bucket


def test_large_user_ids_and_question_indices_are_grouped_exactly() -> None:
    n_questions = 70_000
    qs = QuestionArrays(
        open_time=np.zeros(n_questions),
        scheduled_close=np.full(n_questions, 10.0),
        actual_close=np.full(n_questions, 10.0),
        continuous=np.zeros(n_questions, dtype=np.bool_),
        open_bounds=np.zeros(n_questions, dtype=np.int64),
        outcome_bucket=np.full(n_questions, -1, dtype=np.int64),
    )
    big = 10**12
    fs = forecasts(
        (69_999, big, 0.0, INF, 0.3),
        (69_999, 5, 2.0, INF, 0.6),
        (3, big + 65_536, 0.0, 5.0, 0.8),
        (3, big, 1.0, INF, 0.4),
        (69_999, big, 0.0, INF, 0.9),
        yes={3: True, 69_999: False},
    )
    table = assert_matches_reference(qs, fs)
    assert table.question.tolist() == [3, 3, 69_999, 69_999]
    assert table.user.tolist() == [big, big + 65_536, 5, big]


def test_events_whose_times_round_to_the_same_sort_key_are_still_ordered_exactly() -> None:
    later = float(np.nextafter(0.5, 1.0))
    q = np.array([5, 5, 9, 9], dtype=np.int64)
    s = np.array([0.0, 0.1, later, 0.5])
    e = np.array([1.0, 1.0, 0.9, 0.9])
    order, seg_start = scoring._event_order(q, np.concatenate((s, e)))
    times = np.concatenate((s, e))[order]
    assert seg_start.tolist() == [0, 4]
    assert np.all(np.diff(times[:4]) >= 0)
    assert np.all(np.diff(times[4:]) >= 0)
    assert times[4:6].tolist() == [0.5, later]
