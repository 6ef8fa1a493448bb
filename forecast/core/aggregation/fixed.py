"""History engine for methods whose weights are fixed per forecast (plain and track-record).

Track-record weights exp(3 ln rep - 3 (t - start) / span) share the factor exp(-3 t / span) at
any instant, and a common factor cancels in a normalised weighted mean or quantile; what is left
is fixed per forecast. Per batch of change points the forecasts active at every row contribute
one precomputed sum (per value block, for quantiles); only the few that start or end inside the
batch are handled per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from forecast.core.aggregation.history import (
    BLOCK,
    FIXED_ROWS,
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
    rounding_slack,
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


@dataclass(frozen=True)
class Split:
    """One batch's forecasts: those active at every row, and the others per row.

    A row's weights are exp(log_w - top[row]) for its active forecasts, so that the largest is 1
    (as at one instant); steady forecasts' weights are steady_w * scale[row].
    """

    steady: Ints
    changing: Ints
    steady_w: Floats
    scale: Floats  # (rows,)
    changing_w: Floats  # (rows, changing), zero where inactive
    top: Floats  # (rows,) the row's largest log-weight


def split(q: Question, s: Settings, k0: int, k1: int, pool: Ints, log_w: Floats) -> Split:
    """Split the batch's forecasts, storing their log-weights in log_w[pool]."""
    first, stop = q.first_row[pool], q.stop_row[pool]
    steady = (first <= k0) & (stop >= k1)
    rows = np.arange(k0, k1)[:, None]
    active = (first[~steady] <= rows) & (rows < stop[~steady])
    if s.method != "track_record":
        log_w[pool] = 0.0
        n_rows = k1 - k0
        return Split(
            pool[steady], pool[~steady], np.ones(steady.sum()), np.ones(n_rows),
            active.astype(np.float64), np.zeros(n_rows),
        )  # fmt: skip
    log_w[pool] = track_batch_log_weights(q, s, pool, float(q.times[k0]))
    steady_log, changing_log = log_w[pool[steady]], log_w[pool[~steady]]
    steady_top = steady_log.max(initial=-np.inf)
    shifted = np.where(active, changing_log, -np.inf)
    row_top = np.maximum(steady_top, shifted.max(axis=1, initial=-np.inf))
    top = np.where(np.isfinite(row_top), row_top, 0.0)
    return Split(
        steady=pool[steady],
        changing=pool[~steady],
        steady_w=np.exp(steady_log - steady_top),
        scale=np.exp(steady_top - top),
        changing_w=np.exp(shifted - top[:, None]),
        top=top,
    )


def block_weights(
    members: Ints, first: Ints, stop: Ints, log_w: Floats, top: Floats, k0: int,
    rows: Ints, block: Ints,
) -> Floats:  # fmt: skip
    """Return the weights in (rows x m) blocks of value-ordered members: rows x m x BLOCK."""
    chosen = members[block[:, :, None] * BLOCK + np.arange(BLOCK)]
    at = (k0 + rows)[:, None, None]
    active = (first[chosen] <= at) & (at < stop[chosen])
    return np.exp(np.where(active, log_w[chosen] - top[rows][:, None, None], -np.inf))


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
    log_w = np.full(n + 1, -np.inf)
    slot = np.zeros(n + 1, dtype=np.intp)
    for k0, k1, pool, by_value in value_batches(q, FIXED_ROWS, rank):
        count = q.count[k0:k1]
        if count.max() == 0:
            continue
        parts = split(q, s, k0, k1, pool, log_w)
        n_blocks = -(-len(by_value) // BLOCK)
        members = np.full(n_blocks * BLOCK, n, dtype=np.intp)
        members[: len(by_value)] = by_value
        slot[by_value] = np.arange(len(by_value)) // BLOCK
        n_rows = k1 - k0
        rows = np.arange(k0, k1)
        steady, changing, changing_w = parts.steady, parts.changing, parts.changing_w
        sums = np.bincount(slot[steady], weights=parts.steady_w, minlength=n_blocks)
        flat = (np.arange(n_rows)[:, None] * n_blocks + slot[changing]).ravel()
        per_row = np.bincount(flat, changing_w.ravel(), minlength=n_rows * n_blocks)
        per_row = per_row.astype(np.float64, copy=False)
        cum = np.cumsum(per_row.reshape(n_rows, n_blocks) + parts.scale[:, None] * sums, axis=1)
        total = cum[:, -1]
        inner = partial(block_weights, members, first, stop, log_w, parts.top, k0)
        slack = rounding_slack(count, total, exact=s.method != "track_record")
        columns, certain = crossings(cum, inner, slack)
        lower, middle, upper = quantile_values(values[members], columns)
        if median:
            value = middle
        else:
            numerator = parts.scale * (parts.steady_w @ x[steady]) + changing_w @ x[changing]
            weight = parts.scale * parts.steady_w.sum() + changing_w.sum(axis=1)
            value = finish_binary_mean(s, numerator, weight)
        on = count > 0
        result.value[rows[on]] = value[on]
        result.lower[rows[on]] = lower[on]
        result.upper[rows[on]] = upper[on]
        result.recompute(q, s, rows[on & ~certain], pool)


def fixed_continuous(q: Question, s: Settings, result: Result) -> None:
    """Fill the (weighted) mean CDF per row for a continuous question."""
    log_w = np.zeros(len(q.values))
    steady_w = np.zeros(len(q.values))
    for k0, k1, pool in batches(q, FIXED_ROWS):
        count = q.count[k0:k1]
        if count.max() == 0:
            continue
        parts = split(q, s, k0, k1, pool, log_w)
        steady_w[:] = 0.0
        steady_w[parts.steady] = parts.steady_w
        changing_w = parts.changing_w
        numerator = parts.scale[:, None] * (steady_w @ q.values)
        numerator += changing_w @ q.values[parts.changing]
        total = parts.scale * parts.steady_w.sum() + changing_w.sum(axis=1)
        rows = np.arange(k0, k1)
        good = (count > 0) & (total > 0)
        result.value[rows[good]] = numerator[good] / total[good, None]
        result.recompute(q, s, rows[(count > 0) & ~(total > 0)], pool)
