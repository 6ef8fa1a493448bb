"""What a scheduled question's status is at an instant: its stored status with the schedule
applied (upcoming before it opens, open until it closes, closed after), without waiting for
the job that writes it.

Pure functions of the status columns, so that any service (questions, tournaments' summaries)
reads a status the same way without importing another's use cases.
"""

from __future__ import annotations

from datetime import datetime

from forecast.models.questions import SCHEDULED_STATUSES, Question, QuestionStatus


def _by_schedule(open_time: datetime, close_time: datetime, now: datetime) -> QuestionStatus:
    if now < open_time:
        return QuestionStatus.UPCOMING
    if now < close_time:
        return QuestionStatus.OPEN
    return QuestionStatus.CLOSED


def scheduled_status(question: Question, now: datetime) -> QuestionStatus:
    """Return upcoming, open or closed for a scheduled question at instant now."""
    return _by_schedule(question.open_time, question.close_time, now)


def status_now(
    status: str, open_time: datetime, close_time: datetime, now: datetime
) -> QuestionStatus:
    """Return the status a question stored as `status` with that schedule has at instant now
    (for callers holding the columns, not the Question)."""
    stored = QuestionStatus(status)
    return _by_schedule(open_time, close_time, now) if stored in SCHEDULED_STATUSES else stored
