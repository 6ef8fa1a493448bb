"""One page of a listing, and the bounds every paged listing checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from forecast.errors import ValidationFailed

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, with what it takes to number the others."""

    items: list[T]
    page: int
    per_page: int
    total: int


def check_page(page: int, per_page: int, most: int) -> None:
    """Refuse a page before the first, or a page size outside 1..most."""
    if page < 1:
        raise ValidationFailed("page starts at 1", "page")
    if not 1 <= per_page <= most:
        raise ValidationFailed(f"per_page must be between 1 and {most}", "per_page")
