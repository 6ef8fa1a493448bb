"""Community prediction for a question: bulk-loaded forecasts, a cached history, any instant.

The history of a question under a method is derived data. It is cached in `aggregate_cache`
together with the question's `forecasts_version`, which every forecast write bumps, so a page
load reads the cached arrays and only the first load after a new forecast recomputes them, and
then only from the stale row's last change point on (forecast.aggregate_extend). Every web
worker reads the same cache rows: nothing lives in process memory beyond one session, which
keeps the few aggregates it has built or read (keyed by `forecasts_version`) so a request that
asks twice does not build twice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import String, bindparam, delete, insert, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from forecast.aggregate import (
    DEFAULT_METHOD,
    METHODS,
    History,
    aggregate_now,
    bootstrap_interval,
    cdf_quantile,
    history,
)
from forecast.aggregate_extend import extend
from forecast.clock import from_epoch, to_epoch, utcnow
from forecast.db import begin_write, new_session, session_engine
from forecast.distributions import CDF_POINTS
from forecast.errors import ValidationFailed
from forecast.models import AggregateCache, Forecast, Question, Score
from forecast.services.aggregate_rows import CachedAggregate, pack, unpack

Floats = NDArray[np.float64]
BOOTSTRAP_SEED = 20_261_123  # fixed, so an interval does not jitter between page loads
REPUTATION_FLOOR = 1e-6
BAND_POINTS = 30
BAND_RESAMPLES = 200

_F = Forecast.__table__  # type: ignore[attr-defined]
_C = AggregateCache.__table__  # type: ignore[attr-defined]
_FORECASTS_OF = sa_select(
    _F.c.user_id, _F.c.start_time, _F.c.end_time, _F.c.probability, _F.c.cdf
).where(_F.c.question_id == bindparam("qid"))
# SQLite keeps these timestamps as UTC text ('2026-11-01 13:45:59.123456'): numpy parses the
# whole column at once, where reading each as a datetime and back costs microseconds a row.
_FORECASTS_OF_TEXT = sa_select(
    _F.c.user_id,
    type_coerce(_F.c.start_time, String),
    type_coerce(_F.c.end_time, String),
    _F.c.probability,
    _F.c.cdf,
).where(_F.c.question_id == bindparam("qid"))
_EPOCH_US = np.datetime64("1970-01-01T00:00:00", "us")
_MEMO = "forecast_cached_aggregates"  # session.info key
MEMO_SIZE = 12  # two questions' worth of methods
_CACHED = sa_select(_C.c.forecasts_version, _C.c.payload).where(
    _C.c.question_id == bindparam("qid"), _C.c.method == bindparam("method")
)


def parse_method(method: str | None) -> str:
    """Return the aggregation method named (the default when None), or refuse it."""
    if method in (None, ""):
        return DEFAULT_METHOD
    if method not in METHODS:
        raise ValidationFailed(f"method must be one of {', '.join(METHODS)}", "method")
    return str(method)


@dataclass(frozen=True)
class QuestionForecasts:
    """One question's forecasts as arrays; `end` is np.inf while a forecast stands.

    Standing forecasts are not clipped at the question's close: the history's last entry then
    has no end, as in an export of the forecasts themselves, and values asked for after the
    close are evaluated at the close (`evaluation_time`).
    """

    start: Floats
    end: Floats
    user: NDArray[np.int64]
    values: Floats  # (F,) probabilities or (F, 201) CDFs
    continuous: bool

    def active_at(self, t: float) -> NDArray[np.bool_]:
        """Return a mask of the forecasts standing at instant t."""
        return (self.start <= t) & (t < self.end)


def _text_epochs(texts: list[str | None]) -> Floats:
    """Return Unix seconds of UTC timestamp texts, exactly as datetime.timestamp() gives them
    (integer microseconds over 1e6, correctly rounded); None is +inf."""
    stamps = np.array(["NaT" if t is None else t for t in texts], dtype="datetime64[us]")
    seconds = (stamps - _EPOCH_US).astype(np.int64) / 1e6
    seconds[np.isnat(stamps)] = np.inf
    return np.asarray(seconds, dtype=np.float64)


def _times(session: Session, question: Question) -> tuple[Sequence[Any], Floats, Floats]:
    """Return the question's forecast rows with their start and end times as Unix seconds."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.execute(_FORECASTS_OF_TEXT, {"qid": question.id}).all()
        try:
            return rows, _text_epochs([r[1] for r in rows]), _text_epochs([r[2] for r in rows])
        except ValueError:
            pass  # a timestamp numpy does not read: the general way below
    rows = connection.execute(_FORECASTS_OF, {"qid": question.id}).all()
    n = len(rows)
    start = np.fromiter((r[1].timestamp() for r in rows), dtype=np.float64, count=n)
    end = np.fromiter(
        (r[2].timestamp() if r[2] is not None else np.inf for r in rows), dtype=np.float64, count=n
    )
    return rows, start, end


def load_forecasts(session: Session, question: Question) -> QuestionForecasts:
    """Load every forecast of the question in one statement."""
    rows, start, end = _times(session, question)
    n = len(rows)
    user = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    if question.is_continuous:
        values = np.vstack([r[4] for r in rows]) if n else np.empty((0, CDF_POINTS))
    else:
        values = np.fromiter((r[3] for r in rows), dtype=np.float64, count=n)
    return QuestionForecasts(
        start=start,
        end=end,
        user=user,
        values=values,
        continuous=question.is_continuous,
    )


def reputations(session: Session, forecasts: QuestionForecasts) -> Floats:
    """Return each forecast's track-record reputation from its user's earlier resolved scores.

    rep = max(sum Peer / (30 + sum coverage), 1e-6) over the questions the user was scored on
    that resolved before the forecast started (SCORING.md, `track_record`).
    """
    users = np.unique(forecasts.user)
    rep = np.full(len(forecasts.start), REPUTATION_FLOOR)
    if len(users) == 0:
        return rep
    rows = session.execute(
        sa_select(
            col(Score.user_id), col(Question.resolved_at), col(Score.peer), col(Score.coverage)
        )
        .join(Question, col(Question.id) == col(Score.question_id))
        .where(col(Score.user_id).in_(users.tolist()), col(Question.resolved_at).is_not(None))
    ).all()
    if not rows:
        return rep
    s_user = np.array([r[0] for r in rows], dtype=np.int64)
    s_time = np.array([r[1].timestamp() for r in rows])
    s_peer = np.array([r[2] for r in rows])
    s_cov = np.array([r[3] for r in rows])
    order = np.lexsort((s_time, s_user))
    s_user, s_time, s_peer, s_cov = s_user[order], s_time[order], s_peer[order], s_cov[order]
    peer_sum = np.concatenate(([0.0], np.cumsum(s_peer)))
    cov_sum = np.concatenate(([0.0], np.cumsum(s_cov)))
    # Rows before (user, start): searchsorted on the (user, time) order, for every forecast.
    key_scores = s_user.astype(np.float64) * 1e12 + s_time
    key_forecasts = forecasts.user.astype(np.float64) * 1e12 + forecasts.start
    upto = np.searchsorted(key_scores, key_forecasts, side="left")
    first = np.searchsorted(s_user, forecasts.user, side="left")
    peer = peer_sum[upto] - peer_sum[first]
    coverage = cov_sum[upto] - cov_sum[first]
    return np.maximum(peer / (30.0 + coverage), REPUTATION_FLOOR)


def build_cached(
    session: Session,
    question: Question,
    method: str,
    *,
    band: bool = True,
    previous: CachedAggregate | None = None,
) -> CachedAggregate:
    """Compute the history, the latest entry's interval and (with band) the chart's band.

    With previous (the stale cached aggregate) the history is extended from its last change
    point and the band keeps its earlier instants, when the forecasts allow it (see
    forecast.aggregate_extend); otherwise everything is computed again.
    """
    forecasts = load_forecasts(session, question)
    window = {
        "open_time": to_epoch(question.open_time),
        "scheduled_close": to_epoch(question.close_time),
    }
    h = None
    if previous is not None:
        h = extend(
            previous.history,
            forecasts.start,
            forecasts.end,
            forecasts.user,
            forecasts.values,
            method=method,
            **window,
        )
    if h is None:
        previous = None  # nothing of it carries over
        rep = reputations(session, forecasts) if method == "track_record" else None
        h = history(
            forecasts.start,
            forecasts.end,
            forecasts.user,
            forecasts.values,
            method=method,
            reputation=rep,
            **window,
        )
    nonempty = np.flatnonzero(h.forecaster_count > 0)
    width = CDF_POINTS if forecasts.continuous else 1
    low = high = np.full(width, np.nan)
    latest = int(nonempty[-1]) if len(nonempty) else -1
    if latest >= 0:
        value = value_at(
            session, question, method=method, at=from_epoch(h.start[latest]), forecasts=forecasts
        )
        assert value.interval is not None
        low = np.atleast_1d(np.asarray(value.interval[0], dtype=np.float64))
        high = np.atleast_1d(np.asarray(value.interval[1], dtype=np.float64))
    if not band and not forecasts.continuous and latest >= 0:
        empty = np.empty(0)
        return CachedAggregate(h, latest, low, high, empty, empty, empty, band_done=False)
    if previous is not None and previous.band_done and not forecasts.continuous:
        latest_time = float(h.start[latest]) if latest >= 0 else None
        bands = _extended_band(session, question, method, forecasts, previous, latest_time)
    else:
        bands = _interval_band(session, question, method, h, forecasts)
    return CachedAggregate(h, latest, low, high, *bands)


def _interval_band(
    session: Session,
    question: Question,
    method: str,
    h: History,
    forecasts: QuestionForecasts,
) -> tuple[Floats, Floats, Floats]:
    """Return the bootstrap interval at evenly spaced instants of a binary question's history.

    The chart's band needs a few dozen points, not one per change point; each uses
    BAND_RESAMPLES resamples (the value reported for an instant always uses 1,000).
    """
    nonempty = np.flatnonzero(h.forecaster_count > 0)
    if forecasts.continuous or len(nonempty) == 0:
        empty = np.empty(0)
        return empty, empty, empty
    times = np.unique(np.linspace(h.start[nonempty[0]], h.start[nonempty[-1]], BAND_POINTS))
    low, high = np.full(len(times), np.nan), np.full(len(times), np.nan)
    for i, t in enumerate(times.tolist()):
        low[i], high[i] = _band_point(session, question, method, forecasts, t)
    return times, low, high


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


def _extended_band(
    session: Session,
    question: Question,
    method: str,
    forecasts: QuestionForecasts,
    previous: CachedAggregate,
    latest_time: float | None,
) -> tuple[Floats, Floats, Floats]:
    """Return the previous band's instants before its history's last change point, which hold
    the same forecasts, and the interval at the latest entry with forecasters (latest_time);
    thinned to BAND_POINTS when it has grown to twice that."""
    keep = previous.band_time < previous.history.start[-1]
    times, low, high = (
        a[keep] for a in (previous.band_time, previous.band_low, previous.band_high)
    )
    if latest_time is not None:
        point_low, point_high = _band_point(session, question, method, forecasts, latest_time)
        times = np.append(times, latest_time)
        low = np.append(low, point_low)
        high = np.append(high, point_high)
    if len(times) >= 2 * BAND_POINTS:
        # Every other instant, keeping the first and the latest: each still holds exactly.
        picked = np.unique(np.append(np.arange(0, len(times), 2), len(times) - 1))
        times, low, high = times[picked], low[picked], high[picked]
    return times, low, high


def cached_aggregate(
    session: Session, question: Question, method: str, *, band: bool = False
) -> CachedAggregate:
    """Return the cached history, recomputing and storing it when forecasts have changed.

    With band=True the chart's interval band is included, computed and stored the first time
    it is asked for at this version of the forecasts.
    """
    method = parse_method(method)
    version = question.forecasts_version
    # What this session built already: its own snapshot may not show the row it stored, and
    # reading it back would build everything again (and drop the band).
    memo: dict[tuple[Any, str, int], CachedAggregate] = session.info.setdefault(_MEMO, {})
    key = (question.id, method, version)
    known = memo.get(key)
    if known is not None and (known.band_done or not band):
        return known
    row = session.connection().execute(_CACHED, {"qid": question.id, "method": method}).first()
    fresh: CachedAggregate | None = None
    stale: CachedAggregate | None = None
    if row is not None:
        # A row written by an earlier release with fewer arrays is rebuilt.
        with contextlib.suppress(KeyError):
            if row.forecasts_version == version:
                fresh = unpack(row.payload)
            else:
                stale = unpack(row.payload)
    if fresh is None and known is not None:
        fresh = known
    if fresh is not None and (fresh.band_done or not band):
        _remember(memo, key, fresh)
        return fresh
    if fresh is not None:
        # The history and interval are current: only the band is missing.
        forecasts = load_forecasts(session, question)
        times, low, high = _interval_band(session, question, method, fresh.history, forecasts)
        cached = replace(fresh, band_time=times, band_low=low, band_high=high, band_done=True)
    else:
        cached = build_cached(session, question, method, band=band, previous=stale)
    _store(session, question.id, method, version, pack(cached))  # type: ignore[arg-type]
    _remember(memo, key, cached)
    return cached


def _remember(
    memo: dict[tuple[Any, str, int], CachedAggregate],
    key: tuple[Any, str, int],
    cached: CachedAggregate,
) -> None:
    """Keep the last MEMO_SIZE aggregates of a session (a job may walk every question)."""
    memo.pop(key, None)
    memo[key] = cached
    while len(memo) > MEMO_SIZE:
        memo.pop(next(iter(memo)))


def current_value(
    session: Session, question: Question, method: str = DEFAULT_METHOD
) -> AggregateValue:
    """Return the aggregate now, from the cache (the interval too, when it is the latest entry)."""
    cached = cached_aggregate(session, question, method)
    moment = evaluation_time(question, None)
    h = cached.history
    i = int(np.searchsorted(h.start, to_epoch(moment), side="right")) - 1
    if i < 0 or h.forecaster_count[i] == 0:
        return AggregateValue(parse_method(method), moment, 0, None, None, None)
    if i != cached.latest or method == "track_record":
        # track_record weights decay with time, so only a fresh computation is exact now.
        return value_at(session, question, method=method, at=moment)
    count = int(h.forecaster_count[i])
    if h.value.ndim == 2:
        interval = (cached.interval_low, cached.interval_high)
        return AggregateValue(parse_method(method), moment, count, None, h.value[i], interval)
    interval_pair = (float(cached.interval_low[0]), float(cached.interval_high[0]))
    return AggregateValue(
        parse_method(method), moment, count, float(h.value[i]), None, interval_pair
    )


def _store(session: Session, question_id: int, method: str, version: int, payload: bytes) -> None:
    # A separate session: the caller may be in the middle of a read-only request.
    writer = new_session(session_engine(session))
    try:
        begin_write(writer)
        writer.execute(delete(_C).where(_C.c.question_id == question_id, _C.c.method == method))
        writer.execute(
            insert(_C).values(
                question_id=question_id,
                method=method,
                forecasts_version=version,
                payload=payload,
                computed_at=utcnow(),
            )
        )
        writer.commit()
    except IntegrityError:
        writer.rollback()  # another worker stored the same history first
    finally:
        writer.close()


@dataclass(frozen=True)
class AggregateValue:
    """The aggregate at one instant, with its forecaster count and bootstrap interval."""

    method: str
    at: datetime
    forecaster_count: int
    probability: float | None  # binary
    cdf: Floats | None  # continuous
    interval: tuple[float, float] | tuple[Floats, Floats] | None


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
    forecasts = forecasts or load_forecasts(session, question)
    active = forecasts.active_at(t)
    n = int(active.sum())
    if n == 0:
        return AggregateValue(method, moment, 0, None, None, None)
    start, user, values = forecasts.start[active], forecasts.user[active], forecasts.values[active]
    rep = None
    if method == "track_record":
        rep = reputations(session, forecasts)[active]
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
        if method == "track_record":
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
            kind="continuous" if forecasts.continuous else "binary",
            n_resamples=resamples,
            rng=np.random.default_rng(BOOTSTRAP_SEED),
            **extra,
        )
    if forecasts.continuous:
        return AggregateValue(method, moment, n, None, np.asarray(value), interval)
    return AggregateValue(method, moment, n, float(value), None, interval)


def medians(h: History) -> Floats:
    """Return the internal-axis position of each continuous entry's median (nan when empty)."""
    return cdf_quantile(h.value, 0.5)


def history_times(h: History) -> list[tuple[datetime, datetime | None]]:
    """Return the entries' (start, end) as datetimes, end None for the open last entry."""
    return [
        (from_epoch(s), None if not np.isfinite(e) else from_epoch(e))
        for s, e in zip(h.start.tolist(), h.end.tolist(), strict=True)
    ]
