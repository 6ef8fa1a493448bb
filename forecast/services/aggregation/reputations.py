"""Track-record reputations of a question's forecasts, from its forecasters' stored scores."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import String, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session

from forecast.core.reputation import Floats, Ints, Reputations, reputations
from forecast.models import Question, Score
from forecast.services.aggregation.arrays import QuestionForecasts, text_epochs

# Up to this many forecasters are named in the statement, whose scores are then found through
# the user index; for more, one pass over every score row (kept or dropped here) is faster.
NAMED_USERS = 500

_S = Score.__table__  # type: ignore[attr-defined]
_Q = Question.__table__  # type: ignore[attr-defined]


def _scores(session: Session, users: Ints) -> tuple[Any, ...]:
    """Return (user, question, resolved at, peer, coverage) arrays of the given users' scores
    on resolved questions."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    resolved_at = type_coerce(_Q.c.resolved_at, String) if sqlite else _Q.c.resolved_at
    statement = (
        sa_select(_S.c.user_id, _S.c.question_id, resolved_at, _S.c.peer, _S.c.coverage)
        .join(_Q, _Q.c.id == _S.c.question_id)
        .where(_Q.c.resolved_at.is_not(None))
    )
    named = len(users) <= NAMED_USERS
    if named:
        statement = statement.where(_S.c.user_id.in_(users.tolist()))
    rows = connection.execute(statement).all()
    n = len(rows)
    user = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    of_question = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
    if sqlite:
        when = text_epochs([r[2] for r in rows])
    else:
        when = np.fromiter((r[2].timestamp() for r in rows), dtype=np.float64, count=n)
    peer = np.fromiter((r[3] for r in rows), dtype=np.float64, count=n)
    coverage = np.fromiter((r[4] for r in rows), dtype=np.float64, count=n)
    keep = slice(None) if named else np.isin(user, users)
    return user[keep], of_question[keep], when[keep], peer[keep], coverage[keep]


def _computed(session: Session, user: Ints, start: Floats) -> Floats:
    """Return the reputations of forecasts (user, start) from the stored scores."""
    s_user, s_question, s_time, s_peer, s_coverage = _scores(session, np.unique(user))
    return reputations(user, start, s_user, s_question, s_time, s_peer, s_coverage)


def question_reputations(
    session: Session, forecasts: QuestionForecasts, known: Reputations | None = None
) -> Reputations:
    """Return the reputations of a question's forecasts.

    known holds reputations computed from the same scores (the cached aggregate's, when the
    scores have not changed since): only the forecasts it lacks are computed.
    """
    rep = np.empty(len(forecasts.start))
    missing = np.ones(len(rep), dtype=bool)
    if known is not None:
        row, found = known.find(forecasts.start, forecasts.user)
        rep[found] = known.rep[row[found]]
        missing = ~found
    if missing.any():
        rep[missing] = _computed(session, forecasts.user[missing], forecasts.start[missing])
    return Reputations.of_forecasts(forecasts.start, forecasts.user, rep)
