"""The chart's band: bootstrap intervals at a few dozen instants of a binary question's history.

The band needs a few dozen points, not one per change point. Each point's interval comes from
`point(t)` (the aggregation service's bootstrap at instant t with BAND_RESAMPLES resamples).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.aggregate import History

Floats = NDArray[np.float64]
Band = tuple[Floats, Floats, Floats]  # instants, lower, upper
Point = Callable[[float], tuple[float, float]]
BAND_POINTS = 30


def interval_band(h: History, continuous: bool, point: Point) -> Band:
    """Return the interval at evenly spaced instants from the first to the latest entry with
    forecasters (none for continuous questions)."""
    nonempty = np.flatnonzero(h.forecaster_count > 0)
    if continuous or len(nonempty) == 0:
        empty = np.empty(0)
        return empty, empty, empty
    times = np.unique(np.linspace(h.start[nonempty[0]], h.start[nonempty[-1]], BAND_POINTS))
    low, high = np.full(len(times), np.nan), np.full(len(times), np.nan)
    for i, t in enumerate(times.tolist()):
        low[i], high[i] = point(t)
    return times, low, high


def extended_band(
    previous: History,
    band: Band,
    latest_time: float | None,
    point: Point,
    changed_from: float = np.inf,
) -> Band:
    """Return the previous band carried over to a history extended from previous.

    Its instants before previous's last change point hold the same forecasts; those from
    changed_from on (track_record: a forecast's reputation moved) are computed again, and the
    interval at the latest entry with forecasters (latest_time) is added. The band is thinned
    to BAND_POINTS when it has grown to twice that.
    """
    band_time, band_low, band_high = band
    last = previous.start[-1]
    keep = band_time < min(last, changed_from)
    times, low, high = band_time[keep], band_low[keep], band_high[keep]
    again = band_time[(band_time >= changed_from) & (band_time < last)]
    if latest_time is not None:
        again = np.append(again[again < latest_time], latest_time)
        points = np.array([point(t) for t in again.tolist()]).reshape(-1, 2)
        times = np.append(times, again)
        low = np.append(low, points[:, 0])
        high = np.append(high, points[:, 1])
    if len(times) >= 2 * BAND_POINTS:
        # Every other instant, keeping the first and the latest: each still holds exactly.
        picked = np.unique(np.append(np.arange(0, len(times), 2), len(times) - 1))
        times, low, high = times[picked], low[picked], high[picked]
    return times, low, high
