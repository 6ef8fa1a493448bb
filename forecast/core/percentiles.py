"""Percentiles as a person types and reads them: kept as typed, rounded when read off an axis.

A forecaster's percentiles are stored beside the CDF they make, as JSON ``[[level, value], ...]``
with a date as an ISO 8601 timestamp, and shown back as typed. Where none were stored (a CDF
sent as such, a row older than the column), and for the editor's starting bell, the values come
from the question's axis and are rounded as coarsely as keeps every one within ``tolerance`` of
its place on the axis (a fraction of the range), in increasing order and off a closed bound:
to a decimal place on a linear axis, to significant figures on a log axis, and to a day on a
date axis (or to the first of a month or a year, where ``units`` offers them).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from forecast.core.distributions import Scale
from forecast.core.instants import format_iso, from_epoch, parse_iso

DAY = 86_400.0
DATE_UNITS = ("year", "month", "day")
_DIGITS = 17  # a double never needs more


def stored_text(pairs: Sequence[tuple[float, float]], *, is_date: bool) -> str:
    """Return validated (level, value) pairs as stored: JSON, a date value as ISO 8601."""
    return json.dumps(
        [[level, format_iso(from_epoch(value)) if is_date else value] for level, value in pairs]
    )


def stored_pairs(text: str | None) -> list[tuple[float, Any]]:
    """Return the stored pairs of a forecast (none for a row that keeps none)."""
    if not text:
        return []
    return [(float(level), value) for level, value in json.loads(text)]


def number_text(value: float) -> str:
    """Write a number as short as reads back to the same double: 4, 30.5, 2.5e25."""
    text = repr(float(value) + 0.0)  # + 0.0 turns -0.0 into 0.0
    mantissa, _, exponent = text.partition("e")
    if mantissa.endswith(".0"):
        mantissa = mantissa[:-2]
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def date_text(value: float | str) -> str:
    """Write an instant (Unix seconds or ISO 8601) as the UTC date a date box holds."""
    instant = parse_iso(value) if isinstance(value, str) else from_epoch(value)
    return instant.date().isoformat()


def _fits(candidate: list[float], values: Sequence[float], scale: Scale, tolerance: float) -> bool:
    new, old = np.array(candidate), np.array(values, dtype=np.float64)
    moved = np.abs(scale.to_u(new) - scale.to_u(old))
    return bool(
        np.all(moved <= tolerance)
        and np.all(np.diff(new) > 0)
        and (scale.open_lower or new[0] > scale.min)
        and (scale.open_upper or new[-1] < scale.max)
    )


def round_numbers(values: Sequence[float], scale: Scale, *, tolerance: float) -> list[float]:
    """Round increasing values on a numeric axis as coarsely as tolerance allows."""
    z = scale.zero_point
    if z is not None:
        candidates = (
            [z + float(f"{v - z:.{digits}g}") for v in values] for digits in range(1, _DIGITS + 1)
        )
    else:
        coarsest = -math.floor(math.log10(scale.max - scale.min))
        candidates = (
            [round(v, places) for v in values] for places in range(coarsest, coarsest + _DIGITS + 1)
        )
    for candidate in candidates:
        if _fits(candidate, values, scale, tolerance):
            return candidate
    return list(values)


def _round_date(seconds: float, unit: str) -> float:
    if unit == "day":
        return round(seconds / DAY) * DAY
    instant = from_epoch(seconds)
    if unit == "month":
        start = instant.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        after = (start + timedelta(days=32)).replace(day=1)
    else:
        start = datetime(instant.year, 1, 1, tzinfo=UTC)
        after = datetime(instant.year + 1, 1, 1, tzinfo=UTC)
    nearer = start if instant - start <= after - instant else after
    return nearer.timestamp()


def round_dates(
    values: Sequence[float], scale: Scale, *, tolerance: float, units: Sequence[str] = ("day",)
) -> list[float]:
    """Round increasing instants to the coarsest of units that tolerance allows (a day at least)."""
    for unit in units:
        candidate = [_round_date(v, unit) for v in values]
        if _fits(candidate, values, scale, tolerance):
            return candidate
    return [_round_date(v, "day") for v in values]  # a date box holds no finer time
