"""Splitting training answers into sittings."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.calibration_math import sessions


def test_a_pause_of_more_than_half_an_hour_starts_a_new_session() -> None:
    times = [0, 60, 120, 120 + 31 * 60, 120 + 32 * 60]
    right = [1, 0, 1, 1, 1]
    confidence = [0.9, 0.9, np.nan, 0.6, 0.7]
    found = sessions(times, right, confidence)
    assert [(s["session"], s["answered"]) for s in found] == [(1, 3), (2, 2)]
    assert found[0]["hit_rate"] == pytest.approx(2 / 3)
    assert found[0]["overconfidence_points"] == pytest.approx(100 * (0.9 - 0.5))
    assert found[1]["overconfidence_points"] == pytest.approx(100 * (0.65 - 1.0))
    assert sessions([], [], []) == []
