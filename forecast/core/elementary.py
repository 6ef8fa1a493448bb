"""Elementary (cost-loss) scores, relative economic value and Murphy diagrams. Pure numpy.

Every consistent scoring rule for a probability is a mixture of elementary scores (Ehm,
Gneiting, Jordan and Krüger 2016, "Of quantiles and expectiles", JRSS B 78(3)); for a binary
outcome y in {0, 1}, a forecast p and a threshold theta in (0, 1) the elementary score is

    S_theta(p, y) = |1{y < theta} - 1{p < theta}| * |y - theta|
                  = theta       if p >= theta and y = 0   (acted, not needed: a false alarm)
                    1 - theta   if p <  theta and y = 1   (did not act, needed: a miss)
                    0           otherwise.

It is the regret of a decision maker with cost-loss ratio theta (cost C = theta, loss L = 1)
who acts when p >= theta, over one who knew the outcome: so it scores a forecaster by how well
their forecasts would have served *this* decision. Smaller is better. A "<=" boundary at t is
the same decision on the complementary event at 1 - t, and S_{1-t}(1 - p, 1 - y) equals
S_t(p, y) except for a forecast exactly at t, so one threshold serves both.

Relative economic value (Richardson 2000) compares the mean score S with the better of the two
fixed policies on the same outcomes: never acting scores (1 - theta) * o_bar and always acting
theta * (1 - o_bar), where o_bar is the outcomes' mean; V = (S_ref - S) / S_ref with S_ref their
minimum (1: perfect, 0: no better than the better fixed policy; None when S_ref is 0).

A Murphy diagram is the mean elementary score as a function of theta.

A forecaster's score on one question is the time-weighted mean of S_theta over their forecasts
(weights: how long each stood inside the question's window, normalised by their coverage, as
Brier is in SCORING.md); across questions every question counts once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
MURPHY_THETAS = np.linspace(0.01, 0.99, 99)
BOOTSTRAP_SEED = 20160401
INTERVAL = 0.9


def elementary_score(p: npt.ArrayLike, y: npt.ArrayLike, theta: npt.ArrayLike) -> Floats:
    """Return S_theta(p, y), broadcast over p, y and theta."""
    pa = np.asarray(p, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    t = np.asarray(theta, dtype=np.float64)
    acted = pa >= t
    return np.where(acted, t * (1.0 - ya), (1.0 - t) * ya)


def reference_scores(base_rate: float, theta: npt.ArrayLike) -> tuple[Floats, Floats]:
    """Return the mean scores of never acting and of always acting at theta."""
    t = np.asarray(theta, dtype=np.float64)
    return (1.0 - t) * base_rate, t * (1.0 - base_rate)


def relative_value(score: float, base_rate: float, theta: float) -> float | None:
    """Return the relative economic value of a mean score against never and always acting."""
    never, always = reference_scores(base_rate, theta)
    ref = float(min(never, always))
    return None if ref <= 0 else (ref - score) / ref


def question_scores(
    pair: Ints, p: Floats, y: Floats, weight: Floats, theta: npt.ArrayLike, pairs: int
) -> Floats:
    """Return the time-weighted mean score of each (question, user) pair.

    pair: each forecast's pair index in [0, pairs); weight: its time inside the window.
    With theta of shape (T,) the result is (T, pairs); a pair without weight is NaN.
    """
    t = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    s = elementary_score(p[None, :], y[None, :], t[:, None])  # (T, N)
    total = np.bincount(pair, weights=weight, minlength=pairs)
    out = np.full((len(t), pairs), np.nan)
    live = total > 0
    for k in range(len(t)):
        sums = np.bincount(pair, weights=s[k] * weight, minlength=pairs)
        out[k, live] = sums[live] / total[live]
    return out if np.ndim(theta) else out[0]


@dataclass(frozen=True)
class Skill:
    """One forecaster's record at a threshold."""

    user: int
    questions: int
    score: float  # mean elementary score, smaller is better
    low: float  # 90% bootstrap interval of the mean, over questions
    high: float
    base_rate: float
    value: float | None  # relative economic value


def _interval(scores: Floats, rng: np.random.Generator, resamples: int) -> tuple[float, float]:
    n = len(scores)
    if n < 2:
        return float(scores.mean()), float(scores.mean())
    draws = rng.integers(0, n, size=(resamples, n))
    means = scores[draws].mean(axis=1)
    tail = (1 - INTERVAL) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))


def skills(
    user: Ints,
    score: Floats,
    outcome: Floats,
    theta: float,
    *,
    min_questions: int = 1,
    resamples: int = 1000,
) -> list[Skill]:
    """Return each user's record from per-(question, user) scores, best first.

    user, score, outcome: one entry per (question, user) pair with a score.
    """
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    found = []
    for u in np.unique(user).tolist():
        mine = user == u
        n = int(mine.sum())
        if n < min_questions:
            continue
        s, o = score[mine], outcome[mine]
        mean, base = float(s.mean()), float(o.mean())
        low, high = _interval(s, rng, resamples)
        found.append(Skill(int(u), n, mean, low, high, base, relative_value(mean, base, theta)))
    found.sort(key=lambda k: (k.score, -k.questions, k.user))
    return found


def skill_weights(found: list[Skill]) -> dict[int, float]:
    """Return aggregation weights: each user's positive relative value (0 at or below 0)."""
    return {k.user: max(k.value or 0.0, 0.0) for k in found}


def weighted_probability(p: Floats, weight: Floats) -> float | None:
    """Return the weighted mean of p, None when no weight is positive."""
    total = float(weight.sum())
    return None if total <= 0 else float((p * weight).sum() / total)


def weighted_interval(
    p: Floats, weight: Floats, resamples: int = 1000
) -> tuple[float, float] | None:
    """Return a 90% bootstrap interval of the weighted mean over forecasters."""
    n = len(p)
    if n == 0 or weight.sum() <= 0:
        return None
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.integers(0, n, size=(resamples, n))
    w = weight[draws]
    total = w.sum(axis=1)
    ok = total > 0
    means = (p[draws] * w).sum(axis=1)[ok] / total[ok]
    tail = (1 - INTERVAL) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))
