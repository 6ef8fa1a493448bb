"""The error a boundary rule raises, and how its messages read numbers."""

import math
import numbers
from typing import Any


class BoundaryError(ValueError):
    """A boundary that breaks a rule; carries a user-facing message and the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def number_field(value: Any, field: str, what: str) -> float:
    """Return a finite number given for a field, or raise a BoundaryError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BoundaryError(f"{what} must be a number", field)
    number = float(value)
    if not math.isfinite(number):
        raise BoundaryError(f"{what} must be a finite number", field)
    return number


def fmt_value(x: float) -> str:
    """A number as a message shows it: 12 significant digits, exponents without padding."""
    text = f"{x:.12g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"
