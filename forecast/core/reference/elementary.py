"""Plain-loop reference for forecast.core.elementary: the same definitions, one number at a
time, for tests to compare the vectorised code with."""

from __future__ import annotations

from collections.abc import Sequence


def elementary_score(p: float, y: int, theta: float) -> float:
    """Return the cost-loss regret of acting when p >= theta, with cost theta and loss 1."""
    if p >= theta:  # acted: pays theta; would have paid theta anyway if y = 1
        return 0.0 if y == 1 else theta
    return 1.0 - theta if y == 1 else 0.0  # did not act: lost 1 if y = 1, instead of theta


def pair_score(forecasts: Sequence[tuple[float, float]], y: int, theta: float) -> float:
    """Return the time-weighted mean score of (p, seconds standing) forecasts."""
    total = 0.0
    weighted = 0.0
    for p, seconds in forecasts:
        total += seconds
        weighted += seconds * elementary_score(p, y, theta)
    return weighted / total


def relative_value(scores: Sequence[float], outcomes: Sequence[int], theta: float) -> float:
    """Return (S_ref - S) / S_ref with S_ref the better of never and always acting."""
    n = len(scores)
    mean = sum(scores) / n
    never = sum(elementary_score(0.0, y, theta) for y in outcomes) / n
    always = sum(elementary_score(1.0, y, theta) for y in outcomes) / n
    ref = min(never, always)
    return (ref - mean) / ref
