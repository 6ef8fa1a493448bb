"""Counters that move with every write to a kind of derived data (`data_versions`).

A cache built on that data keeps the counter's value it read before reading the data; the cache
is current while the counter still has that value. The counter moves in the same transaction
as the write, so a reader sees either the old data and the old value or both new.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from forecast.models import DataVersion

SCORES = "scores"
_V = DataVersion.__table__  # type: ignore[attr-defined]
_READ = sa_select(_V.c.version).where(_V.c.name == bindparam("counter"))
_MOVE = update(_V).where(_V.c.name == bindparam("counter")).values(version=_V.c.version + 1)


def data_version(session: Session, name: str = SCORES) -> int:
    """Return the counter's value (0 before it has one)."""
    found = session.connection().execute(_READ, {"counter": name}).scalar()
    return int(found or 0)


def move_data_version(session: Session, name: str = SCORES) -> None:
    """Move the counter, inside the caller's write transaction."""
    moved: Any = session.connection().execute(_MOVE, {"counter": name})
    if moved.rowcount == 0:
        session.connection().execute(insert(_V).values(name=name, version=1))
