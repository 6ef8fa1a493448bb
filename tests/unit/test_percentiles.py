"""Percentile text: numbers written back exactly, values rounded only as far as the axis allows."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core.distributions import Scale
from forecast.core.percentiles import (
    DATE_UNITS,
    date_text,
    number_text,
    round_dates,
    round_numbers,
    stored_pairs,
    stored_text,
)
from forecast.infra.clock import parse_iso, to_epoch

LINEAR = Scale(0.0, 100.0, open_lower=False, open_upper=True)
LOG = Scale(1e25, 1e29, open_lower=False, open_upper=True, zero_point=0.0)
DATES = Scale(to_epoch(parse_iso("2026-01-01")), to_epoch(parse_iso("2046-01-01")), False, True)


def day(text: str) -> float:
    return to_epoch(parse_iso(text))


@pytest.mark.parametrize(
    ("value", "text"),
    [(4.0, "4"), (30.5, "30.5"), (2.5e25, "2.5e25"), (1e-7, "1e-7"), (-0.0, "0"), (0.1, "0.1")],
)
def test_numbers_are_written_short(value: float, text: str) -> None:
    assert number_text(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_written_number_reads_back_as_the_same_double(value: float) -> None:
    assert float(number_text(value)) == value


def test_a_linear_axis_rounds_to_one_decimal_place_for_all() -> None:
    assert round_numbers([3.99948, 30.0005, 44.37], LINEAR, tolerance=0.0005) == [4.0, 30.0, 44.4]
    assert round_numbers([10.0, 35.0754, 64.9246], LINEAR, tolerance=0.01) == [10.0, 35.0, 65.0]


def test_a_log_axis_rounds_to_significant_figures() -> None:
    assert round_numbers([2.51189e25, 3.96e27], LOG, tolerance=0.01) == [2.5e25, 4e27]
    assert round_numbers([2.51189e25, 3.96e27], LOG, tolerance=0.0005) == [2.51e25, 3.96e27]


def test_rounding_keeps_values_apart_and_off_a_closed_bound() -> None:
    narrow = Scale(1000.0, 1010.0, open_lower=False, open_upper=False)
    # To whole numbers 1003.5 and 1004.4 would meet; to tens all three would.
    assert round_numbers([1001.2, 1003.5, 1004.4], narrow, tolerance=0.1) == [
        1001.2,
        1003.5,
        1004.4,
    ]
    assert round_numbers([1001.2, 1003.7, 1006.4], narrow, tolerance=0.1) == [
        1001.0,
        1004.0,
        1006.0,
    ]
    # A percentile on a closed bound cannot be sent back as typed: 0.004 does not become 0.
    closed = Scale(0.0, 1.0, open_lower=False, open_upper=False)
    assert round_numbers([0.004, 0.5, 0.996], closed, tolerance=0.01) == [0.004, 0.5, 0.996]
    opened = Scale(0.0, 1.0, open_lower=True, open_upper=True)
    assert round_numbers([0.004, 0.5, 0.996], opened, tolerance=0.01) == [0.0, 0.5, 1.0]


def test_a_date_rounds_to_the_nearest_day_not_down() -> None:
    evening = day("2028-12-31T20:00:00Z")
    assert round_dates([evening], DATES, tolerance=0.0005) == [day("2029-01-01")]
    assert date_text(round_dates([evening], DATES, tolerance=0.0005)[0]) == "2029-01-01"


def test_a_starting_date_may_round_to_the_first_of_a_year_or_a_month() -> None:
    values = [day("2028-01-01T10:00:00Z"), day("2033-01-06"), day("2035-12-20")]
    rounded = round_dates(values, DATES, tolerance=0.01, units=DATE_UNITS)
    assert [date_text(v) for v in rounded] == ["2028-01-01", "2033-01-01", "2036-01-01"]
    months = round_dates([*values[:2], day("2035-09-10")], DATES, tolerance=0.01, units=DATE_UNITS)
    assert [date_text(v) for v in months] == ["2028-01-01", "2033-01-01", "2035-09-01"]
    days = round_dates(values, DATES, tolerance=0.0005, units=DATE_UNITS)
    assert [date_text(v) for v in days] == ["2028-01-01", "2033-01-06", "2035-12-20"]


def test_a_date_is_shown_as_its_utc_day_whatever_the_offset_written() -> None:
    assert date_text("2029-01-01T23:30:00-05:00") == "2029-01-02"
    assert date_text("2029-01-01T00:00:00Z") == "2029-01-01"
    assert date_text(day("2029-01-01")) == "2029-01-01"


def test_stored_pairs_keep_numbers_and_write_dates_as_iso() -> None:
    assert stored_pairs(stored_text([(0.05, 4.0), (0.5, 1e27)], is_date=False)) == [
        (0.05, 4.0),
        (0.5, 1e27),
    ]
    text = stored_text([(0.5, day("2029-01-01"))], is_date=True)
    assert stored_pairs(text) == [(0.5, "2029-01-01T00:00:00Z")]
    assert stored_pairs(None) == []
    assert math.isclose(stored_pairs(text)[0][0], 0.5)
