"""Track-record reputations (SCORING.md, `track_record`), one per forecast, from score rows.

rep = max(sum Peer / (30 + sum coverage), 1e-6) over the questions the forecast's user was
scored on that resolved strictly before the forecast started. Pure numpy: a user's scores are
summed one by one in (resolution time, question id) order, exactly as a plain loop sums them,
and never as a difference of running totals across users (which would cancel digits).

`Reputations` keeps a question's reputations keyed by (start, user), which identifies a forecast
(the database holds one forecast per question, user and start), so that a cached aggregate can
tell which forecasts' reputations a new resolution has changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.instant import REPUTATION_FLOOR

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
COVERAGE_PRIOR = 30.0


def group_prefix_sums(group: Ints, values: Floats) -> Floats:
    """Return per row the sum of values over the rows before it in its group (0 for the first).

    Rows come sorted by group. Each group is summed sequentially in row order: groups of similar
    sizes are padded into one matrix and summed along its rows, so a group's sums are exactly
    those of a loop over the group.
    """
    n = len(group)
    out = np.zeros(n)
    if n == 0:
        return out
    first = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    size = np.diff(np.append(first, n))
    of_row = np.repeat(np.arange(len(first)), size)
    rank = np.arange(n) - first[of_row]
    width_class = np.ceil(np.log2(size)).astype(np.int64)  # pads a group to under twice its size
    for c in np.unique(width_class).tolist():
        members = np.flatnonzero(width_class == c)
        rows = np.flatnonzero(width_class[of_row] == c)
        local = np.searchsorted(members, of_row[rows])
        padded = np.zeros((len(members), 1 << c))
        padded[local, rank[rows]] = values[rows]
        before = np.zeros_like(padded)
        before[:, 1:] = np.cumsum(padded, axis=1)[:, :-1]
        out[rows] = before[local, rank[rows]]
    return out


def reputations(
    forecast_user: Ints,
    forecast_start: Floats,
    score_user: Ints,
    score_question: Ints,
    score_time: Floats,
    score_peer: Floats,
    score_coverage: Floats,
) -> Floats:
    """Return each forecast's reputation from its user's scores resolved before it started."""
    n = len(forecast_user)
    if n == 0 or len(score_user) == 0:
        return np.full(n, REPUTATION_FLOOR)
    order = np.lexsort((score_question, score_time, score_user))
    s_user, s_time = score_user[order], score_time[order]
    peer_before = group_prefix_sums(s_user, score_peer[order])
    coverage_before = group_prefix_sums(s_user, score_coverage[order])
    # Each user's totals sit one row past their last score: a sentinel at time +inf.
    last = np.flatnonzero(np.append(s_user[1:] != s_user[:-1], True))
    at = last + 1
    totals_peer = peer_before[last] + score_peer[order[last]]
    totals_coverage = coverage_before[last] + score_coverage[order[last]]
    s_user = np.insert(s_user, at, s_user[last])
    s_time = np.insert(s_time, at, np.inf)
    peer_before = np.insert(peer_before, at, totals_peer)
    coverage_before = np.insert(coverage_before, at, totals_coverage)
    # A forecast counts the scores of its user before it in (user, time) order; at an equal
    # time the forecast sorts first (a question resolving as it starts is not earlier).
    m = len(s_user)
    users = np.concatenate([s_user, forecast_user])
    times = np.concatenate([s_time, forecast_start])
    kind = np.concatenate([np.ones(m, dtype=np.int64), np.zeros(n, dtype=np.int64)])
    merged = np.lexsort((kind, times, users))
    is_score = kind[merged] == 1
    scores_before = np.cumsum(is_score) - is_score
    where = np.empty(n, dtype=np.int64)
    where[merged[~is_score] - m] = scores_before[~is_score]
    # A user without scores lands on the next user's first row (or past the end): none count.
    inside = where < m
    same = np.zeros(n, dtype=bool)
    same[inside] = s_user[where[inside]] == forecast_user[inside]
    row = np.minimum(where, m - 1)
    peer = np.where(same, peer_before[row], 0.0)
    coverage = np.where(same, coverage_before[row], 0.0)
    return np.maximum(peer / (COVERAGE_PRIOR + coverage), REPUTATION_FLOOR)


@dataclass(frozen=True)
class Reputations:
    """A question's forecasts' reputations, sorted by (start, user)."""

    start: Floats
    user: Ints
    rep: Floats

    @classmethod
    def of_forecasts(cls, start: Floats, user: Ints, rep: Floats) -> Reputations:
        """Key reputations given in any order by their forecasts' (start, user)."""
        order = np.lexsort((user, start))
        return cls(
            np.asarray(start[order], dtype=np.float64),
            np.asarray(user[order], dtype=np.int64),
            np.asarray(rep[order], dtype=np.float64),
        )

    def find(self, start: Floats, user: Ints) -> tuple[Ints, NDArray[np.bool_]]:
        """Return each (start, user)'s row here and whether it is here at all."""
        times = np.unique(np.concatenate([self.start, start]))
        span = int(max(self.user.max(initial=0), user.max(initial=0))) + 1
        mine = np.searchsorted(times, self.start) * span + self.user
        theirs = np.searchsorted(times, start) * span + user
        row = np.searchsorted(mine, theirs)
        found = row < len(mine)
        found[found] = mine[row[found]] == theirs[found]
        return row, found

    def lookup(self, start: Floats, user: Ints) -> Floats:
        """Return the reputations of the given forecasts; KeyError if one is not here."""
        row, found = self.find(start, user)
        if not found.all():
            raise KeyError("a forecast without a reputation")
        return self.rep[row]

    def first_change(self, newer: Reputations) -> float:
        """Return the earliest start in newer whose reputation differs here or is not here
        (+inf when there is none)."""
        row, found = self.find(newer.start, newer.user)
        changed = ~found
        changed[found] = self.rep[row[found]] != newer.rep[found]
        return float(newer.start[changed].min(initial=np.inf))
