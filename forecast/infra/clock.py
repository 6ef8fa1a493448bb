"""The one place the application asks what time it is (and, for its callers, the conversions)."""

from __future__ import annotations

from datetime import UTC, datetime

from forecast.core.instants import as_utc, format_iso, from_epoch, parse_iso, to_epoch

__all__ = ["as_utc", "format_iso", "from_epoch", "parse_iso", "to_epoch", "utcnow"]


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)
