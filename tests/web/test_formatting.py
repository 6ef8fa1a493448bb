"""Template filters: how events, instants and percentages read on the pages."""

from __future__ import annotations

import pytest

from forecast.web.formatting import (
    axis_value,
    event_text,
    iso_when,
    number,
    percent,
    plural,
    quantity,
    signed,
)


@pytest.mark.parametrize(
    "event,text",
    [
        ({"kind": "yes"}, "P(yes)"),
        ({"kind": "within", "years": 10}, "P(within 10 years)"),
        ({"kind": "within", "years": 1}, "P(within 1 year)"),
        ({"kind": "within", "years": 2.5}, "P(within 2.5 years)"),
        ({"kind": "before", "date": "2030-01-01T00:00:00Z"}, "P(before 2030-01-01)"),
        ({"kind": "at_least", "value": 1e27}, "P(X >= 1e+27)"),
        ({"kind": "at_most", "value": 42.0}, "P(X <= 42)"),
    ],
)
def test_events_read_as_probabilities_of_something(event: dict[str, object], text: str) -> None:
    assert event_text(event) == text


def test_iso_instants_read_in_utc_to_the_minute() -> None:
    assert iso_when("2026-11-09T00:00:00Z") == "2026-11-09 00:00 UTC"
    assert iso_when("2026-11-09T13:45:59.5+01:00") == "2026-11-09 12:45 UTC"
    assert iso_when(None) == "—"


def test_percentages_keep_one_decimal_unless_told() -> None:
    assert percent(2 / 3) == "66.7%"
    assert percent(0.5, 0) == "50%"
    assert percent(None) == "—"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (7.8854, "7.885"),
        (932.16, "932.2"),
        (1423.37, "1,423"),
        (10_000.0, "10,000"),
        (12_345.0, "12,340"),
        (-45_678.9, "-45,680"),
        (999_949.0, "999,900"),
        (1.55e27, "1.55e+27"),
        (0.0004, "0.0004"),
        (0.0, "0"),
    ],
)
def test_axis_values_keep_four_significant_digits_and_no_exponent_below_a_million(
    value: float, text: str
) -> None:
    assert axis_value(value, "numeric") == text


def test_date_axis_values_name_the_day() -> None:
    assert axis_value(1_924_992_000.0, "date") == "2031-01-01"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.34, "+12.3"),
        (-3.26, "-3.3"),
        (0.0, "0.0"),
        (-0.0, "0.0"),
        (-0.04, "0.0"),
        (1e-17, "0.0"),
    ],
)
def test_scores_carry_a_sign_except_zero(value: float, text: str) -> None:
    assert signed(value) == text


def test_signed_scores_take_their_digits_and_a_dash_when_missing() -> None:
    assert signed(-0.004, 2) == "0.00"
    assert signed(0.4, 0) == "0"
    assert signed(None) == "—"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (285645.48, "285,645"),
        (1234.5, "1,234"),
        (12.345, "12.35"),
        (-0.001, "0.00"),
        (2_873_000.0, "2.9 million"),
        (412_000_000.0, "412 million"),
        (3.2e10, "32.0 billion"),
    ],
)
def test_large_numbers_read_with_separators_or_words(value: float, text: str) -> None:
    assert number(value) == text


def test_answers_read_with_their_unit_and_years_as_years() -> None:
    assert quantity(1969.0, "year") == "1969"
    assert quantity(2.5, "months") == "2.5 months"
    assert quantity(1e25, "FLOP") == "1e+25 FLOP"
    assert quantity(42.0) == "42"


def test_counts_take_the_plural_only_when_not_one() -> None:
    assert plural(1, "question") == "1 question"
    assert plural(0, "question") == "0 questions"
    assert plural(1204, "forecaster") == "1,204 forecasters"
    assert plural(2, "boundary", "boundaries") == "2 boundaries"
