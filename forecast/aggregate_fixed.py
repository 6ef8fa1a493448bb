"""History engine for methods whose weights are fixed per forecast (plain and track-record).

Track-record weights exp(3 ln rep - 3 (t - start) / span) share the factor exp(-3 t / span) at
any instant, and a common factor cancels in a normalised weighted mean or quantile; what is left
is fixed per forecast. Per batch of change points the forecasts active at every row contribute
one precomputed sum (per value block, for quantiles); only the few that start or end inside the
batch are handled per row.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from forecast.aggregate_history import (
    BLOCK,
    FIXED_ROWS,
    SLACK,
    Floats,
    Ints,
    Question,
    Result,
    Settings,
    batches,
    crossings,
    finish_binary_mean,
    mean_inputs,
    quantile_values,
    track_batch_log_weights,
    uses_median,
    value_batches,
)


def fixed(q: Question, s: Settings, result: Result) -> None:
    """Fill result for unweighted, track_record, or a plain mean of CDFs."""
    if s.kind == "binary":
        fixed_binary(q, s, result)
    else:
        fixed_continuous(q, s, result)


def batch_weights(q: Question, s: Settings, k0: int, pool: Ints, weight: Floats) -> None:
    """Store in weight[pool] each forecast's weight for the batch, the largest being 1."""
    if s.method != "track_record":
        weight[pool] = 1.0
        return
    log_w = track_batch_log_weights(q, s, pool, float(q.times[k0]))
    weight[pool] = np.exp(log_w - log_w.max())


def split(q: Question, k0: int, k1: int, pool: Ints) -> tuple[Ints, Ints, np.ndarray]:
    """Return (forecasts active at every row, the others, rows x others activity)."""
    first, stop = q.first_row[pool], q.stop_row[pool]
    steady = (first <= k0) & (stop >= k1)
    rows = np.arange(k0, k1)[:, None]
    changing = ~steady
    active = (first[changing] <= rows) & (rows < stop[changing])
    return pool[steady], pool[changing], active


def block_weights(
    members: Ints, first: Ints, stop: Ints, weight: Floats, k0: int, rows: Ints, block: Ints
) -> Floats:
    """Return the weights in (rows x m) blocks of value-ordered members: rows x m x BLOCK."""
    chosen = members[block[:, :, None] * BLOCK + np.arange(BLOCK)]
    at = (k0 + rows)[:, None, None]
    return weight[chosen] * ((first[chosen] <= at) & (at < stop[chosen]))


def fixed_binary(q: Question, s: Settings, result: Result) -> None:
    """Fill weighted quartiles and the value per row for a binary question."""
    n = len(q.values)
    rank = np.empty(n, dtype=np.intp)
    rank[np.argsort(q.values, kind="stable")] = np.arange(n)
    first = np.append(q.first_row, len(q.times))  # forecast n: never active, pads blocks
    stop = np.append(q.stop_row, 0)
    values = np.append(q.values, np.nan)
    x = mean_inputs(s, q.values)
    median = uses_median(s)
    weight = np.zeros(n + 1)
    slot = np.zeros(n + 1, dtype=np.intp)
    for k0, k1, pool, by_value in value_batches(q, FIXED_ROWS, rank):
        count = q.count[k0:k1]
        if count.max() == 0:
            continue
        batch_weights(q, s, k0, pool, weight)
        n_blocks = -(-len(by_value) // BLOCK)
        members = np.full(n_blocks * BLOCK, n, dtype=np.intp)
        members[: len(by_value)] = by_value
        slot[by_value] = np.arange(len(by_value)) // BLOCK
        steady, changing, active = split(q, k0, k1, pool)
        n_rows = k1 - k0
        rows = np.arange(k0, k1)
        changing_w = weight[changing] * active
        sums = np.bincount(slot[steady], weights=weight[steady], minlength=n_blocks)
        flat = (np.arange(n_rows)[:, None] * n_blocks + slot[changing]).ravel()
        per_row = np.bincount(flat, weights=changing_w.ravel(), minlength=n_rows * n_blocks)
        cum = np.cumsum(per_row.reshape(n_rows, n_blocks) + sums, axis=1)
        total = cum[:, -1]

        inner = partial(block_weights, members, first, stop, weight, k0)
        columns, certain = crossings(cum, inner, 2.0 * SLACK * total)
        lower, middle, upper = quantile_values(values[members], columns)
        if median:
            value = middle
        else:
            numerator = weight[steady] @ x[steady] + changing_w @ x[changing]
            value = finish_binary_mean(s, numerator, weight[steady].sum() + changing_w.sum(axis=1))
        on = count > 0
        result.value[rows[on]] = value[on]
        result.lower[rows[on]] = lower[on]
        result.upper[rows[on]] = upper[on]
        result.recompute(q, s, rows[on & ~certain], pool)


def fixed_continuous(q: Question, s: Settings, result: Result) -> None:
    """Fill the (weighted) mean CDF per row for a continuous question."""
    weight = np.zeros(len(q.values))
    steady_w = np.zeros(len(q.values))
    for k0, k1, pool in batches(q, FIXED_ROWS):
        count = q.count[k0:k1]
        if count.max() == 0:
            continue
        batch_weights(q, s, k0, pool, weight)
        steady, changing, active = split(q, k0, k1, pool)
        changing_w = weight[changing] * active
        steady_w[:] = 0.0
        steady_w[steady] = weight[steady]
        numerator = steady_w @ q.values + changing_w @ q.values[changing]
        total = steady_w.sum() + changing_w.sum(axis=1)
        rows = np.arange(k0, k1)
        good = (count > 0) & (total > 0)
        result.value[rows[good]] = numerator[good] / total[good, None]
        result.recompute(q, s, rows[(count > 0) & ~(total > 0)], pool)
