"""One page of a listing, and the bounds every paged listing checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select

from forecast.errors import ValidationFailed

T = TypeVar("T")
Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, with what it takes to number the others."""

    items: list[T]
    page: int
    per_page: int
    total: int


# The furthest page any listing answers (the API's bound too).
MAX_PAGE = 1_000_000


def page_number(raw: str | None) -> int:
    """Read a page number from a query string: anything unreadable is the first page, and a
    number past MAX_PAGE is MAX_PAGE (an empty page, not an overflow in the database)."""
    try:
        return min(max(1, int(raw or 1)), MAX_PAGE)
    except ValueError:
        return 1


def check_page(page: int, per_page: int, most: int) -> None:
    """Refuse a page outside 1..MAX_PAGE, or a page size outside 1..most."""
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed(f"page must be between 1 and {MAX_PAGE:,}", "page")
    if not 1 <= per_page <= most:
        raise ValidationFailed(f"per_page must be between 1 and {most}", "per_page")


def page_of(
    session: Session,
    model: type[Row],
    where: ColumnElement[bool],
    order_by: Sequence[Any],
    page: int,
    per_page: int,
) -> Page[Row]:
    """Return one page of the rows of model that match where, in order_by's order, with the
    count of all that match (two statements: the count, then the page)."""
    total = session.execute(sa_select(func.count()).select_from(model).where(where)).scalar_one()
    rows = session.exec(
        select(model).where(where).order_by(*order_by).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(items=list(rows), page=page, per_page=per_page, total=int(total))
