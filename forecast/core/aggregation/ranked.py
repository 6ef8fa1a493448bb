"""History engine for the recency-weighted methods, whose weights depend on each forecast's rank.

Per batch of change points (rows) the active forecasts' ranks form a (rows x forecasts) matrix
built from two small pieces: a per-forecast prefix count of forecasts that outlive the batch, and a
(rows x dying) table counting, per row, the forecasts dying inside the batch that are still alive
below each column. One gather from a table of exp(sqrt(rank) - scale) turns ranks into weights.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.history import (
    BLOCK,
    CDF_ROWS,
    CHUNK,
    MEAN_DROP,
    MEDIAN_DROP,
    RANKED_ROWS,
    Floats,
    Ints,
    Question,
    Result,
    Settings,
    batches,
    crossings,
    dropped_count,
    finish_binary_mean,
    mean_inputs,
    quantile_values,
    rounding_slack,
    uses_median,
    value_batches,
)


@dataclass(frozen=True)
class RankWeights:
    """One batch's weights, rows x columns, zero where a column's forecast is not active.

    weight[row, column] = table[offsets[row, column_offset[column]] + column_prefix[column]];
    the matrix is produced a slice of columns at a time so that it stays in cache.
    """

    table: Floats  # exp(sqrt(rank) - scale) for the batch's ranks; last entry 0
    offsets: Ints  # (rows, n_offsets)
    column_offset: Ints  # (width,)
    column_prefix: Ints  # (width,)
    columns: Ints  # (n,) forecast per column, n <= width; the rest is zero padding
    unit: NDArray[np.bool_]  # rows with at most two forecasts, where every weight is 1
    bound: Floats  # (rows,) upper bound on the weight of active forecasts left out
    redo: Ints  # rows (absolute) the batch cannot handle: <= 2 forecasts and some left out

    def blocks(self, rows: Ints, block: Ints) -> Floats:
        """Return the weights in (rows x m) column blocks: rows x m x BLOCK."""
        cols = block[:, :, None] * BLOCK + np.arange(BLOCK)
        flat = rows[:, None, None] * self.offsets.shape[1] + np.take(self.column_offset, cols)
        index = np.take(self.offsets, flat) + np.take(self.column_prefix, cols)
        weights = np.take(self.table, index)
        if self.unit.any():
            return np.where(np.take(self.unit, rows)[:, None, None], weights > 0, weights)
        return weights

    def slices(self) -> Iterator[tuple[int, int, Floats]]:
        """Yield (first column, end column, rows x columns weights) slice by slice."""
        n_rows, width = len(self.offsets), len(self.column_offset)
        index = np.empty((n_rows, min(CHUNK, width)), dtype=np.intp)
        weights = np.empty((n_rows, min(CHUNK, width)))
        any_unit = bool(self.unit.any())
        for lo in range(0, width, CHUNK):
            hi = min(width, lo + CHUNK)
            if hi - lo < index.shape[1]:
                index = np.empty((n_rows, hi - lo), dtype=np.intp)
                weights = np.empty((n_rows, hi - lo))
            np.take(self.offsets, self.column_offset[lo:hi], axis=1, out=index, mode="clip")
            index += self.column_prefix[lo:hi]
            np.take(self.table, index, out=weights, mode="clip")
            if any_unit:
                weights[self.unit] = weights[self.unit] > 0
            yield lo, hi, weights


def rank_weights(
    q: Question, k0: int, k1: int, pool: Ints, drop: float, by_value: Ints | None, slot: Ints
) -> RankWeights:
    """Return the batch's weights exp(sqrt(rank) - scale), columns by value or by start.

    slot is scratch space with one entry per forecast.
    """
    rows = np.arange(k0, k1)
    count = q.count[k0:k1]
    # pool is in start order and its first count[k0] forecasts are the ones active at row k0.
    cut = dropped_count(int(count[0]), drop)
    kept = pool[cut:]
    first, stop = q.first_row[kept], q.stop_row[kept]
    outlives = stop >= k1
    prefix = np.cumsum(outlives, dtype=np.intp)
    segment = np.cumsum(~outlives, dtype=np.intp)
    dying_stop = stop[~outlives]
    # Active forecasts left out (the lowest ranks) = all active - active kept ones.
    started = np.searchsorted(first, rows, side="right")
    ended = np.searchsorted(np.sort(dying_stop), rows, side="right")
    gone = (count - started + ended).astype(np.intp)
    n_dying = len(dying_stop)
    changing = np.flatnonzero((first > k0) | ~outlives)
    low, high = int(gone.min()), int(gone.max())
    length = high - low + len(kept) + 1
    scale = np.sqrt(float(count.max()))
    table = np.zeros(length + 1)
    table[:length] = np.exp(np.sqrt(np.arange(low, low + length, dtype=np.float64)) - scale)
    # rank = gone + prefix + dying forecasts up to the column still alive. offsets holds all but
    # prefix: one column per segment between dying forecasts, one per forecast starting or
    # ending in the batch (pointing at the zero weight while inactive), one for padding.
    offsets = np.empty((len(rows), n_dying + len(changing) + 2), dtype=np.intp)
    offsets[:, 0] = 0
    offsets[:, 1 : n_dying + 1] = np.cumsum(dying_stop[None, :] > rows[:, None], axis=1)
    offsets[:, : n_dying + 1] += (gone - low)[:, None]
    active = (first[changing] <= rows[:, None]) & (rows[:, None] < stop[changing])
    offsets[:, n_dying + 1 : -1] = np.where(
        active, offsets[:, segment[changing]], length - prefix[changing]
    )
    offsets[:, -1] = length
    own = segment.copy()
    own[changing] = np.arange(n_dying + 1, n_dying + 1 + len(changing))
    if by_value is None:
        columns, column_prefix, column_offset = kept, prefix, own
    else:
        columns = by_value[by_value >= kept[0]] if cut else by_value
        slot[kept] = np.arange(len(kept))
        where = slot[columns]
        width = -(-len(columns) // BLOCK) * BLOCK
        column_prefix = np.zeros(width, dtype=np.intp)
        column_prefix[: len(columns)] = prefix[where]
        column_offset = np.full(width, offsets.shape[1] - 1, dtype=np.intp)
        column_offset[: len(columns)] = own[where]
    # Up to two forecasts all weigh 1; those rows only work if nothing was left out.
    small = (count <= 2) & (count > 0)
    root = np.sqrt(gone + 1.0)
    bound = np.where(gone > 0, 2.0 * root * np.exp(root - scale), 0.0)
    return RankWeights(
        table=table,
        offsets=offsets,
        column_offset=column_offset,
        column_prefix=column_prefix,
        columns=columns,
        unit=small & (gone == 0),
        bound=bound,
        redo=rows[small & (gone > 0)],
    )


def ranked(q: Question, s: Settings, result: Result) -> None:
    """Fill result for a recency-weighted method."""
    if s.kind == "binary":
        ranked_binary(q, s, result)
    else:
        ranked_continuous(q, s, result)


def ranked_binary(q: Question, s: Settings, result: Result) -> None:
    """Fill weighted quartiles and the value per row for a binary question."""
    median = uses_median(s)
    drop = MEDIAN_DROP if median else MEAN_DROP
    rank = np.empty(len(q.values), dtype=np.intp)
    rank[np.argsort(q.values, kind="stable")] = np.arange(len(q.values))
    slot = np.empty(len(q.values), dtype=np.intp)
    x = mean_inputs(s, q.values)
    for k0, k1, pool, by_value in value_batches(q, RANKED_ROWS, rank):
        count = q.count[k0:k1]
        if count.max() == 0:
            continue
        rw = rank_weights(q, k0, k1, pool, drop, by_value, slot)
        n_rows, width = len(rw.offsets), len(rw.column_offset)
        blocks = np.empty((n_rows, width // BLOCK))
        numerator = np.zeros(n_rows)
        padded = np.zeros(width)
        if not median:
            padded[: len(rw.columns)] = x[rw.columns]
        for lo, hi, weights in rw.slices():
            blocks[:, lo // BLOCK : hi // BLOCK] = weights.reshape(n_rows, -1, BLOCK).sum(axis=2)
            if not median:
                numerator += weights @ padded[lo:hi]
        cum = np.cumsum(blocks, axis=1)
        total = cum[:, -1]
        slack = np.where(
            rw.unit,
            rounding_slack(count, total, exact=True),
            rw.bound + rounding_slack(count, total),
        )
        chosen, certain = crossings(cum, rw.blocks, slack)
        lower, middle, upper = quantile_values(q.values[rw.columns], chosen)
        value = middle if median else finish_binary_mean(s, numerator, total)
        rows = np.arange(k0, k1)
        on = count > 0
        result.value[rows[on]] = value[on]
        result.lower[rows[on]] = lower[on]
        result.upper[rows[on]] = upper[on]
        redo = np.union1d(rows[on & ~certain], rw.redo)
        result.recompute(q, s, redo, pool)


def ranked_continuous(q: Question, s: Settings, result: Result) -> None:
    """Fill the recency-weighted mean CDF per row for a continuous question."""
    drop = MEAN_DROP
    slot = np.empty(len(q.values), dtype=np.intp)
    for k0, k1, pool in batches(q, CDF_ROWS):
        count = q.count[k0:k1]
        if count.max() == 0:
            continue
        rw = rank_weights(q, k0, k1, pool, drop, None, slot)
        numerator = np.zeros((len(rw.offsets), q.values.shape[1]))
        total = np.zeros(len(rw.offsets))
        for lo, hi, weights in rw.slices():
            numerator += weights @ q.values[rw.columns[lo:hi]]
            total += weights.sum(axis=1)
        rows = np.arange(k0, k1)
        good = (count > 0) & (total > 0)
        result.value[rows[good]] = numerator[good] / total[good, None]
        redo = np.union1d(rows[(count > 0) & ~(total > 0)], rw.redo)
        result.recompute(q, s, redo, pool)
