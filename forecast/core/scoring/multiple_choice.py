"""Multiple-choice scoring inputs: the probability of the option that happened, the
multi-category Brier, and the Baseline ``100 ln(K p) / ln K`` (SCORING.md, "Scores").

Forecasts of one question are a (F, K) array of option probabilities; the outcome is the
index of the option that happened. With K = 2 the Baseline is the binary ``100 log2(2p)`` and
the Brier is twice the binary ``(p_yes - o)^2`` (both options' errors are counted).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def _matrix(probabilities: ArrayLike, outcome: int) -> FloatArray:
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError("expected option probabilities of shape (F, K) with K >= 2")
    if not 0 <= outcome < p.shape[1]:
        raise ValueError(f"the outcome must be an option index in 0..{p.shape[1] - 1}")
    return p


def choice_outcome_probability(probabilities: ArrayLike, outcome: int) -> FloatArray:
    """Return the probability each forecast gave to the option that happened."""
    return np.asarray(_matrix(probabilities, outcome)[:, outcome], dtype=np.float64)


def choice_brier(probabilities: ArrayLike, outcome: int) -> FloatArray:
    """Return each forecast's multi-category Brier ``sum_k (p_k - o_k)^2`` (0 to 2)."""
    p = _matrix(probabilities, outcome)
    hit = np.zeros(p.shape[1])
    hit[outcome] = 1.0
    return np.asarray(((p - hit) ** 2).sum(axis=1), dtype=np.float64)


def choice_baseline(p_outcome: ArrayLike, options: ArrayLike) -> FloatArray:
    """Return the instantaneous Baseline ``100 ln(K p) / ln K`` of each probability."""
    p = np.asarray(p_outcome, dtype=np.float64)
    k = np.asarray(options, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(100.0 * np.log(k * p) / np.log(k), dtype=np.float64)
