"""A plain per-forecast, per-interval implementation of SCORING.md, for tests and benchmarks.

Written straight from the definitions with Python loops and the ``math`` module, independently
of the vectorised ``forecast.core.scoring``: it walks every question's change points and, on every
interval between them, every active forecast. It is the test oracle and the "straightforward
per-forecast Python loop" baseline of the scoring benchmark; never use it on a hot path.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from forecast.core.leaderboard import (
    CalibrationBins,
    GlobalLeaderboard,
    MurphyDecomposition,
    TournamentLeaderboard,
)
from forecast.core.scoring import ForecastArrays, QuestionArrays, ScoreTable


def binary_outcome_probability(p_yes: Sequence[float], outcome_yes: Sequence[bool]) -> list[float]:
    """Return p for a yes and 1 - p for a no, one forecast at a time."""
    return [float(p) if yes else 1.0 - float(p) for p, yes in zip(p_yes, outcome_yes, strict=True)]


def continuous_outcome_probability(
    cdfs: Sequence[Sequence[float]], bucket: Sequence[int]
) -> list[float]:
    """Build each 202-bucket PMF and return its mass in the resolution bucket."""
    out = []
    for cdf, b in zip(cdfs, bucket, strict=True):
        pmf = [float(cdf[0])]
        for k in range(1, 201):
            pmf.append(float(cdf[k]) - float(cdf[k - 1]))
        pmf.append(1.0 - float(cdf[200]))
        out.append(pmf[int(b)])
    return out


def resolution_bucket(u: float) -> int:
    """Return the resolution bucket of one position on the internal axis."""
    if u < 0:
        return 0
    if u > 1:
        return 201
    return max(int(u * 200 + 1 - 1e-10), 1)


def choice_outcome(
    probabilities: Sequence[Sequence[float]], outcome: int
) -> tuple[list[float], list[float]]:
    """Return, per multiple-choice forecast, the probability of the option that happened and
    the multi-category Brier sum over options of (p_k - o_k)^2."""
    p_outcome, brier = [], []
    for row in probabilities:
        p_outcome.append(float(row[outcome]))
        total = 0.0
        for k, p in enumerate(row):
            o = 1.0 if k == outcome else 0.0
            total += (float(p) - o) ** 2
        brier.append(total)
    return p_outcome, brier


def _baseline(p: float, continuous: bool, bucket: int, open_bounds: int, options: int = 0) -> float:
    """Return the Baseline score of one probability for what happened."""
    if options:
        return 100.0 * math.log(options * p) / math.log(options)
    if not continuous:
        return 100.0 * math.log2(2.0 * p)
    beta = 0.05 if bucket in (0, 201) else (1.0 - 0.05 * open_bounds) / 200.0
    return 100.0 * math.log(p / beta) / 2.0


def score(questions: QuestionArrays, forecasts: ForecastArrays) -> ScoreTable:
    """Score every (question, user) with loops over questions, intervals and forecasts."""
    by_question: dict[int, list[int]] = {}
    for i in range(len(forecasts.question)):
        by_question.setdefault(int(forecasts.question[i]), []).append(i)

    rows: dict[tuple[int, int], dict[str, float]] = {}
    for q in sorted(by_question):
        open_time = float(questions.open_time[q])
        scheduled = float(questions.scheduled_close[q])
        close = min(float(questions.actual_close[q]), scheduled)
        length = scheduled - open_time
        continuous = bool(questions.continuous[q])
        bucket = int(questions.outcome_bucket[q])
        open_bounds = int(questions.open_bounds[q])
        options = 0 if questions.options is None else int(questions.options[q])

        active = []
        for i in by_question[q]:
            s = max(float(forecasts.start[i]), open_time)
            e = min(float(forecasts.end[i]), close)
            if e > s:
                active.append((i, s, e))

        for i, s, e in active:
            user = int(forecasts.user[i])
            row = rows.setdefault(
                (q, user), {"baseline": 0.0, "peer": 0.0, "coverage": 0.0, "brier": 0.0, "log": 0.0}
            )
            p = float(forecasts.p_outcome[i])
            weight = (e - s) / length
            row["coverage"] += weight
            row["baseline"] += _baseline(p, continuous, bucket, open_bounds, options) * weight
            if options:
                assert forecasts.brier is not None
                row["brier"] += float(forecasts.brier[i]) * weight
                row["log"] += math.log(p) * weight
            elif not continuous:
                p_yes = float(forecasts.p_yes[i])
                outcome = 1.0 if abs(p - p_yes) <= abs(p - (1.0 - p_yes)) else 0.0
                row["brier"] += (p_yes - outcome) ** 2 * weight
                row["log"] += math.log(p) * weight

        change_points = sorted({t for _, s, e in active for t in (s, e)})
        for t0, t1 in itertools.pairwise(change_points):
            here = [i for i, s, e in active if s <= t0 and e >= t1]
            n = len(here)
            if n < 2:
                continue
            mean_log = sum(math.log(float(forecasts.p_outcome[i])) for i in here) / n
            geometric_mean = math.exp(mean_log)
            for i in here:
                p = float(forecasts.p_outcome[i])
                value = 100.0 * n / (n - 1) * math.log(p / geometric_mean)
                if continuous:
                    value /= 2.0
                rows[(q, int(forecasts.user[i]))]["peer"] += value * (t1 - t0) / length

    keys = sorted(rows)
    nan = float("nan")
    brier, log = [], []
    for q, u in keys:
        row = rows[(q, u)]
        binary = not bool(questions.continuous[q])
        brier.append(row["brier"] / row["coverage"] if binary else nan)
        log.append(row["log"] / row["coverage"] if binary else nan)
    return ScoreTable(
        question=np.array([k[0] for k in keys], dtype=np.int64),
        user=np.array([k[1] for k in keys], dtype=np.int64),
        baseline=np.array([rows[k]["baseline"] for k in keys], dtype=np.float64),
        peer=np.array([rows[k]["peer"] for k in keys], dtype=np.float64),
        coverage=np.array([rows[k]["coverage"] for k in keys], dtype=np.float64),
        brier=np.array(brier, dtype=np.float64),
        log=np.array(log, dtype=np.float64),
    )


def _ranks(values: list[float]) -> list[int]:
    """Return competition ranks by counting strictly better values."""
    return [1 + sum(1 for other in values if other > v) for v in values]


def tournament_leaderboard(
    user: Sequence[int],
    score: Sequence[float],
    coverage: Sequence[float],
    weight: Sequence[float] | None = None,
) -> TournamentLeaderboard:
    """Sum, rank, share and award medals one user at a time."""
    totals: dict[int, list[float]] = {}
    for k in range(len(user)):
        w = 1.0 if weight is None else float(weight[k])
        entry = totals.setdefault(int(user[k]), [0.0, 0.0])
        entry[0] += float(score[k]) * w
        entry[1] += float(coverage[k]) * w
    users = sorted(totals)
    scores = [0.0 if abs(totals[u][0]) < 1e-9 else totals[u][0] for u in users]
    ranks = _ranks(scores)
    takes = [max(s, 0.0) ** 2 for s in scores]
    pool = sum(takes)
    n = len(users)
    medals = []
    for s, r in zip(scores, ranks, strict=True):
        medal = ""
        if s > 0:
            if r <= max(math.ceil(n * 5 / 100), 3):
                medal = "bronze"
            if r <= max(math.ceil(n * 2 / 100), 2):
                medal = "silver"
            if r <= max(math.ceil(n * 1 / 100), 1):
                medal = "gold"
        medals.append(medal)
    order = sorted(range(n), key=lambda k: (ranks[k], users[k]))
    return TournamentLeaderboard(
        user=np.array([users[k] for k in order], dtype=np.int64),
        score=np.array([scores[k] for k in order], dtype=np.float64),
        coverage=np.array([totals[users[k]][1] for k in order], dtype=np.float64),
        rank=np.array([ranks[k] for k in order], dtype=np.int64),
        take=np.array([takes[k] for k in order], dtype=np.float64),
        share=np.array([takes[k] / pool if pool > 0 else 0.0 for k in order], dtype=np.float64),
        medal=np.array([medals[k] for k in order], dtype="<U6"),
    )


def global_leaderboard(
    user: Sequence[int], peer: Sequence[float], coverage: Sequence[float]
) -> GlobalLeaderboard:
    """Divide each user's summed Peer by max(30, summed coverage) and rank."""
    totals: dict[int, list[float]] = {}
    for k in range(len(user)):
        entry = totals.setdefault(int(user[k]), [0.0, 0.0])
        entry[0] += float(peer[k])
        entry[1] += float(coverage[k])
    users = sorted(totals)
    values = [totals[u][0] / max(30.0, totals[u][1]) for u in users]
    ranks = _ranks(values)
    order = sorted(range(len(users)), key=lambda k: (ranks[k], users[k]))
    return GlobalLeaderboard(
        user=np.array([users[k] for k in order], dtype=np.int64),
        peer=np.array([totals[users[k]][0] for k in order], dtype=np.float64),
        coverage=np.array([totals[users[k]][1] for k in order], dtype=np.float64),
        score=np.array([values[k] for k in order], dtype=np.float64),
        rank=np.array([ranks[k] for k in order], dtype=np.int64),
    )


def calibration_edges() -> list[float]:
    """Return the 22 edges of the 21 calibration bins."""
    edges = [0.0, 0.125 / 3, 0.25 / 3]
    edges += [0.125 + 0.05 * k for k in range(16)]
    edges += [0.875 + 0.125 / 3, 0.875 + 0.25 / 3, 1.0]
    return edges


def _bin_of(p: float, edges: list[float]) -> int:
    """Return the bin holding p, the last bin closed at 1."""
    for k in range(len(edges) - 1):
        if edges[k] <= p < edges[k + 1]:
            return k
    return len(edges) - 2


def wilson(proportion: float, n: int, z: float = 1.6448536269514722) -> tuple[float, float]:
    """Return the Wilson score interval of one proportion."""
    if n == 0:
        return float("nan"), float("nan")
    denominator = 1 + z * z / n
    centre = (proportion + z * z / (2 * n)) / denominator
    half = z * math.sqrt(proportion * (1 - proportion) / n + z * z / (4 * n * n)) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


def calibration_bins(
    p_yes: Sequence[float], outcome: Sequence[float], weight: Sequence[float]
) -> CalibrationBins:
    """Fill the 21 bins one forecast at a time."""
    edges = calibration_edges()
    nb = len(edges) - 1
    count, total, sum_p, sum_o = [0] * nb, [0.0] * nb, [0.0] * nb, [0.0] * nb
    for p, o, w in zip(p_yes, outcome, weight, strict=True):
        if w <= 0:
            continue
        k = _bin_of(float(p), edges)
        count[k] += 1
        total[k] += float(w)
        sum_p[k] += float(w) * float(p)
        sum_o[k] += float(w) * float(o)
    nan = float("nan")
    mean_p = [sum_p[k] / total[k] if count[k] else nan for k in range(nb)]
    mean_o = [sum_o[k] / total[k] if count[k] else nan for k in range(nb)]
    intervals = [wilson(mean_o[k], count[k]) for k in range(nb)]
    return CalibrationBins(
        lower=np.array(edges[:-1]),
        upper=np.array(edges[1:]),
        count=np.array(count, dtype=np.int64),
        weight=np.array(total),
        mean_forecast=np.array(mean_p),
        mean_outcome=np.array(mean_o),
        interval_low=np.array([i[0] for i in intervals]),
        interval_high=np.array([i[1] for i in intervals]),
    )


def murphy_decomposition(
    p_yes: Sequence[float], outcome: Sequence[float], weight: Sequence[float]
) -> MurphyDecomposition:
    """Compute reliability, resolution and uncertainty over the 21 bins with loops."""
    edges = calibration_edges()
    bins: dict[int, list[float]] = {}
    total = brier = outcome_sum = 0.0
    for p, o, w in zip(p_yes, outcome, weight, strict=True):
        if w <= 0:
            continue
        entry = bins.setdefault(_bin_of(float(p), edges), [0.0, 0.0, 0.0])
        entry[0] += w
        entry[1] += w * p
        entry[2] += w * o
        total += w
        brier += w * (p - o) ** 2
        outcome_sum += w * o
    if total == 0:
        nan = float("nan")
        return MurphyDecomposition(nan, nan, nan, nan)
    base = outcome_sum / total
    reliability = resolution = 0.0
    for w_k, wp, wo in bins.values():
        reliability += w_k * (wp / w_k - wo / w_k) ** 2
        resolution += w_k * (wo / w_k - base) ** 2
    return MurphyDecomposition(
        reliability / total, resolution / total, base * (1 - base), brier / total
    )


def interval_score(lower: float, upper: float, x: float, alpha: float = 0.1) -> float:
    """Return the interval score of one interval."""
    value = upper - lower
    if x < lower:
        value += 2 / alpha * (lower - x)
    if x > upper:
        value += 2 / alpha * (x - upper)
    return value


def crps_internal(cdf: Sequence[float], u: float) -> float:
    """Integrate (F - step at u)^2 piece by piece with Simpson's rule, exact for these pieces."""
    y = min(max(u, 0.0), 1.0)
    points = sorted({k / 200 for k in range(201)} | {y})

    def f(x: float) -> float:
        k = min(int(x * 200), 199)
        left = k / 200
        return float(cdf[k]) + (float(cdf[k + 1]) - float(cdf[k])) * (x - left) * 200

    total = 0.0
    for a, b in itertools.pairwise(points):
        mid = (a + b) / 2
        step = 1.0 if mid >= y else 0.0
        # The step is constant on each piece and F is linear there, so Simpson is exact.
        total += (b - a) / 6 * ((f(a) - step) ** 2 + 4 * (f(mid) - step) ** 2 + (f(b) - step) ** 2)
    return total + abs(u - y)
