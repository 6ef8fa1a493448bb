"""Round tick values: powers of ten on log axes, 1/2/5 steps, whole years, months and days."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from forecast.web.chart_ticks import AxisKind, distinct_labels, nice_ticks


def values(lo: float, hi: float, kind: AxisKind = "linear") -> list[float]:
    return [t.value for t in nice_ticks(lo, hi, kind)]


def labels(lo: datetime, hi: datetime) -> list[str]:
    ticks = nice_ticks(lo.timestamp(), hi.timestamp(), "date")
    assert all(t.label is not None for t in ticks)
    return [str(t.label) for t in ticks]


def day(year: int, month: int, dom: int, hour: int = 0) -> datetime:
    return datetime(year, month, dom, hour, tzinfo=UTC)


def test_a_log_window_of_four_decades_is_ticked_at_its_powers_of_ten() -> None:
    assert values(1e25, 1e29, "log") == [1e25, 1e26, 1e27, 1e28, 1e29]


def test_a_log_window_under_two_decades_adds_the_twos_and_fives() -> None:
    # The window the median chart of the FLOP question showed as 2.14e+26 ... 9.32e+27.
    assert values(2.14e26, 9.32e27, "log") == [5e26, 1e27, 2e27, 5e27]


def test_a_log_window_of_many_decades_keeps_every_tenth_power() -> None:
    assert values(1e-10, 1e30, "log") == [1e-10, 1.0, 1e10, 1e20, 1e30]


def test_a_log_window_within_a_factor_of_ten_adds_the_threes_then_falls_back_to_linear() -> None:
    # A power of ten inside but only one 2x beside it: the 3x joins, evenly spread on a log axis.
    assert values(778.3, 3512.0, "log") == [1000, 2000, 3000]
    assert values(1.5e26, 6e26, "log") == [2e26, 3e26, 5e26]
    # A few percent wide: linear steps, nearly even on so short a stretch.
    assert values(0.95e27, 1.05e27, "log") == [9.6e26, 9.8e26, 1e27, 1.02e27, 1.04e27]
    assert values(4.1e26, 5.9e26, "log") == [4.5e26, 5e26, 5.5e26]


def test_a_log_axis_reaching_zero_through_its_zero_point_gets_linear_ticks() -> None:
    assert values(-5.0, 100.0, "log") == [0, 20, 40, 60, 80, 100]


def test_a_linear_window_steps_by_one_two_or_five_times_a_power_of_ten() -> None:
    assert values(0.0, 37.0) == [0, 10, 20, 30]
    assert values(-1.0, 1.0) == [-1, -0.5, 0, 0.5, 1]
    assert values(2.0, 48.0) == [10, 20, 30, 40]
    assert values(1.9, 14.1) == [2, 4, 6, 8, 10, 12, 14]


def test_linear_ticks_are_the_decimal_values_not_sums_of_steps() -> None:
    # 3 * 0.1 is 0.30000000000000004; the tick is the double nearest 0.3.
    assert values(0.1, 0.7) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
    assert values(3.235, 4.683) == [3.4, 3.6, 3.8, 4.0, 4.2, 4.4, 4.6]


def test_a_window_of_several_years_is_ticked_on_new_years_days() -> None:
    assert labels(day(2028, 8, 4), day(2031, 8, 6)) == ["2029", "2030", "2031"]
    assert labels(day(2026, 12, 1), day(2036, 1, 1)) == ["2028", "2030", "2032", "2034", "2036"]
    ticks = nice_ticks(day(2026, 1, 1).timestamp(), day(2046, 1, 1).timestamp(), "date")
    assert [t.value for t in ticks] == [day(y, 1, 1).timestamp() for y in (2030, 2035, 2040, 2045)]


def test_a_window_of_months_is_ticked_on_the_first_of_a_month() -> None:
    assert labels(day(2019, 2, 15), day(2021, 1, 1)) == ["2019-07", "2020-01", "2020-07", "2021-01"]
    assert labels(day(2031, 3, 20), day(2031, 9, 2)) == [
        "2031-04",
        "2031-05",
        "2031-06",
        "2031-07",
        "2031-08",
        "2031-09",
    ]


def test_a_window_of_days_is_ticked_on_whole_days() -> None:
    assert labels(day(2031, 6, 10), day(2031, 6, 20)) == [
        "2031-06-11",
        "2031-06-13",
        "2031-06-15",
        "2031-06-17",
        "2031-06-19",
    ]
    # Half-month steps: the 1st and 16th, never the 31st right before a 1st.
    assert labels(day(2031, 3, 15), day(2031, 5, 20)) == [
        "2031-03-16",
        "2031-04-01",
        "2031-04-16",
        "2031-05-01",
        "2031-05-16",
    ]


def test_a_window_shorter_than_three_days_is_ticked_on_whole_hours() -> None:
    assert labels(day(2031, 6, 10, 3), day(2031, 6, 11, 9)) == [
        "2031-06-10 06:00",
        "2031-06-10 12:00",
        "2031-06-10 18:00",
        "2031-06-11 00:00",
        "2031-06-11 06:00",
    ]


def test_a_window_of_one_value_gets_one_tick_and_no_error() -> None:
    for kind in ("linear", "log", "date"):
        assert values(1e27, 1e27, kind) == [1e27]
    assert values(0.0, 0.0, "log") == [0.0]
    assert labels(day(2031, 6, 15), day(2031, 6, 15)) == ["2031-06-15"]
    assert values(math.nan, 1.0) == [] and values(0.0, math.inf, "log") == []


def test_dates_no_calendar_can_name_get_plain_numbers() -> None:
    ticks = nice_ticks(-1e12, 1e12, "date")
    assert [t.value for t in ticks] == [-1e12, -5e11, 0, 5e11, 1e12]
    assert all(t.label is None for t in ticks)


def test_labels_that_read_the_same_get_just_enough_digits() -> None:
    assert distinct_labels([1e6, 2e6], ["1e+06", "2e+06"]) == ["1e+06", "2e+06"]
    assert distinct_labels([1.05e6, 1.051e6], ["1.05e+06", "1.05e+06"]) == [
        "1.05e+06",
        "1.051e+06",
    ]
    assert distinct_labels([1005.1, 1005.2], ["1,005", "1,005"]) == ["1,005.1", "1,005.2"]


KINDS = st.sampled_from(["linear", "log", "date"])
BOUND = st.floats(-1e30, 1e30, allow_nan=False, allow_subnormal=False)
SECONDS = st.floats(-5e10, 2.5e11, allow_nan=False)  # from 380 to 9900 as Unix seconds


@given(kind=KINDS, a=BOUND, b=BOUND)
def test_ticks_lie_in_the_window_and_strictly_increase(kind: AxisKind, a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = values(lo, hi, kind)
    assert all(lo <= t <= hi for t in ticks)
    assert all(s < t for s, t in pairwise(ticks))
    if hi - lo > 1e-9 * max(abs(lo), abs(hi)):
        assert len(ticks) >= 2


@given(a=SECONDS, b=SECONDS)
def test_date_ticks_lie_in_the_window_and_carry_labels(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = nice_ticks(lo, hi, "date")
    assert all(lo <= t.value <= hi and t.label for t in ticks)
    assert all(s.value < t.value for s, t in pairwise(ticks))
    if hi - lo >= 1.0:
        assert len(ticks) >= 2
