"""Forecasts: submit, update, withdraw, read back. Rows are append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import is_sqlite, session_engine, write
from forecast.infra.forecast_store import (
    DriverConnection,
    DriverStatement,
    driver_read,
    driver_write,
)
from forecast.infra.metrics import count_forecast_submitted
from forecast.models import SCHEDULED_STATUSES, Forecast, Question, User
from forecast.services.accounts.permissions import require_user
from forecast.services.forecast_input import ForecastValue, parse_value
from forecast.services.forecast_input import QuantileFailed as QuantileFailed  # re-exported
from forecast.services.kinds import kind_of

MAX_RATIONALE = 10_000
_SCHEDULED = {s.value for s in SCHEDULED_STATUSES}
_ATTEMPTS = 3


def _check_open(question: Question | QuestionFacts, now: datetime) -> None:
    if question.status not in _SCHEDULED or now >= question.close_time:
        state = "closed" if question.status in _SCHEDULED else question.status
        raise Conflict(f"the question is {state} and takes no forecasts", "question")
    if now < question.open_time:
        raise Conflict("the question has not opened yet", "question")


def _standing(session: Session, question_id: int, user_id: int) -> Forecast | None:
    query = select(Forecast).where(
        col(Forecast.question_id) == question_id,
        col(Forecast.user_id) == user_id,
        col(Forecast.end_time).is_(None),
    )
    if not is_sqlite(session_engine(session)):
        query = query.with_for_update()
    return session.exec(query).first()


@dataclass(frozen=True)
class QuestionFacts:
    """What accepting a forecast needs to know about its question (read in one statement)."""

    id: int
    key: str
    type: str
    status: str
    open_time: datetime
    close_time: datetime
    range_min: float | None
    range_max: float | None
    open_lower: bool
    open_upper: bool
    zero_point: float | None
    options: str | None

    @property
    def is_continuous(self) -> bool:
        return kind_of(self).continuous


@dataclass(frozen=True)
class ForecastRecord:
    """A stored forecast as the submit path returns it."""

    id: int
    question_id: int
    question_key: str
    user_id: int
    start_time: datetime
    end_time: datetime | None
    probability: float | None
    cdf: np.ndarray | None  # the CDF, or a multiple-choice forecast's option probabilities
    rationale: str | None


_Q = Question.__table__  # type: ignore[attr-defined]
_F = Forecast.__table__  # type: ignore[attr-defined]
_QUESTION_FACTS = sa_select(
    _Q.c.id,
    _Q.c.key,
    _Q.c.type,
    _Q.c.status,
    _Q.c.open_time,
    _Q.c.close_time,
    _Q.c.range_min,
    _Q.c.range_max,
    _Q.c.open_lower,
    _Q.c.open_upper,
    _Q.c.zero_point,
    _Q.c.options,
)


_READ_FACTS = DriverStatement(_QUESTION_FACTS.where(_Q.c.id == bindparam("question_id")))

# Submitting marks the question's forecasts as changed and reads what validation needs in
# one statement; closing the standing forecast reports what it closed. Three statements per
# submission inside the write transaction, run on the driver (see
# forecast.infra.forecast_store): this is
# the busiest write path, and on SQLite all of it runs inside the single write lock. A
# continuous value is read against the question and converted before that (_convert_ahead).
_TOUCH_QUESTION = DriverStatement(
    update(_Q)
    .where(_Q.c.id == bindparam("question_id"))
    .values(forecasts_version=_Q.c.forecasts_version + 1)
    .returning(*_QUESTION_FACTS.selected_columns)
)
_CLOSE_STANDING = DriverStatement(
    update(_F)
    .where(
        _F.c.question_id == bindparam("qid"),
        _F.c.user_id == bindparam("uid"),
        _F.c.end_time.is_(None),
    )
    .values(end_time=bindparam("end"))
    .returning(_F.c.id, _F.c.start_time)
)
_CLOSE = DriverStatement(
    update(_F).where(_F.c.id == bindparam("forecast_id")).values(end_time=bindparam("end"))
)
_INSERTED = ("question_id", "user_id", "start_time", "probability", "cdf", "rationale")
_INSERT = DriverStatement(
    insert(_F).values({name: bindparam(name) for name in _INSERTED}).returning(_F.c.id)
)
# Quantiles also keep the pairs as typed; a probability's insert binds nothing more.
_INSERT_TYPED = DriverStatement(
    insert(_F)
    .values({name: bindparam(name) for name in (*_INSERTED, "quantiles")})
    .returning(_F.c.id)
)


@dataclass(frozen=True)
class Converted:
    """A continuous value validated against the question as it stood just before the write."""

    question: QuestionFacts
    value: ForecastValue


def _convert_ahead(
    session: Session, question_id: int, sent: dict[str, Any]
) -> Converted | None:
    """Validate a CDF or convert quantiles before the write lock is taken (None: nothing to do).

    Turning quantiles into a CDF takes about 130 us, and on SQLite every writer waits while one
    holds the lock. The write compares the question it reads under the lock with the one read
    here and converts again if anything changed in between. Errors are raised here, in the
    order the write would raise them: an unknown question first, then the value's own.
    """
    if sent["cdf"] is None and sent["quantiles"] is None and sent["probabilities"] is None:
        return None  # a probability: checking it under the lock costs about 1 us
    with driver_read(session) as conn:
        row = _READ_FACTS.first(conn, {"question_id": question_id})
    if row is None:
        raise NotFound(f"no question {question_id}")
    question = QuestionFacts(*row)
    return Converted(question, parse_value(question, **sent))


def submit_forecast(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    probability: Any = None,
    cdf: Any = None,
    quantiles: Any = None,
    rationale: str | None = None,
    now: datetime | None = None,
    probabilities: Any = None,
) -> ForecastRecord:
    """Record a new forecast, closing the user's standing one at the same instant."""
    actor = require_user(actor)
    assert actor.id is not None
    if rationale is not None and not isinstance(rationale, str):
        raise ValidationFailed("rationale must be text", "rationale")
    rationale = (rationale or "").strip() or None
    if rationale and len(rationale) > MAX_RATIONALE:
        raise ValidationFailed(f"rationale is longer than {MAX_RATIONALE} characters", "rationale")
    sent = {
        "probability": probability,
        "cdf": cdf,
        "quantiles": quantiles,
        "probabilities": probabilities,
    }
    ahead = _convert_ahead(session, question_id, sent)
    # This is the hottest write path, so it speaks SQL on the driver rather than ORM objects.
    for _attempt in range(_ATTEMPTS):
        try:
            with driver_write(session) as conn:
                record = _record(conn, actor.id, question_id, now, rationale, sent, ahead)
        except IntegrityError:
            # Another request of the same user won the race; retry on top of its row.
            continue
        count_forecast_submitted()
        return record
    raise Conflict("another forecast of yours was being saved at the same moment; try again")


def _record(
    conn: DriverConnection,
    user_id: int,
    question_id: int,
    now: datetime | None,
    rationale: str | None,
    sent: dict[str, Any],
    ahead: Converted | None,
) -> ForecastRecord:
    row = _TOUCH_QUESTION.first(conn, {"question_id": question_id})
    if row is None:
        raise NotFound(f"no question {question_id}")
    question = QuestionFacts(*row)
    if ahead is not None and ahead.question == question:
        value = ahead.value
    else:
        value = parse_value(question, **sent)
    # The clock is read after the write lock is held, so one user's rows are ordered.
    at = now or utcnow()
    _check_open(question, at)
    closed = _CLOSE_STANDING.first(conn, {"qid": question_id, "uid": user_id, "end": at})
    if closed is not None and closed[1] >= at:
        # A clock that stepped back: keep the rows in order, one microsecond apart.
        at = closed[1] + timedelta(microseconds=1)
        if at >= question.close_time:
            # No room left before the close: the close time belongs to the closed side.
            raise Conflict("the question is closed and takes no forecasts", "question")
        _CLOSE.rows(conn, {"forecast_id": closed[0], "end": at})
    row_values = {
        "question_id": question_id,
        "user_id": user_id,
        "start_time": at,
        "probability": value.probability,
        "cdf": value.vector,
        "rationale": rationale,
    }
    if value.quantiles is None:
        inserted = _INSERT.first(conn, row_values)
    else:
        inserted = _INSERT_TYPED.first(conn, {**row_values, "quantiles": value.quantiles})
    assert inserted is not None
    return ForecastRecord(
        inserted[0],
        question_id,
        question.key,
        user_id,
        at,
        None,
        value.probability,
        value.vector,
        rationale,
    )


def withdraw_forecast(
    *, session: Session, actor: User | None, question_id: int, now: datetime | None = None
) -> Forecast:
    """End the user's standing forecast without replacing it."""
    actor = require_user(actor)
    with write(session):
        # Lock the question row before the forecast row, in the order submitting takes them:
        # the other order deadlocks against a concurrent submission on PostgreSQL.
        row = _TOUCH_QUESTION.first(
            DriverConnection.of(session.connection()), {"question_id": question_id}
        )
        if row is None:
            raise NotFound(f"no question {question_id}")
        question = QuestionFacts(*row)
        at = now or utcnow()
        _check_open(question, at)
        standing = _standing(session, question_id, actor.id)  # type: ignore[arg-type]
        if standing is None:
            raise NotFound("you have no standing forecast on this question")
        standing.end_time = max(at, standing.start_time + timedelta(microseconds=1))
        session.add(standing)
    return standing


def user_history(*, session: Session, user_id: int, question_id: int) -> list[Forecast]:
    """Return one user's forecasts on a question, oldest first."""
    return list(
        session.exec(
            select(Forecast)
            .where(col(Forecast.question_id) == question_id, col(Forecast.user_id) == user_id)
            .order_by(col(Forecast.start_time))
        )
    )


def standing_forecast(*, session: Session, user_id: int, question_id: int) -> Forecast | None:
    """Return the user's standing forecast on a question, if any."""
    return session.exec(
        select(Forecast).where(
            col(Forecast.question_id) == question_id,
            col(Forecast.user_id) == user_id,
            col(Forecast.end_time).is_(None),
        )
    ).first()
