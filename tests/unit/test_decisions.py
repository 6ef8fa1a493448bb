"""Looking back on decisions: the four outcomes, lead times and the cost-loss value, by hand."""

from __future__ import annotations

import pytest

from forecast.core import decisions


@pytest.mark.parametrize(
    ("crossed", "comparator", "happened", "expected"),
    [
        (True, ">=", True, "hit"),
        (True, ">=", False, "false_alarm"),
        (False, ">=", True, "miss"),
        (False, ">=", False, "correct_rejection"),
        # "<=": acting (stopping) is right when the event did not happen.
        (True, "<=", False, "hit"),
        (True, "<=", True, "false_alarm"),
        (False, "<=", False, "miss"),
        (False, "<=", True, "correct_rejection"),
    ],
)
def test_each_outcome_follows_the_crossing_and_what_made_acting_right(
    crossed: bool, comparator: str, happened: bool, expected: str
) -> None:
    assert decisions.decision_outcome(crossed, comparator, happened) == expected


def test_lead_time_counts_days_from_the_first_crossing_and_is_none_without_one() -> None:
    assert decisions.lead_time_days(0.0, 86_400.0 * 12.5) == pytest.approx(12.5)
    assert decisions.lead_time_days(None, 1e9) is None


def test_the_cost_loss_expenses_match_a_hand_count() -> None:
    # Three boundaries, thresholds read as C/L: 0.1 (>=), 0.2 (>=), 0.3 (<= so C/L = 0.7).
    # 1: acted, right -> pays 0.1.  2: not acted, right -> loses 1.  3: acted, not right -> 0.7.
    value = decisions.decision_value([True, False, True], [True, True, False], [0.1, 0.2, 0.7])
    assert value.boundaries == pytest.approx(0.1 + 1.0 + 0.7)
    assert value.never == pytest.approx(2.0)
    assert value.always == pytest.approx(0.1 + 0.2 + 0.7)
    assert value.perfect == pytest.approx(0.1 + 0.2)
    assert value.saving == pytest.approx(2.0 - 1.8)
    assert value.relative_value == pytest.approx(0.2 / 1.7)


def test_a_record_counts_outcomes_and_flags_few_cases() -> None:
    record = decisions.decision_record(
        ["hit", "false_alarm", "hit", "correct_rejection"],
        [30.0, 10.0, None, None],
        [">=", ">=", "<=", ">="],
        [0.2, 0.1, 0.9, 0.5],
    )
    assert record.counts == {"hit": 2, "false_alarm": 1, "miss": 0, "correct_rejection": 1}
    assert record.total == 4 and record.few
    assert record.mean_lead_time_days == pytest.approx(20.0)
    assert record.hit_rate == 1.0
    assert record.false_alarm_ratio == pytest.approx(1 / 3)
    # Acted on 1-3: 0.2 + 0.1 + (1 - 0.9); the 4th not acted and not needed: 0.
    assert record.value.boundaries == pytest.approx(0.4)
    assert record.value.never == pytest.approx(2.0)


def test_a_bad_comparator_is_a_bug_not_a_miss() -> None:
    with pytest.raises(ValueError):
        decisions.decision_outcome(True, ">", True)
