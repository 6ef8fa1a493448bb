"""When a boundary changes state, and why: hysteresis, a minimum of forecasters, the reason.

Pure: the alert job decides each change with `next_state`, and a boundary's page shows the
same decision's reason, so what the page says is what the job did.

A crossing must clear the threshold; turning back must clear it by the hysteresis band too, so
one forecast near the line cannot make alerts flap. Without a band chosen by the leader, the
band is `default_hysteresis`: 2 percentage points, narrowed to a quarter of the threshold's
distance from 0 or 1 near the ends (a 1% boundary gets 0.25 points, not a band wider than
itself). A boundary may also hold its state until enough forecasters stand on the question.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BAND = 0.02


def default_hysteresis(threshold: float) -> float:
    """Return the band a boundary gets when its leader chooses none."""
    return round(min(DEFAULT_BAND, 0.25 * min(threshold, 1.0 - threshold)), 6)


@dataclass(frozen=True)
class StateDecision:
    """The state a boundary should be in now, and the reason in words."""

    state: str | None
    reason: str


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def next_state(
    last: str | None,
    probability: float | None,
    comparator: str,
    threshold: float,
    hysteresis: float,
    *,
    forecasters: int | None = None,
    min_forecasters: int = 1,
) -> StateDecision:
    """Return the boundary's state given its last one, and why it changed or held."""
    held = "crossed" if last == "crossed" else "not crossed"
    if probability is None:
        return StateDecision(last, f"No standing forecasts: the state stays {held}.")
    if forecasters is not None and forecasters < min_forecasters:
        return StateDecision(
            last,
            f"Only {forecasters} forecaster{'' if forecasters == 1 else 's'} stand on the "
            f"question; this boundary changes state from {min_forecasters}. "
            f"The state stays {held}.",
        )
    sign = 1.0 if comparator == ">=" else -1.0
    word = "at least" if sign > 0 else "at most"
    past = sign * (probability - threshold) >= 0
    if past:
        return StateDecision(
            "crossed", f"{_pct(probability)} is {word} the threshold {_pct(threshold)}."
        )
    back = threshold - sign * hysteresis
    if last == "crossed" and sign * (probability - threshold) >= -hysteresis:
        return StateDecision(
            "crossed",
            f"{_pct(probability)} is back on the other side of {_pct(threshold)} but inside "
            f"the {100 * hysteresis:.2g}-point band: it stays crossed until the probability "
            f"{'falls below' if sign > 0 else 'rises above'} {_pct(back)}.",
        )
    return StateDecision(
        "not_crossed", f"{_pct(probability)} is not {word} the threshold {_pct(threshold)}."
    )
