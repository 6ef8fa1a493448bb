"""A cached aggregate as stored in `aggregate_cache`: the history, its latest interval, the band.

A `track_record` aggregate also keeps what it was built on (TrackBasis): the scores version it
read, the question's window and every forecast's reputation; it is current while the first two
still hold, and a new resolution changes only the entries from the first forecast whose
reputation moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forecast.core.aggregation.aggregate import History
from forecast.core.reputation import Reputations
from forecast.infra import array_pack

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class TrackBasis:
    """What a track_record aggregate was built on."""

    scores_version: int
    window: tuple[float, float]  # (open_time, scheduled_close) as Unix seconds
    reputations: Reputations


@dataclass(frozen=True)
class CachedAggregate:
    """A question's history under one method and the bootstrap interval of its latest entry."""

    history: History
    latest: int  # index of the last entry with forecasters, -1 when there is none
    interval_low: Floats  # (1,) binary or (201,) continuous; nan without forecasters
    interval_high: Floats
    # Binary questions: the bootstrap interval at up to BAND_POINTS instants, drawn as a band.
    # Only the question page's chart draws it, so it is computed when first asked for.
    band_time: Floats
    band_low: Floats
    band_high: Floats
    band_done: bool = True
    track: TrackBasis | None = None


def pack(c: CachedAggregate) -> bytes:
    """Return the cached aggregate as the bytes of its row's payload."""
    h = c.history
    arrays = {
        "start": h.start,
        "end": h.end,
        "forecaster_count": h.forecaster_count,
        "value": h.value,
        "lower": h.lower,
        "upper": h.upper,
        "latest": np.array([c.latest]),
        "interval_low": c.interval_low,
        "interval_high": c.interval_high,
        "band_time": c.band_time,
        "band_low": c.band_low,
        "band_high": c.band_high,
        "band_done": np.array([c.band_done]),
    }
    if c.track is not None:
        reps = c.track.reputations
        arrays.update(
            scores_version=np.array([c.track.scores_version], dtype=np.int64),
            window=np.array(c.track.window, dtype=np.float64),
            rep_start=reps.start,
            rep_user=reps.user,
            rep=reps.rep,
        )
    return array_pack.pack(arrays)


def unpack(payload: bytes) -> CachedAggregate:
    """Read a cached aggregate; KeyError when the row is of an older layout (it is rebuilt)."""
    try:
        data = array_pack.unpack(payload)
    except array_pack.PackError as exc:
        raise KeyError(str(exc)) from None
    h = History(
        start=data["start"],
        end=data["end"],
        forecaster_count=data["forecaster_count"],
        value=data["value"],
        lower=data["lower"],
        upper=data["upper"],
    )
    track = None
    if "rep" in data:
        track = TrackBasis(
            int(data["scores_version"][0]),
            (float(data["window"][0]), float(data["window"][1])),
            Reputations(data["rep_start"], data["rep_user"], data["rep"]),
        )
    return CachedAggregate(
        h,
        int(data["latest"][0]),
        data["interval_low"],
        data["interval_high"],
        data["band_time"],
        data["band_low"],
        data["band_high"],
        bool(data["band_done"][0]),
        track,
    )
