"""API token lookups: the one way services read a token's owner.

On a SQLite database on a file the answer comes from the process's cache while the shared
account counter holds (forecast.infra.sqlite.token_cache); elsewhere, and on a miss, from one
indexed statement run on the driver.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session

from forecast.infra.db import session_engine
from forecast.infra.sqlite.driver_sql import DriverStatement, driver_read
from forecast.infra.sqlite.token_cache import token_cache
from forecast.models import ApiToken, User

_T = ApiToken.__table__  # type: ignore[attr-defined]
_U = User.__table__  # type: ignore[attr-defined]
_TOKEN_OWNER = DriverStatement(
    sa_select(_T.c.id, _U.c.id, _U.c.username, _U.c.role, _U.c.is_demo, _U.c.created_at)
    .join(_T, _T.c.user_id == _U.c.id)
    .where(_T.c.token_hash == bindparam("token_hash"), _T.c.revoked_at.is_(None))
)


def owner_row(session: Session, token_hash: str) -> tuple[Any, ...] | None:
    """Return (token id, user id, username, role, is_demo, created_at) of a live token, or None."""
    cache = token_cache(session_engine(session))
    stamp = cache.stamp() if cache is not None else None
    row = cache.get(token_hash, stamp) if cache is not None else None
    if row is None:
        # Every API request passes here: one indexed SQL statement, no ORM bookkeeping.
        with driver_read(session) as conn:
            row = _TOKEN_OWNER.first(conn, {"token_hash": token_hash})
        if row is None:
            return None
        if cache is not None:
            cache.put(token_hash, row, stamp)
    return row
