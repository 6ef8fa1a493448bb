"""Leaderboard and track-record maths: ranks, prize shares, medals, calibration, Murphy.

Pure numpy over per-(question, user) score rows or per-forecast rows, following
``SCORING.md``. Per-user sums use one ``np.unique`` and ``np.bincount``; bins use
``np.searchsorted``; nothing loops over rows.

Choices where ``SCORING.md`` is silent:

- Ranks are competition ranks ("1, 2, 2, 4"): one plus the number of users with a strictly
  higher score; exact float ties share a rank. Entries are ordered by rank, then user.
- Question weights multiply both the score and the coverage of a row.
- Medals follow Metaculus: with ``n`` ranked users on the leaderboard, gold goes to ranks up to
  ``max(ceil(n / 100), 1)``, silver up to ``max(ceil(2n / 100), 2)`` and bronze up to
  ``max(ceil(5n / 100), 3)``, so a board of 50 has one of each; only users with a positive
  take (a score above zero) get one, and tied users share a medal.
- A summed score within ``SCORE_NOISE`` of zero is zero: Peer scores cancel across users, and
  the floating-point residue of a cancelling sum must not win a medal or the whole prize.
- Calibration bins are half-open ``[lower, upper)``, the last one closed at 1. Rows with
  zero weight are ignored. The 90% interval is the Wilson score interval for the bin's
  time-weighted mean outcome with the bin's row count as ``n`` and ``z = Phi^-1(0.95)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

GLOBAL_COVERAGE_FLOOR = 30.0
# (medal, percent of ranked users, lowest rank it reaches on any board)
MEDAL_TIERS = (("gold", 1, 1), ("silver", 2, 2), ("bronze", 5, 3))
SCORE_NOISE = 1e-9
WILSON_Z_90 = NormalDist().inv_cdf(0.95)

_TAIL = np.array([0.0, 1.0, 2.0]) / 24.0
# Three bins of width 0.125/3 at each tail, 0.05 in between: 21 bins, 22 edges.
CALIBRATION_EDGES: FloatArray = np.concatenate(
    (_TAIL, (2.5 + np.arange(16.0)) / 20.0, 1.0 - _TAIL[::-1][:-1], [1.0])
)


@dataclass(frozen=True)
class TournamentLeaderboard:
    """Per-user tournament totals ordered by rank (ties by user)."""

    user: IntArray
    score: FloatArray
    coverage: FloatArray
    rank: IntArray
    take: FloatArray
    share: FloatArray
    medal: NDArray[np.str_]


@dataclass(frozen=True)
class GlobalLeaderboard:
    """Per-user global totals ordered by rank (ties by user)."""

    user: IntArray
    peer: FloatArray
    coverage: FloatArray
    score: FloatArray
    rank: IntArray


@dataclass(frozen=True)
class CalibrationBins:
    """Per-bin counts, time-weighted means and a 90% interval for the mean outcome."""

    lower: FloatArray
    upper: FloatArray
    count: IntArray
    weight: FloatArray
    mean_forecast: FloatArray
    mean_outcome: FloatArray
    interval_low: FloatArray
    interval_high: FloatArray


@dataclass(frozen=True)
class MurphyDecomposition:
    """Brier = reliability - resolution + uncertainty (exact when bins hold equal forecasts)."""

    reliability: float
    resolution: float
    uncertainty: float
    brier: float


def competition_rank(values: ArrayLike) -> IntArray:
    """Return 1 + the number of strictly larger values for each value ("1, 2, 2, 4")."""
    v = np.asarray(values, dtype=np.float64)
    descending = np.sort(-v)
    return (np.searchsorted(descending, -v, side="left") + 1).astype(np.int64)


def _per_user(user: ArrayLike, *columns: FloatArray) -> tuple[IntArray, list[FloatArray]]:
    """Return the distinct users and each column summed per user."""
    users, inverse = np.unique(np.asarray(user, dtype=np.int64), return_inverse=True)
    sums = [np.bincount(inverse, c, users.size).astype(np.float64) for c in columns]
    return users.astype(np.int64), sums


def tournament_leaderboard(
    user: ArrayLike,
    score: ArrayLike,
    coverage: ArrayLike,
    weight: ArrayLike | None = None,
) -> TournamentLeaderboard:
    """Sum weighted question scores per user, then rank, split the prize and award medals."""
    s = np.asarray(score, dtype=np.float64)
    w = np.ones_like(s) if weight is None else np.asarray(weight, dtype=np.float64)
    users, (summed, cov) = _per_user(user, s * w, np.asarray(coverage, np.float64) * w)
    total = np.where(np.abs(summed) < SCORE_NOISE, 0.0, summed)
    rank = competition_rank(total)
    take = np.maximum(total, 0.0) ** 2
    pool = take.sum()
    share = take / pool if pool > 0 else np.zeros_like(take)
    medal = medals(rank, total > 0)
    order = np.lexsort((users, rank))
    return TournamentLeaderboard(
        user=users[order],
        score=total[order],
        coverage=cov[order],
        rank=rank[order],
        take=take[order],
        share=share[order],
        medal=medal[order],
    )


def medal_cutoffs(ranked: int) -> list[tuple[str, int]]:
    """Return each medal with the last rank it reaches on a board of `ranked` users."""
    return [(name, max(-(-ranked * percent // 100), floor)) for name, percent, floor in MEDAL_TIERS]


def medals(rank: IntArray, positive: NDArray[np.bool_]) -> NDArray[np.str_]:
    """Award each ranked user the best medal their rank reaches, if their take is positive."""
    medal = np.full(rank.size, "", dtype="<U6")
    for name, cutoff in medal_cutoffs(rank.size)[::-1]:
        medal[(rank <= cutoff) & positive] = name
    return medal


def global_leaderboard(user: ArrayLike, peer: ArrayLike, coverage: ArrayLike) -> GlobalLeaderboard:
    """Rank users by summed Peer divided by max(30, summed coverage)."""
    users, (total, cov) = _per_user(
        user, np.asarray(peer, dtype=np.float64), np.asarray(coverage, dtype=np.float64)
    )
    value = total / np.maximum(GLOBAL_COVERAGE_FLOOR, cov)
    rank = competition_rank(value)
    order = np.lexsort((users, rank))
    return GlobalLeaderboard(
        user=users[order],
        peer=total[order],
        coverage=cov[order],
        score=value[order],
        rank=rank[order],
    )


def wilson_interval(
    proportion: ArrayLike, n: ArrayLike, z: float = WILSON_Z_90
) -> tuple[FloatArray, FloatArray]:
    """Return the Wilson score interval (low, high) for proportions from n trials; nan if n = 0."""
    ph = np.asarray(proportion, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2n = z * z / nn
        centre = (ph + z2n / 2.0) / (1.0 + z2n)
        half = z / (1.0 + z2n) * np.sqrt(ph * (1.0 - ph) / nn + z2n / (4.0 * nn))
        low = np.where(nn > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(nn > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def _bin_index(p: FloatArray, edges: FloatArray) -> IntArray:
    """Return the half-open bin of each probability, the last bin closed at its upper edge."""
    idx = np.searchsorted(edges, p, side="right") - 1
    return np.clip(idx, 0, edges.size - 2).astype(np.int64)


def _binned(
    p_yes: ArrayLike, outcome: ArrayLike, weight: ArrayLike, edges: ArrayLike
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Return (edges, bin of each forecast, p, outcome, weight) of the forecasts that carry
    weight: what calibration bins and the Murphy decomposition both start from."""
    edge = np.asarray(edges, dtype=np.float64)
    p = np.asarray(p_yes, dtype=np.float64)
    o = np.asarray(outcome, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    keep = w > 0
    p, o, w = p[keep], o[keep], w[keep]
    return edge, _bin_index(p, edge), p, o, w


def calibration_bins(
    p_yes: ArrayLike,
    outcome: ArrayLike,
    weight: ArrayLike,
    edges: ArrayLike = CALIBRATION_EDGES,
) -> CalibrationBins:
    """Bin forecasts by probability: count, weight, mean forecast, mean outcome, 90% interval."""
    edge, idx, p, o, w = _binned(p_yes, outcome, weight, edges)
    nbins = edge.size - 1
    count = np.bincount(idx, minlength=nbins).astype(np.int64)
    total = np.bincount(idx, weights=w, minlength=nbins).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_p = np.where(
            count > 0, np.bincount(idx, weights=w * p, minlength=nbins) / total, np.nan
        )
        mean_o = np.where(
            count > 0, np.bincount(idx, weights=w * o, minlength=nbins) / total, np.nan
        )
    low, high = wilson_interval(mean_o, count)
    return CalibrationBins(
        lower=edge[:-1].copy(),
        upper=edge[1:].copy(),
        count=count,
        weight=total,
        mean_forecast=mean_p,
        mean_outcome=mean_o,
        interval_low=low,
        interval_high=high,
    )


def murphy_decomposition(
    p_yes: ArrayLike,
    outcome: ArrayLike,
    weight: ArrayLike,
    bins: ArrayLike = CALIBRATION_EDGES,
) -> MurphyDecomposition:
    """Split the weighted Brier score into reliability, resolution and uncertainty by bins."""
    edge, idx, p, o, w = _binned(p_yes, outcome, weight, bins)
    total = w.sum()
    if total <= 0:
        return MurphyDecomposition(np.nan, np.nan, np.nan, np.nan)
    nbins = edge.size - 1
    w_bin = np.bincount(idx, weights=w, minlength=nbins)
    used = w_bin > 0
    w_bin = w_bin[used]
    f_bin = np.bincount(idx, weights=w * p, minlength=nbins)[used] / w_bin
    o_bin = np.bincount(idx, weights=w * o, minlength=nbins)[used] / w_bin
    base_rate = float((w * o).sum() / total)
    return MurphyDecomposition(
        reliability=float((w_bin * (f_bin - o_bin) ** 2).sum() / total),
        resolution=float((w_bin * (o_bin - base_rate) ** 2).sum() / total),
        uncertainty=base_rate * (1.0 - base_rate),
        brier=float((w * (p - o) ** 2).sum() / total),
    )
