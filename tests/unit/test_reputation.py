"""Track-record reputations against a plain loop written from SCORING.md."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core.reputation import Reputations, group_prefix_sums, reputations


def plain(forecasts: list[tuple[int, float]], scores: list[tuple[int, int, float, float, float]]):
    """rep = max(sum peer / (30 + sum coverage), 1e-6) over the user's scores resolved before."""
    out = []
    for user, start in forecasts:
        peer = coverage = 0.0
        for s_user, _, when, p, c in sorted(scores, key=lambda s: (s[0], s[2], s[1])):
            if s_user == user and when < start:
                peer += p
                coverage += c
        out.append(max(peer / (30.0 + coverage), 1e-6))
    return np.array(out)


def arrays(forecasts: list, scores: list) -> dict:
    return {
        "forecast_user": np.array([f[0] for f in forecasts], dtype=np.int64),
        "forecast_start": np.array([f[1] for f in forecasts], dtype=np.float64),
        "score_user": np.array([s[0] for s in scores], dtype=np.int64),
        "score_question": np.array([s[1] for s in scores], dtype=np.int64),
        "score_time": np.array([s[2] for s in scores], dtype=np.float64),
        "score_peer": np.array([s[3] for s in scores], dtype=np.float64),
        "score_coverage": np.array([s[4] for s in scores], dtype=np.float64),
    }


users = st.integers(0, 6)
times = st.integers(0, 12).map(float)  # a coarse clock: many resolutions at a forecast's start
score_rows = st.lists(
    st.tuples(
        users,
        st.integers(0, 40),
        times,
        st.floats(-300, 300, allow_subnormal=False),
        st.floats(0, 1, allow_subnormal=False),
    ),
    max_size=40,
    unique_by=lambda s: (s[0], s[1]),  # one score per user and question
)
forecast_rows = st.lists(st.tuples(users, times), min_size=1, max_size=30)


@given(forecast_rows, score_rows)
def test_reputations_equal_the_plain_loop_to_the_last_bit(forecasts: list, scores: list) -> None:
    got = reputations(**arrays(forecasts, scores))
    assert np.array_equal(got, plain(forecasts, scores))


def test_a_resolution_at_the_instant_a_forecast_starts_does_not_count() -> None:
    forecasts = [(1, 10.0), (1, 10.5), (2, 10.0)]
    scores = [(1, 7, 10.0, 60.0, 1.0)]
    got = reputations(**arrays(forecasts, scores))
    assert got.tolist() == [1e-6, 60.0 / 31.0, 1e-6]


def test_a_user_with_a_negative_record_is_floored_at_one_in_a_million() -> None:
    got = reputations(**arrays([(3, 5.0)], [(3, 1, 1.0, -40.0, 0.8)]))
    assert got.tolist() == [1e-6]


def test_group_prefix_sums_are_sequential_sums_within_each_group() -> None:
    rng = np.random.default_rng(5)
    group = np.sort(rng.integers(0, 50, 3_000))  # groups of every size up to ~100
    values = rng.normal(0, 100, 3_000)
    got = group_prefix_sums(group, values)
    expected = np.zeros(3_000)
    for i in range(1, 3_000):
        if group[i] == group[i - 1]:
            expected[i] = expected[i - 1] + values[i - 1]
    assert np.array_equal(got, expected)


def test_reputations_are_found_by_start_and_user_whatever_the_order() -> None:
    start = np.array([5.0, 1.0, 5.0, 3.0])
    user = np.array([9, 4, 2, 4], dtype=np.int64)
    table = Reputations.of_forecasts(start, user, np.array([0.1, 0.2, 0.3, 0.4]))
    assert table.lookup(np.array([5.0, 5.0, 1.0]), np.array([2, 9, 4])).tolist() == [0.3, 0.1, 0.2]
    with pytest.raises(KeyError):
        table.lookup(np.array([5.0]), np.array([4]))


def test_the_first_change_is_the_earliest_forecast_whose_reputation_moved_or_is_new() -> None:
    start = np.array([1.0, 2.0, 3.0])
    user = np.array([1, 2, 3], dtype=np.int64)
    old = Reputations.of_forecasts(start, user, np.array([0.5, 0.5, 0.5]))
    assert old.first_change(old) == np.inf
    moved = Reputations.of_forecasts(start, user, np.array([0.5, 0.7, 0.5]))
    assert old.first_change(moved) == 2.0
    grown = Reputations.of_forecasts(
        np.append(start, 2.5), np.append(user, 4), np.array([0.5, 0.5, 0.5, 0.9])
    )
    assert old.first_change(grown) == 2.5
