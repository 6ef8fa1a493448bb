"""Pastcast arithmetic: the vantage instant and a probability read as a training answer."""

from __future__ import annotations

import math
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core.calibration import grade_binary
from forecast.core.pastcasts import (
    VANTAGE_FROM,
    VANTAGE_TO,
    as_training_answer,
    brier,
    order_key,
    vantage_epoch,
    vantage_fraction,
)

ids = st.integers(min_value=1, max_value=10**9)


@given(ids, ids)
def test_the_vantage_falls_in_the_first_half_of_the_life_and_is_fixed(user: int, q: int) -> None:
    fraction = vantage_fraction(user, q)
    assert VANTAGE_FROM <= fraction < VANTAGE_TO
    assert vantage_fraction(user, q) == fraction
    at = vantage_epoch(1_000_000.0, 1_000_000.0 + 30 * 86400, user, q)
    assert at == int(at) and 1_000_000 + 3 * 86400 - 1 <= at < 1_000_000 + 15 * 86400


def test_people_meet_a_question_at_different_instants_and_in_different_orders() -> None:
    fractions = {vantage_fraction(user, 7) for user in range(1, 51)}
    assert len(fractions) == 50
    orders = {tuple(sorted(range(1, 6), key=partial(order_key, user))) for user in range(1, 21)}
    assert len(orders) > 1


@given(st.floats(min_value=0.01, max_value=0.99), st.booleans())
def test_a_probability_graded_as_a_training_item_scores_its_brier_and_log(
    p: float, outcome: bool
) -> None:
    answer, confidence = as_training_answer(p)
    right, score, log = grade_binary(answer, confidence, outcome)
    assert right == (answer == outcome)
    assert score == pytest.approx(brier(p, outcome))
    assert log == pytest.approx(math.log(p if outcome else 1 - p))


def test_hand_computed_cases() -> None:
    assert as_training_answer(0.8) == (True, 0.8)
    assert as_training_answer(0.3) == (False, 0.7)
    assert as_training_answer(0.5) == (True, 0.5)
    assert brier(0.8, True) == pytest.approx(0.04) and brier(0.2, True) == pytest.approx(0.64)
