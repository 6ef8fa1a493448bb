"""Community prediction for a question: bulk-loaded forecasts, a cached history, any instant.

The history of a question under a method is derived data. It is cached in `aggregate_cache`
together with the question's `forecasts_version`, which every forecast write bumps, so a page
load reads the cached arrays and only the first load after a new forecast recomputes them, and
then only from the stale row's last change point on (forecast.core.aggregation.extend). A
`track_record` row also depends on the scores (its forecasters' reputations) and the question's
window: it keeps the scores version it read and every forecast's reputation, and after a
resolution or un-resolution is extended from the first forecast whose reputation moved. Every
web worker reads the same cache rows: nothing lives in process memory beyond one session, which
keeps the few aggregates it has built or read (keyed by the versions) so a request that asks
twice does not build twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from forecast.core.aggregation.aggregate import (
    DEFAULT_METHOD,
    METHODS,
    History,
    aggregate_now,
    bootstrap_interval,
    cdf_quantile,
)
from forecast.core.distributions import CDF_POINTS
from forecast.errors import ValidationFailed
from forecast.infra.clock import from_epoch, to_epoch, utcnow
from forecast.infra.metrics import count_aggregate_cache
from forecast.models import Question
from forecast.services.aggregation.arrays import QuestionForecasts, load_forecasts
from forecast.services.aggregation.band import extended_band, interval_band
from forecast.services.aggregation.cache_rows import read_row, store_row
from forecast.services.aggregation.data_versions import SCORES, data_version
from forecast.services.aggregation.reputations import question_reputations
from forecast.services.aggregation.rows import CachedAggregate, TrackBasis, pack, unpack

Floats = NDArray[np.float64]
BOOTSTRAP_SEED = 20_261_123  # fixed, so an interval does not jitter between page loads
BAND_RESAMPLES = 200
TRACK_RECORD = "track_record"

_MEMO = "forecast_cached_aggregates"  # session.info key
MEMO_SIZE = 12  # two questions' worth of methods
MemoKey = tuple[Any, str, int, int | None]


def parse_method(method: str | None) -> str:
    """Return the aggregation method named (the default when None), or refuse it."""
    if method in (None, ""):
        return DEFAULT_METHOD
    if method not in METHODS:
        raise ValidationFailed(f"method must be one of {', '.join(METHODS)}", "method")
    return str(method)


def window_of(question: Question) -> tuple[float, float]:
    """Return the question's (open_time, scheduled_close) as Unix seconds."""
    return to_epoch(question.open_time), to_epoch(question.close_time)


def build_cached(
    session: Session,
    question: Question,
    method: str,
    *,
    band: bool = True,
    previous: CachedAggregate | None = None,
    scores_version: int | None = None,
) -> CachedAggregate:
    """Compute the history, the latest entry's interval and (with band) the chart's band.

    With previous (the stale cached aggregate) the history is extended from its last change
    point (track_record: or from the first forecast whose reputation moved) and the band keeps
    its earlier instants, when the forecasts allow it (see forecast.core.aggregation.extend);
    otherwise
    everything is computed again. scores_version is the one read before the scores (read here
    when not given).
    """
    forecasts = load_forecasts(session, question)
    open_time, scheduled_close = window = window_of(question)
    track = None
    changed_from = np.inf
    if method == TRACK_RECORD:
        if scores_version is None:
            scores_version = data_version(session, SCORES)
        basis = previous.track if previous is not None else None
        if basis is None or basis.window != window:
            previous = basis = None  # weights over another window: nothing carries over
        known = basis.reputations if basis and basis.scores_version == scores_version else None
        reps = question_reputations(session, forecasts, known)
        forecasts = replace(forecasts, reputation=reps.lookup(forecasts.start, forecasts.user))
        if basis is not None:
            changed_from = basis.reputations.first_change(reps)
        track = TrackBasis(scores_version, window, reps)
    h = None
    if forecasts.options:
        previous = None  # a multiple-choice history is built whole (its engines run per option)
    if previous is not None:
        h = forecasts.extended(
            previous.history,
            method=method,
            open_time=open_time,
            scheduled_close=scheduled_close,
            changed_from=changed_from,
        )
    if h is None:
        previous = None  # nothing of it carries over
        h = forecasts.history(method=method, open_time=open_time, scheduled_close=scheduled_close)
    nonempty = np.flatnonzero(h.forecaster_count > 0)
    width = CDF_POINTS if forecasts.continuous else max(forecasts.options, 1)
    no_band = forecasts.continuous or forecasts.options > 0
    low = high = np.full(width, np.nan)
    latest = int(nonempty[-1]) if len(nonempty) else -1
    if latest >= 0:
        value = value_at(
            session, question, method=method, at=from_epoch(h.start[latest]), forecasts=forecasts
        )
        assert value.interval is not None
        low = np.atleast_1d(np.asarray(value.interval[0], dtype=np.float64))
        high = np.atleast_1d(np.asarray(value.interval[1], dtype=np.float64))
    point = partial(_band_point, session, question, method, forecasts)
    if not band and not no_band and latest >= 0:
        empty = np.empty(0)
        return CachedAggregate(h, latest, low, high, empty, empty, empty, False, track)
    if previous is not None and previous.band_done and not no_band:
        latest_time = float(h.start[latest]) if latest >= 0 else None
        previous_band = (previous.band_time, previous.band_low, previous.band_high)
        bands = extended_band(previous.history, previous_band, latest_time, point, changed_from)
    else:
        bands = interval_band(h, no_band, point)
    return CachedAggregate(h, latest, low, high, *bands, True, track)


def _band_point(
    session: Session, question: Question, method: str, forecasts: QuestionForecasts, t: float
) -> tuple[float, float]:
    """Return the band's bootstrap interval at instant t (nan, nan while nobody stands)."""
    value = value_at(
        session,
        question,
        method=method,
        at=from_epoch(t),
        forecasts=forecasts,
        resamples=BAND_RESAMPLES,
    )
    if value.interval is None:
        return np.nan, np.nan
    return float(value.interval[0]), float(value.interval[1])


def _holds(cached: CachedAggregate, question: Question, scores_version: int | None) -> bool:
    """Tell whether a row stored at the question's forecasts version is current: a
    track_record row also needs the same scores version and window."""
    if scores_version is None:
        return True
    track = cached.track
    return (
        track is not None
        and track.scores_version == scores_version
        and track.window == window_of(question)
    )


def cached_aggregate(
    session: Session, question: Question, method: str, *, band: bool = False
) -> CachedAggregate:
    """Return the cached history, recomputing and storing it when its inputs have changed.

    With band=True the chart's interval band is included, computed and stored the first time
    it is asked for at this version of the forecasts.
    """
    method = parse_method(method)
    version = question.forecasts_version
    # Read before the scores it guards: a resolution committed meanwhile leaves the row stale.
    scores_version = data_version(session, SCORES) if method == TRACK_RECORD else None
    # What this session built already: its own snapshot may not show the row it stored, and
    # reading it back would build everything again (and drop the band).
    memo: dict[MemoKey, CachedAggregate] = session.info.setdefault(_MEMO, {})
    key = (question.id, method, version, scores_version)
    known = memo.get(key)
    if known is not None and (known.band_done or not band):
        return known
    row = read_row(session, question.id, method)  # type: ignore[arg-type]
    fresh: CachedAggregate | None = None
    stale: CachedAggregate | None = None
    if row is not None:
        # A row written by an earlier release with fewer arrays is rebuilt.
        with contextlib.suppress(KeyError):
            stored = unpack(row.payload)
            if row.forecasts_version == version and _holds(stored, question, scores_version):
                fresh = stored
            else:
                stale = stored
    if fresh is None and known is not None:
        fresh = known
    if fresh is not None and (fresh.band_done or not band):
        count_aggregate_cache(hit=True)
        _remember(memo, key, fresh)
        return fresh
    if fresh is not None:
        # The history and interval are current: only the band is missing.
        forecasts = load_forecasts(session, question)
        if fresh.track is not None:
            reps = _known_reputations(session, forecasts, fresh.track)
            forecasts = replace(forecasts, reputation=reps)
        point = partial(_band_point, session, question, method, forecasts)
        times, low, high = interval_band(
            fresh.history, forecasts.continuous or forecasts.options > 0, point
        )
        cached = replace(fresh, band_time=times, band_low=low, band_high=high, band_done=True)
    else:
        count_aggregate_cache(hit=False)
        cached = build_cached(
            session, question, method, band=band, previous=stale, scores_version=scores_version
        )
    store_row(session, question.id, method, version, pack(cached))  # type: ignore[arg-type]
    _remember(memo, key, cached)
    return cached


def _remember(memo: dict[MemoKey, CachedAggregate], key: MemoKey, cached: CachedAggregate) -> None:
    """Keep the last MEMO_SIZE aggregates of a session (a job may walk every question)."""
    memo.pop(key, None)
    memo[key] = cached
    while len(memo) > MEMO_SIZE:
        memo.pop(next(iter(memo)))


def current_value(
    session: Session, question: Question, method: str = DEFAULT_METHOD
) -> AggregateValue:
    """Return the aggregate now, from the cache (the interval too, when it is the latest entry).

    Between change points every method's value stands still: track_record's decay multiplies
    every standing forecast's weight by the same factor, which cancels in the weighted mean.
    """
    cached = cached_aggregate(session, question, method)
    moment = evaluation_time(question, None)
    h = cached.history
    i = int(np.searchsorted(h.start, to_epoch(moment), side="right")) - 1
    if i < 0 or h.forecaster_count[i] == 0:
        return AggregateValue(parse_method(method), moment, 0, None, None, None)
    if i != cached.latest:
        return value_at(session, question, method=method, at=moment)
    count = int(h.forecaster_count[i])
    if h.value.ndim == 2:
        interval = (cached.interval_low, cached.interval_high)
        if h.value.shape[1] != CDF_POINTS:
            return AggregateValue(
                parse_method(method), moment, count, None, None, interval, h.value[i]
            )
        return AggregateValue(parse_method(method), moment, count, None, h.value[i], interval)
    interval_pair = (float(cached.interval_low[0]), float(cached.interval_high[0]))
    return AggregateValue(
        parse_method(method), moment, count, float(h.value[i]), None, interval_pair
    )


@dataclass(frozen=True)
class AggregateValue:
    """The aggregate at one instant, with its forecaster count and bootstrap interval."""

    method: str
    at: datetime
    forecaster_count: int
    probability: float | None  # binary
    cdf: Floats | None  # continuous
    interval: tuple[float, float] | tuple[Floats, Floats] | None
    probabilities: Floats | None = None  # multiple choice: one per option

    @property
    def raw(self) -> float | Floats | None:
        """Return the value itself, whatever the kind: a probability, a CDF or K options."""
        if self.probability is not None:
            return self.probability
        return self.cdf if self.cdf is not None else self.probabilities


def evaluation_time(question: Question, at: datetime | None) -> datetime:
    """Return the instant to evaluate at: at (default now), but no later than the close."""
    moment = at or utcnow()
    last = question.close_time - timedelta(microseconds=1)
    return min(moment, last)


def value_at(
    session: Session,
    question: Question,
    *,
    method: str = DEFAULT_METHOD,
    at: datetime | None = None,
    with_interval: bool = True,
    forecasts: QuestionForecasts | None = None,
    resamples: int = 1000,
) -> AggregateValue:
    """Aggregate the forecasts standing at `at` (only forecasts made before it count)."""
    method = parse_method(method)
    moment = evaluation_time(question, at)
    t = to_epoch(moment)
    forecasts = forecasts or load_forecasts(session, question, standing_at=moment)
    active = forecasts.active_at(t)
    n = int(active.sum())
    if n == 0:
        return AggregateValue(method, moment, 0, None, None, None)
    start, user, values = forecasts.start[active], forecasts.user[active], forecasts.values[active]
    rep = None
    if method == TRACK_RECORD:
        rep = _reputations(session, question, forecasts)[active]
    open_t, close_t = to_epoch(question.open_time), to_epoch(question.close_time)
    value = aggregate_now(
        start,
        user,
        values,
        method=method,
        t=t,
        open_time=open_t,
        scheduled_close=close_t,
        reputation=rep,
    )
    interval = None
    if with_interval:
        order = np.lexsort((user, start))
        extra: dict[str, Any] = {}
        if method == TRACK_RECORD:
            assert rep is not None
            extra = {
                "starts": start[order],
                "reputation": rep[order],
                "t": t,
                "open_time": open_t,
                "scheduled_close": close_t,
            }
        interval = bootstrap_interval(
            values[order],
            method=method,
            kind=forecasts.kind,
            n_resamples=resamples,
            rng=np.random.default_rng(BOOTSTRAP_SEED),
            **extra,
        )
    if forecasts.continuous:
        return AggregateValue(method, moment, n, None, np.asarray(value), interval)
    if forecasts.options:
        return AggregateValue(method, moment, n, None, None, interval, np.asarray(value))
    return AggregateValue(method, moment, n, float(value), None, interval)


def _reputations(session: Session, question: Question, forecasts: QuestionForecasts) -> Floats:
    """Return the forecasts' reputations: their own, else the cached track_record aggregate's
    (built first if it is not current)."""
    if forecasts.reputation is not None:
        return forecasts.reputation
    track = cached_aggregate(session, question, TRACK_RECORD).track
    assert track is not None
    return _known_reputations(session, forecasts, track)


def _known_reputations(session: Session, forecasts: QuestionForecasts, track: TrackBasis) -> Floats:
    """Return the forecasts' reputations from a current aggregate's, computing those of any
    forecast that came in after it was read."""
    try:
        return track.reputations.lookup(forecasts.start, forecasts.user)
    except KeyError:
        known = question_reputations(session, forecasts, track.reputations)
        return known.lookup(forecasts.start, forecasts.user)


def medians(h: History) -> Floats:
    """Return the internal-axis position of each continuous entry's median (nan when empty)."""
    return cdf_quantile(h.value, 0.5)
