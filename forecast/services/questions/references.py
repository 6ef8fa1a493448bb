"""How an action names a question: by its id or by its key (one rule for every caller)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from forecast.errors import ValidationFailed
from forecast.infra.db import MAX_ROW_ID
from forecast.models import Question


def question_by_reference(session: Session, ref: Any, field: str, what: str) -> Question | None:
    """Return the question an id (a number, or decimal digits) or a key names, or None.

    An id past any row's range names no question (it never reaches the database, where it would
    overflow the column). Anything but a number or non-empty text is refused, naming `field`
    with the message "`what` must be a question id or key".
    """
    if isinstance(ref, bool) or not isinstance(ref, int | str) or ref == "":
        raise ValidationFailed(f"{what} must be a question id or key", field)
    if isinstance(ref, int) or ref.isdecimal():
        number = int(ref)
        return session.get(Question, number) if 0 < number <= MAX_ROW_ID else None
    return session.exec(select(Question).where(col(Question.key) == ref)).first()
