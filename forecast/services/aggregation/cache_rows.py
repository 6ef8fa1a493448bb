"""A question's rows in `aggregate_cache`: read inside the caller's transaction, stored in one of
their own, which gives way to another worker that stored the same row first and, on a full disk,
leaves the page to be served from what was built."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import bindparam, delete, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from forecast.infra.clock import utcnow
from forecast.infra.db import session_engine, session_scope, write
from forecast.infra.storage_full import is_storage_full
from forecast.models import AggregateCache

log = logging.getLogger(__name__)
_C = AggregateCache.__table__  # type: ignore[attr-defined]
_CACHED = sa_select(_C.c.forecasts_version, _C.c.payload).where(
    _C.c.question_id == bindparam("qid"), _C.c.method == bindparam("method")
)


def read_row(session: Session, question_id: int, method: str) -> Any:
    """Return the stored (forecasts_version, payload) of a question under method, or None."""
    return session.connection().execute(_CACHED, {"qid": question_id, "method": method}).first()


def store_row(
    session: Session, question_id: int, method: str, version: int, payload: bytes
) -> None:
    """Replace the question's row for method, in a transaction of its own."""
    # A separate session: the caller may be in the middle of a read-only request.
    try:
        with session_scope(session_engine(session)) as writer, write(writer):
            writer.execute(delete(_C).where(_C.c.question_id == question_id, _C.c.method == method))
            writer.execute(
                insert(_C).values(
                    question_id=question_id,
                    method=method,
                    forecasts_version=version,
                    payload=payload,
                    computed_at=utcnow(),
                )
            )
    except IntegrityError:
        pass  # another worker stored the same history first
    except OperationalError as exc:
        if not is_storage_full(exc):
            raise
        # The cache is only a shortcut: on a full disk the page is served from what was built.
        log.warning("aggregate of question %s not cached: %s", question_id, exc.orig)
