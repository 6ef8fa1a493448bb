"""Instants as the app writes them: aware UTC datetimes, ISO 8601 text and Unix seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(value: datetime) -> datetime:
    """Return value as an aware UTC datetime, reading naive values as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; naive ones are read as UTC (ValueError when it cannot be)."""
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("z", "Z")))
    except OverflowError:
        raise ValueError(f"{text!r} is outside the representable range") from None


def format_iso(value: datetime) -> str:
    """Format an instant as ISO 8601 UTC with a Z suffix (microseconds only when present)."""
    value = as_utc(value).replace(tzinfo=None)
    # isoformat, unlike strftime's %Y, always writes four year digits (0464, not 464).
    return value.isoformat(timespec="microseconds" if value.microsecond else "seconds") + "Z"


def to_epoch(value: datetime) -> float:
    """Return Unix seconds for an instant."""
    return as_utc(value).timestamp()


def from_epoch(seconds: float) -> datetime:
    """Return the aware UTC instant for Unix seconds, rounded to the microsecond."""
    return datetime.fromtimestamp(round(seconds, 6), UTC)
