"""Template filters: times, probabilities and values as people read them."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from forecast.core.formatting import number, percent, plural, signed
from forecast.infra.clock import as_utc, from_epoch, parse_iso, utcnow


def when(value: datetime | None) -> str:
    """Format an instant as '2026-11-23 14:05 UTC'."""
    if value is None:
        return "—"
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def iso_when(value: str | None) -> str:
    """Format an ISO 8601 instant from the JSON payloads as '2026-11-23 14:05 UTC'."""
    return "—" if not value else when(parse_iso(value))


def event_text(event: dict[str, Any]) -> str:
    """Say what a boundary's event is: 'P(yes)', 'P(within 10 years)', 'P(X >= 1e+27)'."""
    kind = event.get("kind")
    if kind == "within":
        years = event.get("years")
        return f"P(within {years} year{'' if years == 1 else 's'})"
    if kind == "before":
        return f"P(before {str(event.get('date', ''))[:10]})"
    if kind in ("at_least", "at_most"):
        value = event.get("value")
        shown = f"{value:.4g}" if isinstance(value, int | float) else str(value)
        return f"P(X {'>=' if kind == 'at_least' else '<='} {shown})"
    if kind == "option":
        return f"P({event.get('option')})"
    return "P(yes)"


def day(value: datetime | None) -> str:
    """Format an instant as a date."""
    return "—" if value is None else as_utc(value).strftime("%Y-%m-%d")


def relative(value: datetime | None) -> str:
    """Say how far an instant is from now ('in 3 days', '2 hours ago')."""
    if value is None:
        return ""
    seconds = (as_utc(value) - utcnow()).total_seconds()
    future = seconds > 0
    seconds = abs(seconds)
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            n = int(seconds // size)
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "now"


def axis_value(value: float | None, qtype: str) -> str:
    """Format a value on a question's axis (dates from Unix seconds)."""
    if value is None:
        return "—"
    if qtype == "date":
        return from_epoch(value).strftime("%Y-%m-%d")
    if abs(value) >= 1e6 or (value != 0 and abs(value) < 1e-3):
        return f"{value:.3g}"
    if abs(value) >= 1e3:
        # Four significant digits with separators: 12,350 rather than 1.235e+04.
        digits = 3 - math.floor(math.log10(abs(value)))
        return f"{round(value, digits):,.0f}"
    return f"{value:,.4g}"


def quantity(value: float | None, unit: str | None = None) -> str:
    """Format an answer with its unit; a year reads '1969', not '1969.0 year'."""
    if value is None:
        return "—"
    if unit in ("year", "years") and float(value).is_integer():
        return str(int(value))
    shown = axis_value(value, "numeric")
    return f"{shown} {unit}" if unit else shown


FILTERS: dict[str, Any] = {
    "when": when,
    "iso_when": iso_when,
    "event_text": event_text,
    "day": day,
    "relative": relative,
    "percent": percent,
    "axis_value": axis_value,
    "signed": signed,
    "number": number,
    "quantity": quantity,
    "plural": plural,
}
