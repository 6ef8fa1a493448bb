"""Decision boundaries over time: calendar deadlines, crossing events, rolling horizons.

Pure numpy; `forecast.core.boundaries.rules` builds on it and re-exports what callers need.

Calendar years (UTC)
--------------------
A rolling "within N years" event (0 < N <= 100) ends at deadline(t) = t + N calendar years.
t + N years, N whole, keeps the month, day and time of day; 29 February becomes 28 February in a
year that has none. For fractional N = w + f the deadline is the w-th anniversary plus f times the
length of the next year, i.e. linear between the w-th and (w+1)-th anniversaries:
``A(t, w) + f * (A(t, w + 1) - A(t, w))``. So "within 0.5 years" of 1 January 2027 ends at
noon on 2 July 2027 (half of 365 days), and the deadline never decreases as N grows.
As t moves, the deadline moves with it second for second, except on the leap-day seams: on an
origin's 29 February the deadline falls back to 28 February 00:00 and repeats that day, and when
the origin's year has no 29 February but the target year has one, the deadline skips it (at the
origin's 1 March 00:00 it jumps a day forward).

Histories
---------
The event's probability P(t) comes from an aggregate history, a step function of K entries
``[start_k, end_k)`` (``end[-1] = inf``). For a fixed event P is constant on each entry. For a
rolling "within N years" event on a date question the entry's CDF is fixed but the deadline
moves with the clock, so P(t) = F_k(deadline(t)) rises inside the entry.

States
------
The state is "crossed" or "not_crossed". It becomes crossed whenever P is past the threshold
t (">=": P >= t; "<=": P <= t). Once crossed it returns to not_crossed only when P is past the
threshold by the hysteresis h the other way (">=": P < t - h; "<=": P > t + h); inside that band
the state holds. With h = 0 the state is simply whether P is past t. The first event, at the
commit time, records the state computed from the value then in force, the band ignored (a value
inside the band starts not_crossed). Entries without forecasters (P = NaN) hold the state; if
none is in force at the commit, the first event is at the first entry with a value. Later events
are changes of state only, so the states alternate. Events after ``until`` (the evaluation
instant) are left out: a rolling probability keeps rising after the last forecast.

Rolling horizons, exactly
-------------------------
Each entry is cut at the leap-day seams of the calendar (00:00 UTC on 29 February and on
1 March), where deadline(t) can jump. Between cuts the deadline moves second for second
(deadline(s) = deadline(a) + (s - a) on a piece starting at a) and the CDF is non-decreasing, so P
rises continuously from its value at the piece's start. On a rising piece only one change can
happen inside it: for ">=" becoming crossed, at the first instant P reaches t; for "<=" leaving,
at the instant P reaches t + h (after which P > t + h). Both instants come from inverting the
CDF: the deadline D* where the CDF reaches the level (`forecast.core.distributions.quantile_of`'s
rule, for all pieces at once), then s* = a + (D* - deadline(a)), kept when it falls before the
piece's end. Inside a piece this is "subtract N calendar years from D*"; written as a shift it
stays exact on the leap-day seams, where subtracting years is not an inverse. The opposite
changes (">=" leaving, "<=" becoming crossed) can only happen where P drops, i.e. at a piece's
start. The recorded probability of an inside change is the level reached (t, or t + h), its
exact value there.

Vectorised: the state after each sample is the value of the last decisive sample before it
(a forward fill with `np.maximum.accumulate`), so there is no Python loop over entries, with or
without hysteresis. The samples are the pieces' starts (decisive when P is past t or beyond the
band) and the inside changes (always decisive).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forecast.core.distributions import CDF_POINTS, Scale

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CROSSED, NOT_CROSSED = "crossed", "not_crossed"
_INTERVALS = CDF_POINTS - 1
_DAY = 86_400.0


def _leap(year: npt.NDArray[np.int64]) -> BoolArray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def _anniversary(days: npt.NDArray[np.int64], years: int) -> npt.NDArray[np.int64]:
    dates = days.astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]")
    month_of_year = (month - year).astype(np.int64)
    day_of_month = (dates - month).astype(np.int64)
    target_year = year.astype(np.int64) + 1970 + years
    lost_leap_day = (month_of_year == 1) & (day_of_month == 28) & ~_leap(target_year)
    day_of_month = np.where(lost_leap_day, 27, day_of_month)
    target_month = ((target_year - 1970) * 12 + month_of_year).astype("datetime64[M]")
    return (target_month.astype("datetime64[D]") + day_of_month).astype(np.int64)


def shift_years(t: float | FloatArray, years: float) -> FloatArray:
    """Add calendar years to Unix times, as the module explains; NaN stays NaN."""
    times = np.asarray(t, dtype=np.float64)
    finite = np.isfinite(times)
    safe = np.where(finite, times, 0.0)
    days, seconds = np.divmod(safe, _DAY)
    whole = math.floor(years)
    fraction = years - whole
    day_ints = days.astype(np.int64)
    shifted = _anniversary(day_ints, whole) * _DAY + seconds
    if fraction:
        following = _anniversary(day_ints, whole + 1) * _DAY + seconds
        shifted = shifted + fraction * (following - shifted)
    return np.where(finite, shifted, np.nan)


def add_years(t: float, years: float) -> float:
    """Return the Unix time t plus a number of calendar years."""
    return float(shift_years(t, years))


def cdf_rows_at_u(cdfs: FloatArray, u: float | FloatArray) -> FloatArray:
    """Return each CDF row at its own position u (broadcast over rows), linear between points.

    The arithmetic is `forecast.core.distributions.cdf_at_u`'s; a NaN row or position gives NaN.
    """
    c = np.asarray(cdfs, dtype=np.float64)
    positions = np.broadcast_to(np.asarray(u, dtype=np.float64), c.shape[:-1])
    known = ~np.isnan(positions)
    scaled = np.clip(np.where(known, positions, 0.0), 0.0, 1.0) * _INTERVALS
    k = np.minimum(np.floor(scaled).astype(np.intp), _INTERVALS - 1)
    frac = scaled - k
    low = np.take_along_axis(c, k[..., None], axis=-1)[..., 0]
    high = np.take_along_axis(c, k[..., None] + 1, axis=-1)[..., 0]
    return np.where(known, low * (1.0 - frac) + high * frac, np.nan)


@dataclass(frozen=True, eq=False)
class Crossings:
    """Changes of state since the commit, in time order; the first is the state at the commit."""

    time: FloatArray  # (E,) Unix seconds
    crossed: BoolArray  # (E,) the new state
    probability: FloatArray  # (E,) P(event) at that instant

    def __len__(self) -> int:
        return len(self.time)

    @property
    def states(self) -> list[str]:
        """Return the new states as "crossed" / "not_crossed"."""
        return [CROSSED if c else NOT_CROSSED for c in self.crossed.tolist()]

    def as_tuples(self) -> list[tuple[float, str, float]]:
        """Return (time, new state, probability) per event."""
        return list(zip(self.time.tolist(), self.states, self.probability.tolist(), strict=True))


def first_crossed_at(events: Crossings | Iterable[tuple[float, str, float]]) -> float | None:
    """Return when the state first became crossed since the commit, or None."""
    rows = events.as_tuples() if isinstance(events, Crossings) else events
    return next((float(t) for t, state, _ in rows if state == CROSSED), None)


def _rules(comparator: str, threshold: float, hysteresis: float) -> tuple[float, float, float]:
    # Boundaries reach this module validated (forecast.core.boundaries.rules.parse_*): a bad one
    # is a bug.
    if comparator not in (">=", "<="):
        raise ValueError(f"comparator must be '>=' or '<=', got {comparator!r}")
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be strictly between 0 and 1, got {threshold!r}")
    if not 0.0 <= hysteresis < 1.0:
        raise ValueError(f"hysteresis must be in [0, 1), got {hysteresis!r}")
    return (1.0 if comparator == ">=" else -1.0), float(threshold), float(hysteresis)


def _machine(
    times: FloatArray,
    p: FloatArray,
    inside_time: FloatArray | None,
    inside_level: float,
    sign: float,
    threshold: float,
    h: float,
) -> Crossings:
    with np.errstate(invalid="ignore"):
        d = sign * (p - threshold)
    past, beyond = d >= 0.0, d < -h
    decisive = past | beyond
    known = ~np.isnan(p)
    if known.any():
        decisive[np.argmax(known)] = True
    if inside_time is None:
        t, value, prob = times, past, p
    else:
        n = len(times)
        t, prob = np.empty(2 * n), np.empty(2 * n)
        value = np.empty(2 * n, dtype=bool)
        t[0::2], t[1::2] = times, inside_time
        prob[0::2], prob[1::2] = p, inside_level
        value[0::2] = past
        # An inside change only ever goes one way: ">=" into crossed, "<=" out of it.
        value[1::2] = sign > 0
        decisive = np.stack([decisive, ~np.isnan(inside_time)], axis=1).ravel()
    last = np.maximum.accumulate(np.where(decisive, np.arange(len(t)), -1))
    seen = last >= 0
    state = value[np.maximum(last, 0)] & seen
    change = seen.copy()
    change[1:] &= (state[1:] != state[:-1]) | ~seen[:-1]
    keep = np.flatnonzero(change)
    return Crossings(t[keep].copy(), state[keep].copy(), prob[keep].copy())


def _entries(
    start: FloatArray, end: FloatArray, *rows: FloatArray
) -> tuple[FloatArray, FloatArray]:
    s, e = np.asarray(start, np.float64), np.asarray(end, np.float64)
    if s.ndim != 1 or s.shape != e.shape or any(len(r) != len(s) for r in rows):
        raise ValueError("start, end and the values must be one entry per row")
    if (np.diff(s) < 0).any():
        raise ValueError("history entries must be in time order")
    return s, e


def states(
    start: FloatArray,
    end: FloatArray,
    p: FloatArray,
    *,
    comparator: str,
    threshold: float,
    hysteresis: float = 0.0,
    commit_time: float,
    until: float = math.inf,
) -> Crossings:
    """Return the changes of state of a step function of P(event) since the commit."""
    sign, t, h = _rules(comparator, threshold, hysteresis)
    values = np.asarray(p, np.float64)
    s, e = _entries(start, end, values)
    live = (e > commit_time) & (s <= until) & (s < e)
    times = np.maximum(s[live], commit_time)
    return _machine(times, values[live], None, t, sign, t, h)


@dataclass(frozen=True, eq=False)
class _Pieces:
    start: FloatArray  # (P,) where a piece starts
    end: FloatArray  # (P,) where it ends (inf for the last)
    row: npt.NDArray[np.intp]  # (P,) the history entry it belongs to
    deadline: FloatArray  # (P,) the deadline at its start
    p: FloatArray  # (P,) P(event) at its start


def _leap_seams(t0: float, t1: float) -> FloatArray:
    if not t0 < t1:
        return np.empty(0)
    ends = np.floor(np.array([t0, t1]) / _DAY).astype(np.int64).astype("datetime64[D]")
    first, last = ends.astype("datetime64[Y]").astype(np.int64).tolist()
    year = np.arange(first, last + 1, dtype=np.int64)
    march = (year * 12 + 2).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    days = np.concatenate([march, march[_leap(year + 1970)] - 1])
    seams = np.sort(days * 86_400.0)
    return seams[(seams > t0) & (seams <= t1)]


def _pieces(
    start: FloatArray,
    end: FloatArray,
    cdfs: FloatArray,
    scale: Scale,
    years: float,
    t_from: float,
    t_to: float,
) -> _Pieces:
    s, e = _entries(start, end, cdfs)
    live = np.flatnonzero((e > t_from) & (s <= t_to) & (s < e))
    a = np.maximum(s[live], t_from)
    if len(a) == 0:
        empty = np.empty(0)
        return _Pieces(empty, empty, np.empty(0, np.intp), empty, empty)
    # Past scale.max the deadline (always later than t) is above the range and P stands still.
    horizon = min(t_to, scale.max, float(e[live][-1]))
    cuts = np.union1d(a, _leap_seams(float(a[0]), horizon))
    entry = live[np.searchsorted(a, cuts, side="right") - 1]
    inside = cuts < e[entry]
    cuts, entry = cuts[inside], entry[inside]
    ends = np.minimum(np.append(cuts[1:], np.inf), e[entry])
    deadline = shift_years(cuts, years)
    p = cdf_rows_at_u(cdfs[entry], scale.to_u(deadline))
    return _Pieces(cuts, ends, entry.astype(np.intp), deadline, p)


def _reach(
    pieces: _Pieces, cdfs: FloatArray, scale: Scale, level: float, *, strict: bool
) -> FloatArray:
    """Return per piece the first instant P >= level (strict: P > level), NaN if none inside."""
    c = cdfs[pieces.row]
    with np.errstate(invalid="ignore", divide="ignore"):
        at_start = pieces.p > level if strict else pieces.p >= level
        top = c[:, -1]
        reachable = (level < top) if strict else (level <= top)
        k = np.clip((c < level).sum(axis=1), 1, _INTERVALS)
        low = np.take_along_axis(c, (k - 1)[:, None], axis=1)[:, 0]
        high = np.take_along_axis(c, k[:, None], axis=1)[:, 0]
        u = (k - 1 + np.clip((level - low) / (high - low), 0.0, 1.0)) / _INTERVALS
        target = scale.from_u(np.where(reachable, u, 0.0))
        when = np.maximum(pieces.start + (target - pieces.deadline), pieces.start)
        inside = reachable & ~at_start & (when < pieces.end)
    return np.where(at_start, pieces.start, np.where(inside, when, np.nan))


def rolling_states(
    start: FloatArray,
    end: FloatArray,
    cdfs: FloatArray,
    scale: Scale,
    years: float,
    *,
    comparator: str,
    threshold: float,
    hysteresis: float = 0.0,
    commit_time: float,
    until: float,
) -> Crossings:
    """Return the changes of state of a rolling "within N years" event since the commit."""
    sign, t, h = _rules(comparator, threshold, hysteresis)
    values = np.asarray(cdfs, np.float64)
    pieces = _pieces(start, end, values, scale, years, commit_time, until)
    level = t if sign > 0 else t + h
    inside = _reach(pieces, values, scale, level, strict=sign < 0)
    inside = np.where(inside <= until, inside, np.nan)
    return _machine(pieces.start, pieces.p, inside, level, sign, t, h)


def rolling_probability(
    start: FloatArray,
    end: FloatArray,
    cdfs: FloatArray,
    scale: Scale,
    years: float,
    times: FloatArray,
) -> FloatArray:
    """Return P(within N years) at each instant, NaN where no history entry is in force."""
    s, e = _entries(start, end, cdfs)
    at = np.asarray(times, np.float64)
    entry = np.searchsorted(s, at, side="right") - 1
    safe = np.maximum(entry, 0)
    valid = (entry >= 0) & (at < e[safe])
    p = cdf_rows_at_u(np.asarray(cdfs, np.float64)[safe], scale.to_u(shift_years(at, years)))
    return np.where(valid, p, np.nan)


def rolling_path(
    history_start: FloatArray,
    history_end: FloatArray,
    cdfs: FloatArray,
    scale: Scale,
    years: float,
    t_from: float,
    t_to: float,
    *,
    threshold: float | None = None,
    hysteresis: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Return (times, P) of a rolling event for a chart, agreeing with `rolling_states`.

    Samples: every piece's start (entry starts and leap-day seams), the left limit at every
    piece's end where P jumps (the same time twice, the left limit first), the instants P
    reaches the threshold and threshold +- hysteresis inside a piece, and t_to when finite.
    """
    values = np.asarray(cdfs, np.float64)
    pieces = _pieces(history_start, history_end, values, scale, years, t_from, t_to)
    c = values[pieces.row]

    def p_inside(at: FloatArray) -> FloatArray:
        return cdf_rows_at_u(c, scale.to_u(pieces.deadline + (at - pieces.start)))

    times, p, order = [pieces.start], [pieces.p], [np.ones(len(pieces.start))]
    ends = np.minimum(pieces.end, t_to)
    closing = np.isfinite(ends) & (ends > pieces.start)
    times.append(ends[closing])
    p.append(p_inside(ends)[closing])
    # At a piece boundary the left limit comes before the next piece's own value.
    order.append(np.where(pieces.end[closing] <= t_to, 0.0, 2.0))
    levels = (
        [] if threshold is None else [threshold, threshold - hysteresis, threshold + hysteresis]
    )
    for level in sorted(set(levels)):
        when = _reach(pieces, values, scale, level, strict=False)
        hit = ~np.isnan(when) & (when > pieces.start) & (when <= t_to)
        times.append(when[hit])
        p.append(p_inside(np.where(hit, when, pieces.start))[hit])
        order.append(np.ones(int(hit.sum())))
    t_all, p_all, o_all = np.concatenate(times), np.concatenate(p), np.concatenate(order)
    sort = np.lexsort((o_all, t_all))
    return t_all[sort], p_all[sort]
