"""Baseline, Peer, Brier and log scores of many questions at once, as vectorised numpy.

All definitions follow ``SCORING.md``. Binary, continuous and multiple-choice questions go
through the same ``score``: a multiple-choice question differs only in its Baseline
(``100 ln(K p) / ln K``, see ``forecast.core.scoring.multiple_choice``) and its Brier, which
the caller hands in per forecast (``ForecastArrays.brier``).

Method. ``score`` takes the forecasts of many questions at once as flat arrays. Each forecast is
clipped to its question's window ``[open_time, min(actual_close, scheduled_close)]`` and its
times are rewritten in units of the question's full span ``scheduled_close - open_time``
(``0`` is the open time), so a duration is directly a weight and every question lives on the
same small scale whatever its Unix times. The active forecasts are put in (question, user)
order once (stable 16-bit radix passes, much faster than ``np.lexsort``); Baseline, Brier, log
and coverage are then per-forecast products summed per row with ``np.add.reduceat``.

Peer needs, at every moment, the number ``n`` of active forecasts and the sum ``S`` of their
``ln p``. The start and end of every forecast become two events (``+1, +ln p`` and
``-1, -ln p``); sorting the events by (question, time) and taking cumulative sums gives ``n``
and ``S`` on every interval between consecutive events. Because forecast ``i`` scores
``n/(n-1) ln p_i - S/(n-1)`` on such an interval, it is enough to integrate
``A = n/(n-1)`` and ``B = S/(n-1)`` (both zero when ``n <= 1``) over the interval grid: the
forecast's time-averaged Peer is ``100 * (ln p_i * (A(e_i) - A(s_i)) - (B(e_i) - B(s_i)))``,
halved for continuous questions. Summed over the forecasts active on an interval these terms
cancel, so Peer sums to zero per question by construction. All cumulative sums restart at every
question (see ``_segment_cumsum``) so that rounding error stays at the scale of one question,
not of the whole data set. There is no Python loop over forecasts or questions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forecast.core.scoring.multiple_choice import choice_baseline

N_GRID = 201
N_BUCKETS = 202
TAIL_BETA = 0.05

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class QuestionArrays:
    """Resolved questions ``0..Q-1``: windows, kind and where the outcome fell.

    ``actual_close`` is ``min(resolution time, scheduled_close)``; larger values are clipped to
    ``scheduled_close``, and a question whose window is empty gets no rows. ``outcome_bucket``
    is the resolution bucket (0..201) of a continuous question (see ``resolution_bucket``) and
    is ignored (conventionally -1) for binary ones. ``open_bounds`` (0, 1 or 2) is ignored for
    binary questions.
    """

    open_time: FloatArray
    scheduled_close: FloatArray
    actual_close: FloatArray
    continuous: BoolArray
    open_bounds: IntArray
    outcome_bucket: IntArray
    # Multiple choice: K, the number of options (0 for binary and continuous questions).
    options: IntArray | None = None


@dataclass(frozen=True)
class ForecastArrays:
    """Forecasts ``0..F-1`` over many questions, in any order.

    ``end`` is ``inf`` for a forecast still standing at close. ``p_outcome`` is the probability
    the forecast gave to what happened (must be > 0); ``p_yes`` is kept for callers
    (calibration) and is ``nan`` for continuous forecasts. Brier needs no outcome column since
    ``(p_yes - o)^2 == (1 - p_outcome)^2``. Forecasts of one user should not overlap in time;
    if they do, each counts as a separate active forecast.
    """

    question: IntArray
    user: IntArray
    start: FloatArray
    end: FloatArray
    p_outcome: FloatArray
    p_yes: FloatArray
    # Multiple choice: each forecast's multi-category Brier (ignored for other questions).
    brier: FloatArray | None = None


@dataclass(frozen=True)
class ScoreTable:
    """One row per (question, user) with coverage > 0, sorted by (question, user).

    ``baseline`` and ``peer`` are time-averaged over the full window (so scaled by coverage);
    ``brier`` and ``log`` are averaged over the user's own active time and are ``nan`` for
    continuous questions.
    """

    question: IntArray
    user: IntArray
    baseline: FloatArray
    peer: FloatArray
    coverage: FloatArray
    brier: FloatArray
    log: FloatArray


def binary_outcome_probability(p_yes: ArrayLike, outcome_yes: ArrayLike) -> FloatArray:
    """Return the probability each binary forecast gave to the outcome: p if yes, else 1 - p."""
    p = np.asarray(p_yes, dtype=np.float64)
    return np.where(np.asarray(outcome_yes, dtype=np.bool_), p, 1.0 - p)


def continuous_outcome_probability(cdfs: ArrayLike, bucket: ArrayLike) -> FloatArray:
    """Return ``pmf[bucket]`` of each 201-point CDF without building the 202-bucket PMF."""
    cdf = np.asarray(cdfs, dtype=np.float64)
    b = np.asarray(bucket, dtype=np.int64)
    if cdf.ndim != 2 or cdf.shape[1] != N_GRID or b.shape != (cdf.shape[0],):
        raise ValueError("expected cdfs of shape (F, 201) and one bucket per row")
    if np.any((b < 0) | (b >= N_BUCKETS)):
        raise ValueError("buckets must lie in 0..201")
    rows = np.arange(cdf.shape[0])
    upper = np.where(b == N_BUCKETS - 1, 1.0, cdf[rows, np.minimum(b, N_GRID - 1)])
    lower = np.where(b == 0, 0.0, cdf[rows, np.maximum(b - 1, 0)])
    return upper - lower


def resolution_bucket(u: ArrayLike) -> IntArray:
    """Return the bucket of each resolution position u: 0 below 0, 201 above 1, else 1..200."""
    pos = np.asarray(u, dtype=np.float64)
    # The 1e-10 makes a value exactly on a grid point fall in the bucket below it.
    inner = np.maximum(np.floor(np.clip(pos, 0.0, 1.0) * 200.0 + 1.0 - 1e-10), 1.0)
    out = np.where(pos < 0.0, 0, np.where(pos > 1.0, N_BUCKETS - 1, inner))
    return out.astype(np.int64)


def baseline_points(
    p_outcome: ArrayLike,
    continuous: ArrayLike,
    outcome_bucket: ArrayLike,
    open_bounds: ArrayLike,
    options: ArrayLike | None = None,
) -> FloatArray:
    """Return the instantaneous Baseline of each probability for what happened (options: K for
    multiple-choice rows, 0 for the others)."""
    p = np.asarray(p_outcome, dtype=np.float64)
    cont = np.asarray(continuous, dtype=np.bool_)
    b = np.asarray(outcome_bucket, dtype=np.int64)
    tail = (b == 0) | (b == N_BUCKETS - 1)
    inner_beta = (1.0 - TAIL_BETA * np.asarray(open_bounds, dtype=np.float64)) / 200.0
    beta = np.where(tail, TAIL_BETA, inner_beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        binary = 100.0 * np.log2(2.0 * p)
        cont_score = 50.0 * np.log(p / np.where(cont, beta, 1.0))
    out = np.where(cont, cont_score, binary)
    if options is not None:
        k = np.asarray(options, dtype=np.int64)
        choice = k > 0
        out = np.where(choice, choice_baseline(p, np.where(choice, k, 2)), out)
    return out


def _stable_sort_by(order: IntArray, *keys: IntArray) -> IntArray:
    """Reorder ``order`` stably by the integer keys, the first key most significant.

    Least-significant-digit radix passes over 16-bit digits, each a stable numpy radix sort:
    far faster than ``np.lexsort`` on millions of rows.
    """
    for key in reversed(keys):
        k = key[order]
        if k.size == 0:
            return order
        k = k - k.min()
        top = int(k.max())
        shift = 0
        while shift == 0 or top >> shift:
            digit = ((k >> shift) & 0xFFFF).astype(np.uint16)
            step = np.argsort(digit, kind="stable")
            order, k = order[step], k[step]
            shift += 16
    return order


def _segment_cumsum(x: FloatArray, seg_start: IntArray, exclusive: bool = False) -> FloatArray:
    """Return the cumulative sum of x restarted at every index in seg_start."""
    if x.size == 0:
        return x.copy()
    totals = np.add.reduceat(x, seg_start)
    # Subtracting each finished segment's total keeps the running sum at one segment's scale;
    # the small remaining drift is then removed exactly per segment.
    c = x.copy()
    c[seg_start[1:]] -= totals[:-1]
    np.cumsum(c, out=c)
    drift = np.zeros(seg_start.size)
    drift[1:] = c[seg_start[1:] - 1] - totals[:-1]
    c -= np.repeat(drift, np.diff(np.append(seg_start, x.size)))
    if exclusive:
        c -= x
    return c


def _check(questions: QuestionArrays, forecasts: ForecastArrays) -> None:
    """Raise ValueError when the arrays do not describe one consistent data set."""
    nq = questions.open_time.shape[0]
    q_fields = ("scheduled_close", "actual_close", "continuous", "open_bounds", "outcome_bucket")
    if any(getattr(questions, f).shape != (nq,) for f in q_fields):
        raise ValueError("question arrays must all have shape (Q,)")
    nf = forecasts.question.shape[0]
    f_fields = ("user", "start", "end", "p_outcome", "p_yes")
    if any(getattr(forecasts, f).shape != (nf,) for f in f_fields):
        raise ValueError("forecast arrays must all have shape (F,)")
    if nf and (forecasts.question.min() < 0 or forecasts.question.max() >= nq):
        raise ValueError("forecast question index out of range")
    bucket = questions.outcome_bucket
    if np.any(questions.continuous & ((bucket < 0) | (bucket >= N_BUCKETS))):
        raise ValueError("every continuous question needs an outcome bucket in 0..201")
    if questions.options is not None:
        if questions.options.shape != (nq,):
            raise ValueError("question arrays must all have shape (Q,)")
        if np.any((questions.options == 1) | (questions.continuous & (questions.options > 0))):
            raise ValueError("a multiple-choice question has K >= 2 options and no CDF")
        if np.any(questions.options > 0) and (
            forecasts.brier is None or forecasts.brier.shape != (nf,)
        ):
            raise ValueError("multiple-choice questions need each forecast's Brier")


def score(questions: QuestionArrays, forecasts: ForecastArrays) -> ScoreTable:
    """Score every (question, user): Baseline, Peer, coverage, and Brier and log unless the
    question is continuous."""
    _check(questions, forecasts)
    q_all = np.asarray(forecasts.question, dtype=np.int64)
    user_all = np.asarray(forecasts.user, dtype=np.int64)
    open_f = questions.open_time[q_all]
    span_f = (questions.scheduled_close - questions.open_time)[q_all]
    close_f = np.minimum(questions.actual_close, questions.scheduled_close)[q_all]
    with np.errstate(divide="ignore", invalid="ignore"):
        start_rel = (np.maximum(forecasts.start, open_f) - open_f) / span_f
        end_rel = (np.minimum(forecasts.end, close_f) - open_f) / span_f
    active = np.flatnonzero((end_rel > start_rel) & (span_f > 0))
    # Work in (question, user) order so that per-row sums need no further reordering.
    active = active[_stable_sort_by(np.arange(active.size), q_all[active], user_all[active])]

    q = q_all[active]
    user = user_all[active]
    s = start_rel[active]
    e = end_rel[active]
    p = np.asarray(forecasts.p_outcome, dtype=np.float64)[active]
    cont = questions.continuous[q]
    weight = e - s
    with np.errstate(divide="ignore"):
        log_p = np.log(p)

    k = None if questions.options is None else questions.options[q]
    baseline = weight * baseline_points(
        p, cont, questions.outcome_bucket[q], questions.open_bounds[q], k
    )
    peer = _peer(q, s, e, log_p) * np.where(cont, 0.5, 1.0)

    new_row = np.ones(q.size, dtype=np.bool_)
    new_row[1:] = (q[1:] != q[:-1]) | (user[1:] != user[:-1])
    row_start = np.flatnonzero(new_row)

    def per_row(values: FloatArray) -> FloatArray:
        if q.size == 0:
            return np.zeros(0)
        return np.add.reduceat(values, row_start)

    coverage = per_row(weight)
    row_q = q[row_start]
    binary_row = ~questions.continuous[row_q]
    # (p_yes - o)^2 equals (1 - p_outcome)^2 whichever way the question resolved.
    squared = (1.0 - p) ** 2
    if k is not None and forecasts.brier is not None:
        squared = np.where(k > 0, np.asarray(forecasts.brier)[active], squared)
    with np.errstate(divide="ignore", invalid="ignore"):
        brier_row = np.where(binary_row, per_row(weight * squared) / coverage, np.nan)
        log_row = np.where(binary_row, per_row(weight * log_p) / coverage, np.nan)
    return ScoreTable(
        question=row_q,
        user=user[row_start],
        baseline=per_row(baseline),
        peer=per_row(peer) + 0.0,  # no -0.0 for a lone forecaster
        coverage=coverage,
        brier=brier_row,
        log=log_row,
    )


def _event_order(q_sorted: IntArray, times: FloatArray) -> tuple[IntArray, IntArray]:
    """Order the events of forecasts sorted by question by (question, time).

    Returns the order and the index where each question's events begin. A float key
    ``2 * dense_question + time`` (times lie in [0, 1]) sorts in one pass; rounding can only
    merge nearly equal times, never swap them, so if a merged pair ends up out of order the
    exact two-key sort is used instead.
    """
    m = q_sorted.size
    dense = np.zeros(m, dtype=np.int64)
    np.cumsum(q_sorted[1:] != q_sorted[:-1], out=dense[1:])
    ev_q = np.concatenate((dense, dense))
    order = np.argsort(2.0 * ev_q + times)
    t = times[order]
    same_q = ev_q[order]
    same_q = same_q[1:] == same_q[:-1]
    if np.any(same_q & (t[1:] < t[:-1])):
        order = _stable_sort_by(np.argsort(times), ev_q)
        same_q = ev_q[order]
        same_q = same_q[1:] == same_q[:-1]
    seg_start = np.flatnonzero(np.concatenate(([True], ~same_q)))
    return order, seg_start


def _peer(q: IntArray, s: FloatArray, e: FloatArray, log_p: FloatArray) -> FloatArray:
    """Return each forecast's time-averaged Peer (not yet halved) from relative times.

    Forecasts must be sorted by question. Large temporaries are released as soon as they are
    used: at a million forecasts the peak memory, not the arithmetic, sets the run time.
    """
    m = q.size
    if m == 0:
        return np.zeros(0)
    times = np.concatenate((s, e))
    order, seg_start = _event_order(q, times)
    dt = np.zeros(2 * m)
    t = times[order]
    np.subtract(t[1:], t[:-1], out=dt[:-1])
    del times, t

    is_start = order < m
    # Both events of a forecast belong to its question, so n is 0 after a question's last
    # event and the (meaningless) time step to the next question carries no weight.
    n = np.cumsum(np.where(is_start, 1, -1))
    step = log_p[np.where(is_start, order, order - m)]
    np.negative(step, out=step, where=~is_start)
    del is_start
    b = _segment_cumsum(step, seg_start)
    del step

    inv_denom = np.zeros(2 * m)
    np.divide(1.0, n - 1, out=inv_denom, where=n > 1)
    inv_denom *= dt
    a = n * inv_denom
    b *= inv_denom
    del n, inv_denom, dt

    # Exclusive integrals: the value at event j is the integral up to that event's time.
    on_events = np.empty(2 * m)
    on_events[order] = _segment_cumsum(a, seg_start, exclusive=True)
    peer = log_p * (on_events[m:] - on_events[:m])
    on_events[order] = _segment_cumsum(b, seg_start, exclusive=True)
    peer -= on_events[m:] - on_events[:m]
    peer *= 100.0
    return peer
