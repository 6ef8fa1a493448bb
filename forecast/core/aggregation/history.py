"""Shared parts of the fast history engines (the algorithm: `forecast.core.aggregation.aggregate`).

Change points are processed in batches of rows. `aggregate_ranked` (weights that depend on a
forecast's recency rank) and `aggregate_fixed` (weights fixed per forecast) both read weighted
quantiles off cumulative block sums with `crossings`, and recompute with
`aggregate_core.instant` the few rows whose quantile choice they cannot certify.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.instant import (
    BAND,
    CDF_POINTS,
    LOGIT_METHODS,
    MEDIAN_METHODS,
    TIE_RTOL,
    Kind,
    instant,
    logit,
    method_weights,
    sigmoid,
    track_log_weights,
)

Floats = NDArray[np.float64]
Ints = NDArray[np.intp]

RANKED_ROWS = 128  # change points per batch when weights depend on rank
CDF_ROWS = 128  # the same for continuous questions (a larger matrix product per batch)
FIXED_ROWS = 256  # change points per batch when each forecast's weight is fixed
BLOCK = 64  # columns per block in the quantile search
CHUNK = 512  # columns of a weight matrix produced at a time (keeps it in cache)
# Upper bounds on the share of the total weight left out by the recency window: the median's
# choice is certified against it (uncertain rows are recomputed), a weighted mean moves by at most
# twice this share times the largest |value|.
MEDIAN_DROP = 1e-8
MEAN_DROP = 1e-18
# Thresholds of the quantile rule: reaching 0.25, 0.5, 0.75, then passing them (see crossings).
QUANTILES = (BAND[0], 0.5, BAND[1])
THETA = np.array(
    [q * (1.0 - TIE_RTOL) for q in QUANTILES] + [q * (1.0 + TIE_RTOL) for q in QUANTILES]
)


@dataclass(frozen=True)
class Question:
    """Forecasts of one question in (start, user) order, indexed by the rows they span."""

    times: Floats  # (K,) change points
    first_row: Ints  # (F,) row at which each forecast becomes active
    stop_row: Ints  # (F,) first row at which it is no longer active (K while standing)
    starts: Floats
    values: Floats
    reputation: Floats | None
    count: NDArray[np.int64]  # (K,) active forecasts per row
    born: Ints  # (K,) forecasts whose first_row <= k


@dataclass(frozen=True)
class Settings:
    """What to compute."""

    kind: Kind
    method: str
    open_time: float
    scheduled_close: float
    extremize: float


def prepare(
    start: Floats,
    end: Floats,
    user: NDArray[np.int64],
    values: Floats,
    reputation: Floats | None,
) -> Question:
    """Order forecasts by (start, user), find the change points and each forecast's rows."""
    order = np.lexsort((np.arange(len(start)), user, start))
    start, end, values = start[order], end[order], values[order]
    times = np.unique(np.concatenate([start, end[np.isfinite(end)]]))
    first = np.searchsorted(times, start)
    stop = np.searchsorted(times, end)
    # Forecasts ending where they start are never active; their times stay change points.
    live = stop > first
    first, stop = first[live], stop[live]
    k = len(times)
    count = np.cumsum(np.bincount(first, minlength=k + 1) - np.bincount(stop, minlength=k + 1))
    return Question(
        times=times,
        first_row=first,
        stop_row=stop,
        starts=start[live],
        values=values[live],
        reputation=None if reputation is None else reputation[order][live],
        count=count[:k].astype(np.int64),
        born=np.searchsorted(first, np.arange(k), side="right"),
    )


def batches(q: Question, rows: int) -> Iterator[tuple[int, int, Ints]]:
    """Yield (k0, k1, forecasts active somewhere in rows k0..k1-1, in (start, user) order)."""
    pool = np.empty(0, dtype=np.intp)
    born = 0
    for k0 in range(0, len(q.times), rows):
        k1 = min(len(q.times), k0 + rows)
        newborn = int(q.born[k1 - 1])
        pool = np.concatenate([pool, np.arange(born, newborn, dtype=np.intp)])
        pool = pool[q.stop_row[pool] > k0]
        born = newborn
        yield k0, k1, pool


def value_batches(q: Question, rows: int, rank: Ints) -> Iterator[tuple[int, int, Ints, Ints]]:
    """Yield batches as `batches` does, plus the same forecasts ordered by value rank."""
    by_value = np.empty(0, dtype=np.intp)
    seen = 0
    for k0, k1, pool in batches(q, rows):
        births = pool[np.searchsorted(pool, seen) :]
        births = births[np.argsort(rank[births], kind="stable")]
        by_value = by_value[q.stop_row[by_value] > k0]
        at = np.searchsorted(rank[by_value], rank[births])
        by_value = np.insert(by_value, at, births)
        seen = int(q.born[k1 - 1])
        yield k0, k1, pool, by_value


def dropped_count(n: int, drop: float) -> int:
    """Return how many of the lowest recency ranks hold at most `drop` of n forecasts' weight."""
    if drop <= 0 or n < 64:
        return 0
    root = float(np.sqrt(n))
    # sum_{r<=c} e^sqrt(r) <= 2 sqrt(c+1) e^sqrt(c+1) and
    # sum_{r<=n} e^sqrt(r) >= 2 e^sqrt(n) (sqrt(n) - 1), so dropping c costs at most `drop`.
    budget = np.log(drop) + root + np.log(root - 1.0)
    if budget <= 1.0:
        return 0
    x = budget
    for _ in range(8):
        x = budget - np.log(x)
    c = max(int(x * x) - 1, 0)
    while c > 0 and np.log(np.sqrt(c + 1.0)) + np.sqrt(c + 1.0) > budget:
        c -= 1
    return min(c, n - 1)


BlockWeights = Callable[[Ints, Ints], Floats]


def rounding_slack(count: NDArray[np.int64], total: Floats, *, exact: bool = False) -> Floats:
    """Bound the gap between a cumulative weight here and in a plain sequential cumulative sum.

    Summing N positive weights one by one is off by at most N * 2^-53 of the total; this engine
    sums at most 3 * BLOCK terms in sequence. Integer-valued weights (exact=True) sum exactly.
    """
    terms = 4 * BLOCK if exact else count + 4 * BLOCK
    return np.asarray(terms * np.finfo(np.float64).eps * total, dtype=np.float64)


def search(
    cum_blocks: Floats, inner: BlockWeights, rows: Ints, target: Floats, *, strict: bool
) -> tuple[Ints, Floats, Floats, NDArray[np.bool_]]:
    """Find per row and target the first column whose cumulative weight reaches (passes) it.

    Returns (column, cumulative weight there, just before it, whether the search was exact).
    inner(rows, blocks) gives the weights in (rows x m) blocks of BLOCK columns.
    """
    n_rows, n_blocks = cum_blocks.shape
    total = cum_blocks[:, -1]
    local = np.arange(n_rows)[:, None]
    # Find blocks with one search over all rows: each row scaled to [0, 1] and shifted by 2 * row.
    # That rounds by about 1e-13, far less than TIE_RTOL; a block found off by one fails the exact
    # check below and the row is recomputed.
    scaled = (cum_blocks / np.where(total > 0, total, 1.0)[:, None] + 2.0 * local).ravel()
    place = target / np.where(total > 0, total, 1.0)[:, None] + 2.0 * local
    block = np.searchsorted(scaled, place, side="right" if strict else "left") - local * n_blocks
    found = (block >= 0) & (block < n_blocks)
    block = np.clip(block, 0, n_blocks - 1)
    prev = np.where(block > 0, cum_blocks[local, np.maximum(block - 1, 0)], 0.0)
    sums = prev[:, :, None] + np.cumsum(inner(rows, block), axis=2)
    inside = sums <= target[:, :, None] if strict else sums < target[:, :, None]
    j = inside.sum(axis=2)
    found &= j < BLOCK
    j = np.minimum(j, BLOCK - 1)
    rule = np.arange(target.shape[1])[None, :]
    at = sums[local, rule, j]
    before = np.where(j > 0, sums[local, rule, np.maximum(j - 1, 0)], prev)
    return block * BLOCK + j, at, before, found


def crossings(
    cum_blocks: Floats, inner: BlockWeights, slack: Floats
) -> tuple[Ints, NDArray[np.bool_]]:
    """Locate every rule's crossing per row: (rows x 6 columns, rows whose choices are certain).

    Rules are c >= q (1 - TIE_RTOL) for q = 0.25, 0.5, 0.75, then c > q (1 + TIE_RTOL) for the
    same q. cum_blocks holds each row's cumulative block sums. A choice is certain when the
    cumulative weights on both sides clear the threshold by more than `slack`.
    """
    total = cum_blocks[:, -1]
    target = total[:, None] * THETA  # (rows, 6)
    margin = slack[:, None]
    rows = np.arange(len(cum_blocks))
    # Without a tie the value reaching q also passes it: one search answers both rules.
    column, at, before, ok = search(cum_blocks, inner, rows, target[:, :3], strict=False)
    ok &= (at > target[:, 3:] + margin) & (before < target[:, :3] - margin)
    columns = np.concatenate([column, column], axis=1)
    certain = ok.all(axis=1) & (total > 0)
    tied = np.flatnonzero(~certain & (total > 0))
    if len(tied):
        cum, edge = cum_blocks[tied], margin[tied]
        reach, at, before, ok = search(cum, inner, tied, target[tied, :3], strict=False)
        ok &= (at >= target[tied, :3] + edge) & (before < target[tied, :3] - edge)
        past, at, before, ok_past = search(cum, inner, tied, target[tied, 3:], strict=True)
        ok &= ok_past & (at > target[tied, 3:] + edge) & (before <= target[tied, 3:] - edge)
        columns[tied] = np.concatenate([reach, past], axis=1)
        certain[tied] = ok.all(axis=1)
    return columns, certain


def quantile_values(ordered: Floats, columns: Ints) -> tuple[Floats, Floats, Floats]:
    """Return the 25th, 50th and 75th percentiles per row from the crossing columns."""
    chosen = ordered[np.clip(columns, 0, len(ordered) - 1)]
    pairs = (chosen[:, :3] + chosen[:, 3:]) / 2.0
    return pairs[:, 0], pairs[:, 1], pairs[:, 2]


class Result:
    """Per-row outputs being filled in."""

    def __init__(self, q: Question, kind: Kind) -> None:
        """Allocate nan-filled outputs for every row."""
        k = len(q.times)
        self.value = np.full(k, np.nan) if kind == "binary" else np.full((k, CDF_POINTS), np.nan)
        self.lower = np.full(k, np.nan)
        self.upper = np.full(k, np.nan)

    def recompute(self, q: Question, s: Settings, rows: Ints, pool: Ints) -> None:
        """Recompute the given rows from their active forecasts with the one-instant rule."""
        for k in rows:
            active = pool[(q.first_row[pool] <= k) & (q.stop_row[pool] > k)]
            if len(active) == 0:
                continue
            weights = method_weights(
                s.method,
                len(active),
                starts=q.starts[active],
                reputation=None if q.reputation is None else q.reputation[active],
                t=float(q.times[k]),
                open_time=s.open_time,
                scheduled_close=s.scheduled_close,
            )
            value, lower, upper = instant(
                q.values[active], weights, method=s.method, kind=s.kind, extremize=s.extremize
            )
            self.value[k], self.lower[k], self.upper[k] = value, lower, upper


def finish_binary_mean(s: Settings, numerator: Floats, total: Floats) -> Floats:
    """Return the binary weighted-mean methods' value from sum(w x) and sum(w)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = numerator / total
    if s.method in LOGIT_METHODS:
        return sigmoid((s.extremize if s.method == "extremized" else 1.0) * mean)
    return mean


def mean_inputs(s: Settings, values: Floats) -> Floats:
    """Return what the binary weighted mean averages: p, or logit(p) for the odds methods."""
    return logit(values) if s.method in LOGIT_METHODS else values


def uses_median(s: Settings) -> bool:
    """Return whether the binary value is a weighted median."""
    return s.method in MEDIAN_METHODS


def track_batch_log_weights(q: Question, s: Settings, pool: Ints, t: float) -> Floats:
    """Return track-record log-weights of pool forecasts relative to time t."""
    return track_log_weights(
        q.starts[pool],
        None if q.reputation is None else q.reputation[pool],
        t=t,
        open_time=s.open_time,
        scheduled_close=s.scheduled_close,
    )
