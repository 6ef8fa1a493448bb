"""What the tournament list shows of each tournament: its questions by status, its forecasters."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, distinct, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.infra.clock import utcnow
from forecast.models import HIDDEN_STATUSES, Forecast, Question, QuestionStatus
from forecast.models.schedule import status_now

_HIDDEN = [s.value for s in HIDDEN_STATUSES]


@dataclass
class TournamentSummary:
    """Counts over a tournament's public questions, with the next close among the open ones."""

    questions: Counter[str] = field(default_factory=Counter)
    forecasters: int = 0
    next_close: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.questions.values())


def tournament_summaries(
    session: Session, now: datetime | None = None, tournament_id: int | None = None
) -> dict[int, TournamentSummary]:
    """Return a summary per tournament id (only tournament_id's, when given), over the
    questions everybody may see.

    Two grouped queries whatever the number of tournaments; forecasters are the people holding
    a standing forecast on one of its questions (read from the standing-forecast index).
    """
    now = now or utcnow()
    summaries: dict[int, TournamentSummary] = {}
    public: list[ColumnElement[bool]] = [
        col(Question.tournament_id).is_not(None),
        ~col(Question.status).in_(_HIDDEN),
    ]
    if tournament_id is not None:
        public.append(col(Question.tournament_id) == tournament_id)
    rows = session.execute(
        sa_select(
            col(Question.tournament_id),
            col(Question.status),
            col(Question.open_time),
            col(Question.close_time),
        ).where(*public)
    ).all()
    for tid, status, open_time, close_time in rows:
        summary = summaries.setdefault(int(tid), TournamentSummary())
        shown = status_now(status, open_time, close_time, now).value
        summary.questions[shown] += 1
        if shown == QuestionStatus.OPEN.value and (
            summary.next_close is None or close_time < summary.next_close
        ):
            summary.next_close = close_time
    counted = session.execute(
        sa_select(col(Question.tournament_id), func.count(distinct(col(Forecast.user_id))))
        .join(Question, col(Question.id) == col(Forecast.question_id))
        .where(col(Forecast.end_time).is_(None), *public)
        .group_by(col(Question.tournament_id))
    ).all()
    for tid, forecasters in counted:
        summaries.setdefault(int(tid), TournamentSummary()).forecasters = int(forecasters)
    return summaries
