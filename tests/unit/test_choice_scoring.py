"""Multiple-choice scores: SCORING.md's check values, scoringrules as an oracle, the plain
reference implementation, and the properties the definitions promise."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scoringrules as sr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from forecast.core import scoring
from forecast.core.choices import validate_probabilities
from forecast.core.distributions import DistributionError
from forecast.core.reference import scoring as reference
from forecast.core.scoring import ForecastArrays, QuestionArrays


def vectors(k: int, n: int, draw: st.DrawFn) -> np.ndarray:
    """Draw n valid K-option forecasts: each entry in [0.001, 0.999], rows summing to 1."""
    raw = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.01, 1.0)))
    p = raw / raw.sum(axis=1, keepdims=True)
    return 0.001 + (1.0 - 0.001 * k) * p


def choice_table(
    p: np.ndarray, outcome: int, start: np.ndarray, end: np.ndarray, user: np.ndarray
) -> scoring.ScoreTable:
    """Score forecasts of one K-option question on the window [0, 100]."""
    n, k = p.shape
    qs = QuestionArrays(
        open_time=np.zeros(1),
        scheduled_close=np.full(1, 100.0),
        actual_close=np.full(1, 100.0),
        continuous=np.zeros(1, dtype=np.bool_),
        open_bounds=np.zeros(1, dtype=np.int64),
        outcome_bucket=np.full(1, -1, dtype=np.int64),
        options=np.array([k]),
    )
    fs = ForecastArrays(
        question=np.zeros(n, dtype=np.int64),
        user=user,
        start=start,
        end=end,
        p_outcome=scoring.choice_outcome_probability(p, outcome),
        p_yes=np.full(n, np.nan),
        brier=scoring.choice_brier(p, outcome),
    )
    return scoring.score(qs, fs)


def binary_table(
    p_yes: np.ndarray, yes: bool, start: np.ndarray, end: np.ndarray, user: np.ndarray
) -> scoring.ScoreTable:
    n = p_yes.size
    qs = QuestionArrays(
        open_time=np.zeros(1),
        scheduled_close=np.full(1, 100.0),
        actual_close=np.full(1, 100.0),
        continuous=np.zeros(1, dtype=np.bool_),
        open_bounds=np.zeros(1, dtype=np.int64),
        outcome_bucket=np.full(1, -1, dtype=np.int64),
    )
    fs = ForecastArrays(
        question=np.zeros(n, dtype=np.int64),
        user=user,
        start=start,
        end=end,
        p_outcome=scoring.binary_outcome_probability(p_yes, np.full(n, yes)),
        p_yes=p_yes,
    )
    return scoring.score(qs, fs)


def test_lone_forecaster_with_half_on_the_outcome_of_four_options_has_baseline_50() -> None:
    p = np.array([[0.5, 0.2, 0.2, 0.1]])
    table = choice_table(p, 0, np.zeros(1), np.full(1, np.inf), np.zeros(1, dtype=np.int64))
    assert table.baseline[0] == pytest.approx(50.0, abs=1e-12)
    assert table.peer[0] == 0.0
    # Brier by hand: (0.5 - 1)^2 + 0.2^2 + 0.2^2 + 0.1^2 = 0.25 + 0.04 + 0.04 + 0.01.
    assert table.brier[0] == pytest.approx(0.34, abs=1e-12)
    assert table.log[0] == pytest.approx(math.log(0.5), abs=1e-12)


def test_chance_on_four_options_has_baseline_zero() -> None:
    p = np.full((1, 4), 0.25)
    table = choice_table(p, 2, np.zeros(1), np.full(1, np.inf), np.zeros(1, dtype=np.int64))
    assert table.baseline[0] == pytest.approx(0.0, abs=1e-12)


def test_peer_by_hand_for_two_forecasters_over_the_whole_window() -> None:
    p = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
    table = choice_table(p, 0, np.zeros(2), np.full(2, np.inf), np.array([0, 1]))
    gm = math.sqrt(0.6 * 0.2)
    # n / (n - 1) = 2, not halved for multiple choice.
    assert table.peer[0] == pytest.approx(200.0 * math.log(0.6 / gm), abs=1e-9)
    assert table.peer[1] == pytest.approx(200.0 * math.log(0.2 / gm), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 20), st.integers(1, 12), st.data())
def test_brier_and_log_match_scoringrules(k: int, n: int, data: st.DataObject) -> None:
    p = vectors(k, n, data.draw)
    outcome = data.draw(st.integers(0, k - 1))
    users = np.arange(n)
    table = choice_table(p, outcome, np.zeros(n), np.full(n, np.inf), users)
    onehot = np.zeros(k)
    onehot[outcome] = 1.0
    # The multi-category Brier is the sum of each option's binary Brier.
    expected = np.array([sum(sr.brier_score(onehot[j], row[j]) for j in range(k)) for row in p])
    np.testing.assert_allclose(table.brier, expected, rtol=1e-12)
    np.testing.assert_allclose(table.log, -sr.log_score(1.0, p[:, outcome]), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 15), st.data())
def test_two_options_score_as_a_binary_question(n: int, data: st.DataObject) -> None:
    p_yes = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.001, 0.999)))
    yes = data.draw(st.booleans())
    start = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 90.0)))
    length = data.draw(hnp.arrays(np.float64, n, elements=st.floats(1.0, 200.0)))
    users = np.arange(n)
    mc = np.column_stack([p_yes, 1.0 - p_yes])
    choice = choice_table(mc, 0 if yes else 1, start, start + length, users)
    binary = binary_table(p_yes, yes, start, start + length, users)
    np.testing.assert_allclose(choice.baseline, binary.baseline, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(choice.peer, binary.peer, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(choice.log, binary.log, rtol=1e-12)
    np.testing.assert_allclose(choice.coverage, binary.coverage, rtol=1e-12)
    # Both options' errors count: with K = 2 the Brier is twice the binary (p_yes - o)^2.
    np.testing.assert_allclose(choice.brier, 2.0 * binary.brier, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 8), st.integers(2, 15), st.data())
def test_peer_sums_to_zero_and_matches_the_reference(k: int, n: int, data: st.DataObject) -> None:
    p = vectors(k, n, data.draw)
    outcome = data.draw(st.integers(0, k - 1))
    start = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 90.0)))
    length = data.draw(hnp.arrays(np.float64, n, elements=st.floats(1.0, 200.0)))
    users = np.arange(n)
    table = choice_table(p, outcome, start, start + length, users)
    assert abs(table.peer.sum()) < 1e-8
    p_outcome, brier = reference.choice_outcome(p.tolist(), outcome)
    qs = QuestionArrays(
        open_time=np.zeros(1),
        scheduled_close=np.full(1, 100.0),
        actual_close=np.full(1, 100.0),
        continuous=np.zeros(1, dtype=np.bool_),
        open_bounds=np.zeros(1, dtype=np.int64),
        outcome_bucket=np.full(1, -1, dtype=np.int64),
        options=np.array([k]),
    )
    fs = ForecastArrays(
        question=np.zeros(n, dtype=np.int64),
        user=users,
        start=start,
        end=start + length,
        p_outcome=np.array(p_outcome),
        p_yes=np.full(n, np.nan),
        brier=np.array(brier),
    )
    slow = reference.score(qs, fs)
    for name in ("baseline", "peer", "coverage", "brier", "log"):
        np.testing.assert_allclose(
            getattr(table, name), getattr(slow, name), rtol=1e-9, atol=1e-9, err_msg=name
        )


def test_a_forecast_summing_within_a_millionth_of_one_is_stored_renormalised() -> None:
    p = validate_probabilities([0.5, 0.3, 0.2000005], 3)
    assert p.sum() == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize(
    ("values", "k"),
    [([0.5, 0.5], 3), ([0.6, 0.5], 2), ([0.9995, 0.0005], 2), ([0.5, float("nan")], 2)],
)
def test_invalid_option_probabilities_are_refused(values: list[float], k: int) -> None:
    with pytest.raises(DistributionError):
        validate_probabilities(values, k)


def test_renormalising_twice_changes_nothing() -> None:
    once = validate_probabilities([0.4, 0.3, 0.2, 0.1000004], 4)
    assert validate_probabilities(list(once), 4).tolist() == once.tolist()
    kept = [0.4, 0.3, 0.2, 0.1]
    assert validate_probabilities(kept, 4).tolist() == kept
