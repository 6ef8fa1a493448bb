"""Conditional resolution table, the value of waiting for a signpost, and signpost readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core.conditionals import (
    Resolved,
    branch_resolution,
    decision_relevant,
    signpost_reading,
    value_of_waiting,
)

T = datetime(2028, 1, 1, tzinfo=UTC)
C_YES = Resolved("yes", None, T)
C_NO = Resolved("no", None, T)
O_VALUE = Resolved("value", 42.0, T + timedelta(days=30))


def test_a_branch_waits_while_the_condition_is_open_whatever_the_outcome_did() -> None:
    assert branch_resolution("yes", None, None) is None
    assert branch_resolution("yes", None, O_VALUE) is None
    assert branch_resolution("no", None, Resolved("annulled", None, T)) is None


def test_the_branch_the_condition_took_follows_the_outcome_and_the_other_is_annulled() -> None:
    assert branch_resolution("yes", C_YES, O_VALUE) == O_VALUE
    assert branch_resolution("yes", C_YES, None) is None
    assert branch_resolution("no", C_YES, O_VALUE) == Resolved("annulled", None, T)
    assert branch_resolution("no", C_YES, None) == Resolved("annulled", None, T)
    assert branch_resolution("no", C_NO, O_VALUE) == O_VALUE


@pytest.mark.parametrize("void", ["annulled", "ambiguous"])
def test_a_void_condition_annuls_both_branches(void: str) -> None:
    condition = Resolved(void, None, T)
    for branch in ("yes", "no"):
        assert branch_resolution(branch, condition, O_VALUE) == Resolved("annulled", None, T)


def test_a_void_outcome_is_taken_by_the_branch_that_happened() -> None:
    ambiguous = Resolved("ambiguous", None, T)
    assert branch_resolution("yes", C_YES, ambiguous) == ambiguous
    assert branch_resolution("yes", C_YES, ambiguous).void  # type: ignore[union-attr]


def test_a_branch_is_yes_or_no() -> None:
    with pytest.raises(ValueError):
        branch_resolution("maybe", C_YES, O_VALUE)


def test_value_of_waiting_when_the_branches_straddle_the_threshold() -> None:
    # t = 10%, P(S) = 50%, P(E | S) = 30%, P(E | not S) = 2%: now min(.1, .16) = .1;
    # after .5 * .1 + .5 * .02 = .06; waiting is worth 4% of L.
    v = value_of_waiting(0.1, 0.5, 0.3, 0.02)
    assert v.p_now == pytest.approx(0.16)
    assert v.loss_now == pytest.approx(0.1)
    assert v.loss_after == pytest.approx(0.06)
    assert v.value == pytest.approx(0.04)


def test_value_of_waiting_a_second_hand_computed_case() -> None:
    # t = 50%, P(S) = 25%, 90% / 10%: mixture .3; now .3; after .25 * .5 + .75 * .1 = .2.
    v = value_of_waiting(0.5, 0.25, 0.9, 0.1)
    assert v.loss_now == pytest.approx(0.3)
    assert v.loss_after == pytest.approx(0.2)
    assert v.value == pytest.approx(0.1)


def test_waiting_is_worth_nothing_when_both_branches_are_on_one_side() -> None:
    # 30% and 20% are both past a 10% threshold: one acts either way.
    assert value_of_waiting(0.1, 0.4, 0.3, 0.2).value == 0.0
    assert value_of_waiting(0.5, 0.4, 0.3, 0.2).value == pytest.approx(0.0)


def test_an_incoherent_community_value_is_reported_not_used() -> None:
    v = value_of_waiting(0.1, 0.5, 0.3, 0.02, p_community=0.5)
    assert v.value == pytest.approx(0.04)
    assert v.incoherence == pytest.approx(0.5 - 0.16)


def test_the_value_does_not_depend_on_the_boundarys_direction() -> None:
    # The complement decision (act when P(E) <= t) gives the same value: .04 again.
    assert value_of_waiting(0.9, 0.5, 0.7, 0.98).value == pytest.approx(0.04)


def test_probabilities_outside_zero_one_are_refused() -> None:
    with pytest.raises(ValueError):
        value_of_waiting(1.2, 0.5, 0.3, 0.2)


probability = st.floats(0.0, 1.0, allow_nan=False)


@given(probability, probability, probability, probability)
def test_waiting_never_costs_and_never_beats_perfect_foresight(
    t: float, ps: float, py: float, pn: float
) -> None:
    v = value_of_waiting(t, ps, py, pn)
    assert v.value >= 0.0
    # Learning S can save at most what knowing E itself would: min(t, p) - p * t.
    assert v.value <= v.loss_now - v.p_now * t + 1e-12
    complement = value_of_waiting(1 - t, ps, 1 - py, 1 - pn)
    assert complement.value == pytest.approx(v.value, abs=1e-12)


def test_signpost_readings_in_words() -> None:
    assert (
        signpost_reading(True, True, False, ">=", "10%")
        == "crossed now; would stay crossed if S; would fall below 10% if not S"
    )
    assert (
        signpost_reading(False, True, False, ">=", "10%")
        == "not crossed now; would rise to 10% or above if S; would stay not crossed if not S"
    )
    assert (
        signpost_reading(False, None, True, "<=", "5%")
        == "not crossed now; no forecasts yet if S; would fall to 5% or below if not S"
    )


def test_decision_relevant_means_the_branches_disagree() -> None:
    assert decision_relevant(True, False)
    assert decision_relevant(False, True)
    assert not decision_relevant(True, True)
    assert not decision_relevant(None, True)
