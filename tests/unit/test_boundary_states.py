"""When a boundary changes state, and the reason its page gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core.boundaries.states import default_hysteresis, next_state


def test_hysteresis_keeps_the_state_inside_the_band() -> None:
    assert next_state("crossed", 0.29, ">=", 0.3, 0.02).state == "crossed"
    assert next_state("crossed", 0.27, ">=", 0.3, 0.02).state == "not_crossed"
    assert next_state("not_crossed", 0.3, ">=", 0.3, 0.02).state == "crossed"
    assert next_state(None, 0.1, "<=", 0.2, 0.0).state == "crossed"
    assert next_state("crossed", None, ">=", 0.3, 0.0).state == "crossed"
    assert next_state("crossed", 0.21, "<=", 0.2, 0.02).state == "crossed"
    assert next_state("crossed", 0.23, "<=", 0.2, 0.02).state == "not_crossed"


def test_too_few_forecasters_hold_the_state_and_say_so() -> None:
    held = next_state("not_crossed", 0.9, ">=", 0.1, 0.0, forecasters=2, min_forecasters=5)
    assert held.state == "not_crossed"
    assert held.reason == (
        "Only 2 forecasters stand on the question; this boundary changes state from 5. "
        "The state stays not crossed."
    )
    enough = next_state("not_crossed", 0.9, ">=", 0.1, 0.0, forecasters=5, min_forecasters=5)
    assert enough.state == "crossed" and enough.reason == "90.0% is at least the threshold 10.0%."


def test_the_band_reason_names_where_the_state_turns_back() -> None:
    inside = next_state("crossed", 0.09, ">=", 0.1, 0.02)
    assert inside.reason == (
        "9.0% is back on the other side of 10.0% but inside the 2-point band: it stays "
        "crossed until the probability falls below 8.0%."
    )
    assert next_state("crossed", 0.11, "<=", 0.1, 0.02).reason.endswith("rises above 12.0%.")
    assert next_state(None, 0.05, ">=", 0.1, 0.02).reason == (
        "5.0% is not at least the threshold 10.0%."
    )


@pytest.mark.parametrize(
    ("threshold", "band"),
    [(0.5, 0.02), (0.1, 0.02), (0.05, 0.0125), (0.01, 0.0025), (0.99, 0.0025)],
)
def test_the_default_band_is_two_points_narrowed_near_the_ends(
    threshold: float, band: float
) -> None:
    assert default_hysteresis(threshold) == pytest.approx(band)


@given(st.floats(min_value=1e-6, max_value=1 - 1e-6))
def test_the_default_band_never_reaches_past_zero_or_one(threshold: float) -> None:
    band = default_hysteresis(threshold)
    assert 0 <= band <= 0.02
    assert threshold - band >= -1e-9 and threshold + band <= 1 + 1e-9
