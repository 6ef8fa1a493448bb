"""Splitting training answers into sittings; how far a record is from the certificate."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.core.calibration import certificate_progress, sessions, summarize_binary


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


def test_certificate_progress_counts_the_answers_still_needed_and_each_condition() -> None:
    started = certificate_progress(
        summarize_binary([0.9] * 38, [1] * 30 + [0] * 8),
        {"answered": 5, "hit_rate": 0.6, "mean_interval_score": 1.0},
    )
    assert (started.binary_needed, started.interval_needed) == (12, 15)
    assert started.gap_points is not None and round(started.gap_points, 1) == 11.1
    assert not started.gap_ok and not started.hit_rate_ok and not started.earned
    done = certificate_progress(
        summarize_binary([0.8] * 60, [1] * 48 + [0] * 12),
        {"answered": 25, "hit_rate": 0.88, "mean_interval_score": 1.0},
    )
    assert (done.binary_needed, done.interval_needed) == (0, 0) and done.earned
    nothing = certificate_progress(summarize_binary([], []), {"answered": 0, "hit_rate": None})
    assert (nothing.binary_needed, nothing.interval_needed, nothing.gap_points) == (50, 20, None)
    assert not nothing.gap_ok and not nothing.hit_rate_ok
