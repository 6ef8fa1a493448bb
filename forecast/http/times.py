"""Optional timestamps from query strings."""

from __future__ import annotations

from datetime import datetime

from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso


def parse_optional_time(raw: str | None, field: str) -> datetime | None:
    """Parse an optional ISO 8601 query value, naming the field when it is malformed."""
    if raw in (None, ""):
        return None
    try:
        return parse_iso(str(raw))
    except ValueError:
        raise ValidationFailed(f"{field} must be an ISO 8601 timestamp", field) from None
