"""Elementary scores, relative economic value and skill weights: by hand, against the plain-loop
reference, and as properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core import elementary
from forecast.core.reference import elementary as reference


@pytest.mark.parametrize(
    ("p", "y", "theta", "expected"),
    [
        (0.7, 0, 0.2, 0.2),  # acted, not needed: pays the cost
        (0.7, 1, 0.2, 0.0),  # acted, needed: no regret
        (0.1, 1, 0.2, 0.8),  # did not act, needed: loses 1 instead of paying 0.2
        (0.1, 0, 0.2, 0.0),
        (0.2, 0, 0.2, 0.2),  # p at the threshold acts, as a ">=" boundary does
    ],
)
def test_elementary_score_by_hand(p: float, y: int, theta: float, expected: float) -> None:
    assert float(elementary.elementary_score(p, y, theta)) == pytest.approx(expected)


def test_relative_value_by_hand() -> None:
    # Four questions, two happened (o_bar 0.5), theta 0.25: never acting scores 0.375, always
    # 0.125, so the reference is always acting. A mean score of 0.0625 halves its regret.
    assert elementary.relative_value(0.0625, 0.5, 0.25) == pytest.approx(0.5)
    assert elementary.relative_value(0.125, 0.5, 0.25) == pytest.approx(0.0)
    assert elementary.relative_value(0.0, 0.0, 0.25) is None  # nothing to gain over never


@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.floats(0.001, 0.999),
            st.floats(1.0, 1e6),
        ),
        min_size=1,
        max_size=30,
    ),
    st.lists(st.integers(0, 1), min_size=5, max_size=5),
    st.floats(0.01, 0.99),
)
def test_pair_scores_match_the_plain_loop(
    rows: list[tuple[int, float, float]], outcomes: list[int], theta: float
) -> None:
    pair = np.array([r[0] for r in rows], dtype=np.int64)
    p = np.array([r[1] for r in rows])
    w = np.array([r[2] for r in rows])
    y = np.array([outcomes[k] for k in pair.tolist()], dtype=np.float64)
    got = elementary.question_scores(pair, p, y, w, theta, 5)
    for k in range(5):
        mine = [(r[1], r[2]) for r in rows if r[0] == k]
        if not mine:
            assert np.isnan(got[k])
        else:
            assert got[k] == pytest.approx(reference.pair_score(mine, outcomes[k], theta))
    # The Murphy diagram is the same scores at many thresholds at once.
    diagram = elementary.question_scores(pair, p, y, w, np.array([theta, 0.5]), 5)
    np.testing.assert_allclose(diagram[0], got, equal_nan=True)


def test_skills_rank_users_and_match_the_reference_value() -> None:
    # User 1 always right-ish, user 2 always wrong-ish, on the same four questions.
    outcome = np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype=np.float64)
    user = np.array([1, 1, 1, 1, 2, 2, 2, 2])
    p = np.array([0.9, 0.1, 0.8, 0.2, 0.1, 0.9, 0.2, 0.8])
    theta = 0.3
    score = elementary.elementary_score(p, outcome, theta)
    found = elementary.skills(user, score, outcome, theta)
    assert [k.user for k in found] == [1, 2]
    best, worst = found
    assert best.score == 0.0 and best.value == pytest.approx(1.0)
    assert worst.score == pytest.approx((0.3 + 0.7) / 2)
    assert worst.value == pytest.approx(
        reference.relative_value(score[4:].tolist(), [1, 0, 1, 0], theta)
    )
    assert worst.low <= worst.score <= worst.high
    weights = elementary.skill_weights(found)
    assert weights == {1: 1.0, 2: 0.0}


def test_weighted_probability_and_interval() -> None:
    p = np.array([0.2, 0.8])
    assert elementary.weighted_probability(p, np.array([3.0, 1.0])) == pytest.approx(0.35)
    assert elementary.weighted_probability(p, np.zeros(2)) is None
    low, high = elementary.weighted_interval(p, np.array([3.0, 1.0]))  # type: ignore[misc]
    assert 0.2 <= low <= 0.35 <= high <= 0.8
