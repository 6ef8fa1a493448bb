"""A question's forecasts as arrays in one statement: all of them, or those standing at t."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import LargeBinary, String, bindparam, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session

from forecast.core.aggregation.aggregate import History, history
from forecast.core.aggregation.extend import extend
from forecast.core.aggregation.instant import Kind
from forecast.core.distributions import CDF_POINTS
from forecast.models import Forecast, Question
from forecast.services.kinds import kind_of

Floats = NDArray[np.float64]

_F = Forecast.__table__  # type: ignore[attr-defined]
_OF_QUESTION = _F.c.question_id == bindparam("qid")
_STANDING = (
    _F.c.start_time <= bindparam("at"),
    or_(_F.c.end_time.is_(None), _F.c.end_time > bindparam("at")),
)
# A CDF (or a multiple-choice forecast's options) is read as its stored bytes, all of them
# joined and read by numpy at once.
_VALUE = {False: _F.c.probability, True: type_coerce(_F.c.cdf, LargeBinary)}
# SQLite keeps these timestamps as UTC text ('2026-11-01 13:45:59.123456'): numpy parses the
# whole column at once, where reading each as a datetime and back costs microseconds a row.
_TEXT_TIMES = (type_coerce(_F.c.start_time, String), type_coerce(_F.c.end_time, String))
_TIMES = (_F.c.start_time, _F.c.end_time)
_EPOCH_US = np.datetime64("1970-01-01T00:00:00", "us")


@dataclass(frozen=True)
class QuestionForecasts:
    """One question's forecasts as arrays; `end` is np.inf while a forecast stands.

    Standing forecasts are not clipped at the question's close: the history's last entry then
    has no end, as in an export of the forecasts themselves, and values asked for after the
    close are evaluated at the close (`evaluation_time`). `reputation` holds each forecast's
    track-record reputation once it is known.
    """

    start: Floats
    end: Floats
    user: NDArray[np.int64]
    values: Floats  # (F,) probabilities, (F, 201) CDFs or (F, K) option probabilities
    continuous: bool
    reputation: Floats | None = None
    options: int = 0  # multiple choice: K

    @property
    def kind(self) -> Kind:
        """Return what the aggregation engines see the forecasts as."""
        if self.continuous:
            return "continuous"
        return "multiple_choice" if self.options else "binary"

    def active_at(self, t: float) -> NDArray[np.bool_]:
        """Return a mask of the forecasts standing at instant t."""
        return (self.start <= t) & (t < self.end)

    @property
    def _columns(self) -> tuple[Floats, Floats, NDArray[np.int64], Floats]:
        """(start, end, user, values): the arrays a history is built from, in its order."""
        return self.start, self.end, self.user, self.values

    def history(self, *, method: str, open_time: float, scheduled_close: float) -> History:
        """Return the aggregate history of these forecasts under method (weighted by their
        reputations when they are known), built from the first forecast."""
        return history(
            *self._columns,
            method=method,
            open_time=open_time,
            scheduled_close=scheduled_close,
            reputation=self.reputation,
        )

    def extended(
        self,
        previous: History,
        *,
        method: str,
        open_time: float,
        scheduled_close: float,
        changed_from: float,
    ) -> History | None:
        """Return the history of these forecasts built on previous (None: build it whole)."""
        return extend(
            previous,
            *self._columns,
            method=method,
            open_time=open_time,
            scheduled_close=scheduled_close,
            reputation=self.reputation,
            changed_from=changed_from,
        )


def text_epochs(texts: Sequence[str | None]) -> Floats:
    """Return Unix seconds of UTC timestamp texts, exactly as datetime.timestamp() gives them
    (integer microseconds over 1e6, correctly rounded); None is +inf."""
    stamps = np.array(["NaT" if t is None else t for t in texts], dtype="datetime64[us]")
    seconds = (stamps - _EPOCH_US).astype(np.int64) / 1e6
    seconds[np.isnat(stamps)] = np.inf
    return np.asarray(seconds, dtype=np.float64)


def _times(
    session: Session, question: Question, at: datetime | None
) -> tuple[Sequence[Any], Floats, Floats]:
    """Return the forecast rows (user, start, end, value) with their start and end times as
    Unix seconds."""
    connection = session.connection()
    where = (_OF_QUESTION,) if at is None else (_OF_QUESTION, *_STANDING)
    params: dict[str, Any] = {"qid": question.id, "at": at}
    value = _VALUE[kind_of(question).value_kind != "binary"]
    if connection.dialect.name == "sqlite":
        statement = sa_select(_F.c.user_id, *_TEXT_TIMES, value).where(*where)
        rows = connection.execute(statement, params).all()
        try:
            return rows, text_epochs([r[1] for r in rows]), text_epochs([r[2] for r in rows])
        except ValueError:
            pass  # a timestamp numpy does not read: the general way below
    rows = connection.execute(sa_select(_F.c.user_id, *_TIMES, value).where(*where), params).all()
    n = len(rows)
    start = np.fromiter((r[1].timestamp() for r in rows), dtype=np.float64, count=n)
    end = np.fromiter(
        (r[2].timestamp() if r[2] is not None else np.inf for r in rows), dtype=np.float64, count=n
    )
    return rows, start, end


def load_forecasts(
    session: Session, question: Question, *, standing_at: datetime | None = None
) -> QuestionForecasts:
    """Load every forecast of the question (only those standing at standing_at, if given)."""
    rows, start, end = _times(session, question, standing_at)
    n = len(rows)
    user = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    values: Floats
    options = len(question.option_labels)
    if question.is_continuous or options:
        stored = np.frombuffer(b"".join(r[3] for r in rows), dtype="<f8")
        values = stored.reshape(n, options or CDF_POINTS).astype(np.float64)
    else:
        values = np.fromiter((r[3] for r in rows), dtype=np.float64, count=n)
    return QuestionForecasts(
        start=start,
        end=end,
        user=user,
        values=values,
        continuous=question.is_continuous,
        options=options,
    )
