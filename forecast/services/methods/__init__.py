"""The aggregation methods as sources of values: each family of the registry
(`forecast.core.aggregation.methods`) has one module that answers for it, so callers ask
`source(method)` and never branch on a method's name."""

from __future__ import annotations

from forecast.core.aggregation.methods import (
    AGGREGATION_METHODS,
    BOUNDARY_METHODS,
    DEFAULT_METHOD,
    QUESTION_METHODS,
)
from forecast.errors import ValidationFailed
from forecast.services.methods.base import EventValue, MethodSource, Path, Target
from forecast.services.methods.best import BestAtThreshold
from forecast.services.methods.community import Community
from forecast.services.methods.trend import Trend

_SOURCES: dict[str, MethodSource] = {
    "community": Community(),
    "reference": Trend(),
    "threshold": BestAtThreshold(),
}


def source(method: str) -> MethodSource:
    """Return what answers for a registered method."""
    return _SOURCES[AGGREGATION_METHODS[method].family]


def is_reference(method: str) -> bool:
    """Tell whether a method is a reference line rather than a reading of the forecasts."""
    return AGGREGATION_METHODS[method].family == "reference"


def parse_question_method(method: str | None) -> str:
    """Return a method `?method=` on a question's aggregate may name (default when None)."""
    if method in (None, ""):
        return DEFAULT_METHOD
    if method not in QUESTION_METHODS:
        raise ValidationFailed(f"method must be one of {', '.join(QUESTION_METHODS)}", "method")
    return str(method)


def parse_boundary_method(method: str | None) -> str:
    """Return a method a boundary may act on (default when None)."""
    if method in (None, ""):
        return DEFAULT_METHOD
    if method not in BOUNDARY_METHODS:
        raise ValidationFailed(f"method must be one of {', '.join(BOUNDARY_METHODS)}", "method")
    return str(method)


__all__ = [
    "EventValue",
    "MethodSource",
    "Path",
    "Target",
    "is_reference",
    "parse_boundary_method",
    "parse_question_method",
    "source",
]
