"""Reading numbers out of forecast payloads, as every kind needs."""

from __future__ import annotations

from typing import Any

from forecast.errors import ValidationFailed


def number(value: Any, field: str) -> float:
    """Return value as a float, refusing booleans and non-numbers with a message naming field."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{field} must be a number", field)
    return float(value)


NO_RESOLUTION = "give an outcome, or a value (numeric questions) or a date (date questions)"
