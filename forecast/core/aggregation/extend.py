"""Extend an aggregate history after new forecasts instead of rebuilding it.

Forecasts are append-only: a new forecast starts now, and the one it replaces (or a withdrawn
one) ends now. The change points before the previous history's last one, T, therefore keep the
same standing forecasts, and so the same aggregate, under every method whose weights depend
only on the forecasts standing at an instant. Only the entries from T on are computed again,
from the forecasts still standing at or after T.

`track_record` weights also depend on each forecast's reputation, which a resolution can change
(for the forecasts that started after it). Its history is extended when the caller gives the
reputations and the earliest start of a forecast whose reputation is not the one the previous
history was built with (`changed_from`): entries before it keep their forecasts and weights, and
everything from the first change point at or after it is computed again.

Whether the previous history really is such a prefix is checked, not assumed: the change
points before the kept entries' end and the number of forecasts standing at each must be the
same. A forecast inserted into the past (an import) adds a change point or raises a count, and
the history is then rebuilt whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.aggregate import DEFAULT_EXTREMIZE, History, entry_at, history

Floats = NDArray[np.float64]
EXTENDABLE = ("recency_weighted", "unweighted", "mean", "geo_mean_odds", "extremized")


def is_prefix(previous: History, start: Floats, end: Floats, kept: int | None = None) -> bool:
    """Tell whether previous's first `kept` entries (all but its last by default) hold for these
    forecasts."""
    n = len(previous.start) - 1 if kept is None else kept
    if len(previous.start) == 0 or not 0 <= n < len(previous.start):
        return False
    last = previous.start[n]
    times = previous.start[:n]
    finite = end[np.isfinite(end)]
    before = np.unique(np.concatenate([start[start < last], finite[finite < last]]))
    if not np.array_equal(before, times):
        return False
    # Standing at t: started by t and not yet ended (a forecast ending where it starts cancels).
    standing = np.searchsorted(np.sort(start), times, side="right") - np.searchsorted(
        np.sort(end), times, side="right"
    )
    return bool(np.array_equal(standing, previous.forecaster_count[:n]))


def extend(
    previous: History,
    start: NDArray[Any],
    end: NDArray[Any],
    user: NDArray[Any],
    values: NDArray[Any],
    *,
    method: str,
    open_time: float,
    scheduled_close: float,
    extremize: float = DEFAULT_EXTREMIZE,
    reputation: NDArray[Any] | None = None,
    changed_from: float = np.inf,
) -> History | None:
    """Return the history of these forecasts built on previous, or None if it must be rebuilt.

    The result equals `history` of the same forecasts, entry for entry. track_record needs
    `reputation` (one per forecast) and `changed_from` (see the module's docstring).
    """
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    if method == "track_record":
        if reputation is None:
            return None
    elif method not in EXTENDABLE:
        return None
    n = len(previous.start) - 1
    if n >= 0 and changed_from < np.inf:
        n = min(n, int(np.searchsorted(previous.start, changed_from, side="left")))
    if n < 0 or not is_prefix(previous, start, end, n):
        return None
    last = float(previous.start[n])
    keep = end > last
    values = np.asarray(values, dtype=np.float64)
    tail = history(
        start[keep],
        end[keep],
        np.asarray(user, dtype=np.int64)[keep],
        values[keep],
        method=method,
        open_time=open_time,
        scheduled_close=scheduled_close,
        reputation=None if reputation is None else np.asarray(reputation)[keep],
        extremize=extremize,
    )
    # The entry at `last` itself, then every later change point of the standing forecasts.
    later = np.flatnonzero(tail.start > last)
    covering = entry_at(tail, last)
    first_value: Any
    if covering is None:  # nothing stands at `last`
        first_count = 0
        first_value = np.full(values.shape[1:], np.nan)
        first_low = first_high = np.nan
    else:
        first_count = int(tail.forecaster_count[covering])
        first_value = tail.value[covering]
        first_low, first_high = tail.lower[covering], tail.upper[covering]
    starts = np.concatenate([previous.start[:n], [last], tail.start[later]])
    return History(
        start=starts,
        end=np.append(starts[1:], np.inf),
        forecaster_count=np.concatenate(
            [previous.forecaster_count[:n], [first_count], tail.forecaster_count[later]]
        ).astype(np.int64),
        value=np.concatenate(
            [previous.value[:n], np.asarray(first_value)[None, ...], tail.value[later]]
        )
        if values.ndim == 2
        else np.concatenate([previous.value[:n], [first_value], tail.value[later]]),
        lower=np.concatenate([previous.lower[:n], [first_low], tail.lower[later]]),
        upper=np.concatenate([previous.upper[:n], [first_high], tail.upper[later]]),
    )
