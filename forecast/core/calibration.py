"""Calibration training arithmetic: grading answers, summaries, and the certification rule.

Binary items are answered true/false with a confidence c in [0.5, 0.99] that the answer is
right; the Brier score of an answer is (c - 1[right])^2 and its log score ln(c) or ln(1 - c).
Interval items are answered with a 90% interval [l, u]; a hit is l <= x <= u and the interval
score is (u - l) + (2/a)(l - x)[x < l] + (2/a)(x - u)[x > u] with a = 0.1 (SCORING.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike

from forecast.core.leaderboard import wilson_interval
from forecast.core.scoring import interval_score

CONFIDENCE_MIN, CONFIDENCE_MAX = 0.5, 0.99
ALPHA = 0.1
BIN_EDGES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # 50-59%, 60-69%, 70-79%, 80-89%, 90-99%
CERTIFY_BINARY, CERTIFY_INTERVAL = 50, 20
CERTIFY_GAP_POINTS = 5.0
CERTIFY_HIT_RANGE = (0.80, 0.97)


def grade_binary(answer: bool, confidence: float, truth: bool) -> tuple[bool, float, float]:
    """Return (right, Brier score, log score) of a true/false answer."""
    right = answer == truth
    return (
        right,
        (confidence - (1.0 if right else 0.0)) ** 2,
        math.log(confidence if right else 1.0 - confidence),
    )


def grade_interval(lower: float, upper: float, truth: float) -> tuple[bool, float]:
    """Return (hit, interval score) of a 90% interval."""
    score = float(
        interval_score(np.array([lower]), np.array([upper]), np.array([truth]), alpha=ALPHA)[0]
    )
    return lower <= truth <= upper, score


@dataclass(frozen=True)
class BinarySummary:
    """Calibration of true/false answers."""

    answered: int
    hit_rate: float | None
    mean_confidence: float | None
    brier: float | None
    log: float | None
    bins: list[dict[str, float | int | None]]

    @property
    def overconfidence_points(self) -> float | None:
        """Mean confidence minus hit rate, in points (positive: overconfident)."""
        if self.hit_rate is None or self.mean_confidence is None:
            return None
        return 100.0 * (self.mean_confidence - self.hit_rate)


def summarize_binary(confidence: ArrayLike, right: ArrayLike) -> BinarySummary:
    """Bin answers by confidence and compare with how often they were right."""
    c = np.asarray(confidence, dtype=np.float64)
    r = np.asarray(right, dtype=np.float64)
    if c.size == 0:
        return BinarySummary(0, None, None, None, None, [])
    bins = []
    for lo, hi in pairwise(BIN_EDGES):
        inside = (c >= lo) & (c < hi)
        n = int(inside.sum())
        rate = float(r[inside].mean()) if n else None
        low, high = wilson_interval(rate, n) if rate is not None else (None, None)
        bins.append(
            {
                "lower": lo,
                "upper": hi,
                "count": n,
                "hit_rate": rate,
                "mean_confidence": float(c[inside].mean()) if n else None,
                "interval_low": None if low is None else float(low),
                "interval_high": None if high is None else float(high),
            }
        )
    log = np.log(np.where(r > 0, c, 1 - c))
    return BinarySummary(
        int(c.size),
        float(r.mean()),
        float(c.mean()),
        float(((c - r) ** 2).mean()),
        float(log.mean()),
        bins,
    )


def summarize_interval(hit: ArrayLike, score: ArrayLike) -> dict[str, float | int | None]:
    """Return the hit rate and mean interval score of 90% intervals."""
    h = np.asarray(hit, dtype=np.float64)
    s = np.asarray(score, dtype=np.float64)
    if h.size == 0:
        return {"answered": 0, "hit_rate": None, "mean_interval_score": None}
    return {
        "answered": int(h.size),
        "hit_rate": float(h.mean()),
        "mean_interval_score": float(s.mean()),
    }


@dataclass(frozen=True)
class CertificateProgress:
    """What is left to earn the Certified calibrated badge, condition by condition."""

    binary_needed: int
    interval_needed: int
    gap_points: float | None
    interval_hit_rate: float | None

    @property
    def gap_ok(self) -> bool:
        """Tell whether mean confidence is within the allowed points of the hit rate."""
        gap = self.gap_points
        return gap is not None and abs(gap) <= CERTIFY_GAP_POINTS + 1e-9

    @property
    def hit_rate_ok(self) -> bool:
        """Tell whether the intervals' hit rate lies in the allowed range (ends included)."""
        hits = self.interval_hit_rate
        return hits is not None and CERTIFY_HIT_RANGE[0] <= hits <= CERTIFY_HIT_RANGE[1]

    @property
    def earned(self) -> bool:
        """Tell whether every condition holds."""
        return (
            self.binary_needed == 0
            and self.interval_needed == 0
            and self.gap_ok
            and self.hit_rate_ok
        )


def certificate_progress(
    binary: BinarySummary, interval: dict[str, float | int | None]
) -> CertificateProgress:
    """Say how far a record is from the badge: answers still needed and its calibration now."""
    hits = interval.get("hit_rate")
    return CertificateProgress(
        binary_needed=max(0, CERTIFY_BINARY - binary.answered),
        interval_needed=max(0, CERTIFY_INTERVAL - int(interval.get("answered") or 0)),
        gap_points=binary.overconfidence_points,
        interval_hit_rate=None if hits is None else float(hits),
    )


def certified(binary: BinarySummary, interval: dict[str, float | int | None]) -> bool:
    """Tell whether the record earns the Certified calibrated badge.

    At least 50 true/false answers with mean confidence within 5 points of the hit rate, and at
    least 20 intervals with a hit rate between 80% and 97% (both ends included).
    """
    return certificate_progress(binary, interval).earned


SESSION_GAP_SECONDS = 30 * 60


def sessions(
    times: ArrayLike, right: ArrayLike, confidence: ArrayLike
) -> list[dict[str, float | int | None]]:
    """Split answers (in time order) into sittings at pauses over 30 minutes, and sum each up.

    Confidence is nan for interval answers; hit rate counts every answer, calibration only
    the true/false ones.
    """
    t = np.asarray(times, dtype=np.float64)
    r = np.asarray(right, dtype=np.float64)
    c = np.asarray(confidence, dtype=np.float64)
    if t.size == 0:
        return []
    starts = np.flatnonzero(np.concatenate(([True], np.diff(t) > SESSION_GAP_SECONDS)))
    stops = np.append(starts[1:], t.size)
    result = []
    for number, (a, b) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True), start=1):
        binary = ~np.isnan(c[a:b])
        gap = None
        if binary.any():
            gap = 100.0 * float(c[a:b][binary].mean() - r[a:b][binary].mean())
        result.append(
            {
                "session": number,
                "started": float(t[a]),
                "answered": b - a,
                "hit_rate": float(r[a:b].mean()),
                "overconfidence_points": gap,
            }
        )
    return result
