"""Baseline, Peer, Brier and log scores, interval scores and CRPS, as vectorised numpy.

All definitions follow ``SCORING.md``; this package and ``forecast.core.leaderboard`` are the
only places the formulas live. ``engine`` scores many questions of every kind at once,
``multiple_choice`` holds what is particular to multiple-choice questions, ``continuous`` the
interval scores and CRPS. Everything (the leaderboard, calibration and Murphy functions too) is
re-exported here so that ``forecast.core.scoring`` is the single import path.
"""

from __future__ import annotations

from forecast.core.leaderboard import (
    CALIBRATION_EDGES,
    CalibrationBins,
    GlobalLeaderboard,
    MurphyDecomposition,
    TournamentLeaderboard,
    calibration_bins,
    global_leaderboard,
    murphy_decomposition,
    tournament_leaderboard,
    wilson_interval,
)
from forecast.core.scoring.continuous import crps_internal, interval_hit, interval_score
from forecast.core.scoring.engine import (
    N_BUCKETS,
    N_GRID,
    TAIL_BETA,
    ForecastArrays,
    QuestionArrays,
    ScoreTable,
    _event_order,
    baseline_points,
    binary_outcome_probability,
    continuous_outcome_probability,
    resolution_bucket,
    score,
)
from forecast.core.scoring.multiple_choice import (
    choice_baseline,
    choice_brier,
    choice_outcome_probability,
)

__all__ = [
    "CALIBRATION_EDGES",
    "N_BUCKETS",
    "N_GRID",
    "TAIL_BETA",
    "CalibrationBins",
    "ForecastArrays",
    "GlobalLeaderboard",
    "MurphyDecomposition",
    "QuestionArrays",
    "ScoreTable",
    "TournamentLeaderboard",
    "_event_order",
    "baseline_points",
    "binary_outcome_probability",
    "calibration_bins",
    "choice_baseline",
    "choice_brier",
    "choice_outcome_probability",
    "continuous_outcome_probability",
    "crps_internal",
    "global_leaderboard",
    "interval_hit",
    "interval_score",
    "murphy_decomposition",
    "resolution_bucket",
    "score",
    "tournament_leaderboard",
    "wilson_interval",
]
