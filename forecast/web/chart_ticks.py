"""Round tick values for chart axes: 1/2/5 steps, powers of ten, whole years, months and days."""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

AxisKind = Literal["linear", "log", "date"]

TARGET = 5  # ticks an axis aims for
MIN_TICKS = 3  # below this a rule is too coarse for the window and a finer one takes over
EPS = 1e-9  # slack for k * step landing an ulp outside a window that ends on it
STEPS = (1, 2, 5)
LOG_MANTISSAS = (STEPS, (1, 2, 3, 5))  # multiples of powers of ten tried on a narrow log window
ROUND_STEPS = tuple(m * 10**e for e in range(4) for m in STEPS)  # 1, 2, 5, 10, ..., 5000
MONTH_STEPS = (1, 2, 3, 6)  # divisors of 12, so every year starts on a tick
DAY_STEPS = (1, 2, 5, 10, 15)  # days of the month 1, 1 + step, ...
CLOCK_STEPS_S = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
FIRST_TS = datetime(1, 1, 2, tzinfo=UTC).timestamp()  # dates need a datetime either side
LAST_TS = datetime(9998, 12, 31, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Tick:
    """A round value on an axis; dates carry their label, numbers leave it to the axis."""

    value: float
    label: str | None = None


def nice_ticks(lo: float, hi: float, kind: AxisKind = "linear") -> list[Tick]:
    """Choose round, strictly increasing tick values inside [lo, hi] for an axis of kind."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    lo, hi = min(lo, hi), max(lo, hi)
    if kind == "date":
        return date_ticks(lo, hi)
    values = log_ticks(lo, hi) if kind == "log" else linear_ticks(lo, hi)
    return [Tick(v) for v in values]


def _score(count: int) -> tuple[bool, int, int]:
    # Enough ticks first, then the count nearest TARGET; a tie goes to the finer step.
    return count < MIN_TICKS, abs(count - TARGET), -count


def _best(options: Iterable[int], count: Callable[[int], int]) -> int:
    return min(options, key=lambda option: _score(count(option)))


def _inside(values: Iterable[float], lo: float, hi: float) -> list[float]:
    # Parsing "35e-1" gives the double nearest 3.5; duplicates appear only when the window is
    # narrower than the doubles can tell apart.
    return sorted({v for v in values if lo <= v <= hi})


def linear_ticks(lo: float, hi: float) -> list[float]:
    """Return the multiples of the 1/2/5 x 10^k step giving about TARGET ticks in [lo, hi]."""
    span = hi - lo
    if span <= 0:
        return [lo] if span == 0 else []
    if not math.isfinite(span) or span / TARGET < 1e-300:
        return [lo, hi]
    e = math.floor(math.log10(span / TARGET))
    options = [(m, p) for p in (e - 1, e, e + 1) for m in STEPS]

    def first_last(option: tuple[int, int]) -> tuple[int, int]:
        step = option[0] * 10.0 ** option[1]
        return math.ceil(lo / step - EPS), math.floor(hi / step + EPS)

    def count(i: int) -> int:
        first, last = first_last(options[i])
        return last - first + 1

    m, p = options[_best(range(len(options)), count)]
    first, last = first_last((m, p))
    return _inside((float(f"{k * m}e{p}") for k in range(first, last + 1)), lo, hi)


def log_ticks(lo: float, hi: float) -> list[float]:
    """Return powers of ten in [lo, hi], with 2x and 5x ones in a narrow window.

    A window holding fewer than MIN_TICKS powers gets the 1/2/5 multiples too, else the
    1/2/3/5 ones, which stay evenly spread on a log axis; a window too short for those (a few
    percent wide) gets linear ticks, which on so short a stretch of a log axis are nearly even.
    """
    if lo <= 0 or lo >= hi:
        # A log axis reaches zero or below only through a negative zero point.
        return linear_ticks(lo, hi)
    a, b = math.log10(lo), math.log10(hi)
    first, last = math.ceil(a - EPS), math.floor(b + EPS)
    if last - first + 1 >= MIN_TICKS:
        stride = _best(ROUND_STEPS, lambda s: last // s - -(-first // s) + 1)
        return _inside((float(f"1e{k}") for k in range(first, last + 1) if k % stride == 0), lo, hi)
    for mantissas in LOG_MANTISSAS:
        multiples = _inside(
            (float(f"{m}e{k}") for k in range(math.floor(a), math.ceil(b) + 1) for m in mantissas),
            lo,
            hi,
        )
        if len(multiples) >= MIN_TICKS:
            return multiples
    return linear_ticks(lo, hi)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _ts(value: datetime) -> float:
    return value.timestamp()


def _years(lo: float, hi: float) -> list[Tick]:
    start = _utc(lo).year
    first = start if _ts(datetime(start, 1, 1, tzinfo=UTC)) >= lo else start + 1
    last = _utc(hi).year
    if last < first:
        return []
    step = _best(ROUND_STEPS, lambda s: last // s - -(-first // s) + 1)
    return [
        Tick(_ts(when), when.strftime("%Y"))
        for y in range(-(-first // step) * step, last + 1, step)
        for when in (datetime(y, 1, 1, tzinfo=UTC),)
    ]


def _months(lo: float, hi: float) -> list[Tick]:
    begin, end = _utc(lo), _utc(hi)
    first = begin.year * 12 + begin.month - 1
    if _ts(datetime(begin.year, begin.month, 1, tzinfo=UTC)) < lo:
        first += 1
    last = end.year * 12 + end.month - 1
    if last < first:
        return []
    step = _best(MONTH_STEPS, lambda s: last // s - -(-first // s) + 1)
    return [
        Tick(_ts(when), when.strftime("%Y-%m"))
        for i in range(-(-first // step) * step, last + 1, step)
        for when in (datetime(i // 12, i % 12 + 1, 1, tzinfo=UTC),)
    ]


def _on_day_step(day: datetime, step: int) -> bool:
    # Days 1, 1 + step, ... but not one so late that the next month's 1st crowds it.
    left = calendar.monthrange(day.year, day.month)[1] - day.day + 1
    return (day.day - 1) % step == 0 and 2 * left >= step


def _days(lo: float, hi: float) -> list[Tick]:
    begin = _utc(lo).replace(hour=0, minute=0, second=0, microsecond=0)
    if _ts(begin) < lo:
        begin += timedelta(days=1)
    count = math.floor((hi - _ts(begin)) / 86400) + 1
    if count <= 0 or count > 400:  # longer windows have whole months to show
        return []
    days = [begin + timedelta(days=i) for i in range(count)]
    step = _best(DAY_STEPS, lambda s: sum(_on_day_step(d, s) for d in days))
    return [Tick(_ts(d), d.strftime("%Y-%m-%d")) for d in days if _on_day_step(d, step)]


def _clock(lo: float, hi: float) -> list[Tick]:
    # Unix time has no leap seconds, so multiples of an hour from the epoch are whole hours.
    def count(s: int) -> int:
        return math.floor(hi / s) - math.ceil(lo / s) + 1

    step = _best(CLOCK_STEPS_S, count)
    values = [float(k * step) for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)]
    fmt = "%Y-%m-%d %H:%M"
    if len(values) < 2:
        values, fmt = linear_ticks(lo, hi), "%Y-%m-%d %H:%M:%S"
    return [Tick(v, _utc(v).strftime(fmt)) for v in _inside(values, lo, hi)]


def date_ticks(lo: float, hi: float) -> list[Tick]:
    """Return whole years, else months, else days (else hours) in [lo, hi] Unix seconds."""
    if lo < FIRST_TS or hi > LAST_TS:
        return [Tick(v) for v in linear_ticks(lo, hi)]
    if lo == hi:
        return [Tick(lo, _utc(lo).strftime("%Y-%m-%d"))]
    for level in (_years, _months, _days):
        # datetime rounds to the microsecond, which can put a window's end on the next day.
        ticks = [t for t in level(lo, hi) if lo <= t.value <= hi]
        if len(ticks) >= MIN_TICKS:
            return ticks
    return _clock(lo, hi)


def distinct_labels(values: Sequence[float], labels: Sequence[str]) -> list[str]:
    """Return labels, or the values with just enough digits when two labels read the same."""
    if len(set(labels)) == len(labels):
        return list(labels)
    for digits in range(4, 18):
        # The axis's own style: grouped digits below a million, exponents above.
        finer = [f"{v:.{digits}g}" if abs(v) >= 1e6 else f"{v:,.{digits}g}" for v in values]
        if len(set(finer)) == len(finer):
            return finer
    return list(labels)
