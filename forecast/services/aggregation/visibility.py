"""Who may see a question's community prediction (anti-herding and blind boundaries).

The one place that decides it: every page, API answer, export, report row, event and
notification that carries a community prediction (or anything derived from it) asks here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.errors import Forbidden
from forecast.infra.clock import utcnow
from forecast.models import Boundary, BoundaryStatus, Forecast, Question, Role, User
from forecast.services.accounts.permissions import is_organizer

BLIND_REASON = "hidden while you draft a blind decision boundary on this question; commit it first"


def _exempt(question: Question, viewer: User | None) -> bool:
    """Tell whether the viewer sees the aggregate past the anti-herding rules.

    Organizers always do; leaders do on a question that says so on its page
    (`aggregate_open_to_leaders`), so that a leader may act on a hidden question's boundary.
    """
    if is_organizer(viewer):
        return True
    return (
        question.aggregate_open_to_leaders and viewer is not None and viewer.has_role(Role.LEADER)
    )


def _ruled_now(
    session: Session, question: Question, viewer: User | None, now: datetime | None
) -> tuple[bool, str | None]:
    """Apply the rules that hold whatever the viewer has forecast or answered: a blind draft
    hides the aggregate, an exempt viewer sees it, a reveal still to come hides it.

    Returns (decided, reason): decided with the reason (None: shown) when one of them settles
    it; otherwise the caller's own rules (a forecast first, a pastcast's vantage) decide.
    """
    if _drafting_blind(session, question, viewer):
        return True, BLIND_REASON
    if _exempt(question, viewer):
        return True, None
    now = now or utcnow()
    reveal = question.aggregate_reveal_time
    if reveal is not None and now < reveal:
        return True, f"the community prediction is revealed on {reveal:%Y-%m-%d %H:%M} UTC"
    return False, None


def hidden_reason(
    session: Session, question: Question, viewer: User | None, now: datetime | None = None
) -> str | None:
    """Return why the viewer may not see the aggregate yet, or None when they may."""
    decided, reason = _ruled_now(session, question, viewer, now)
    if decided:
        return reason
    if question.hide_aggregate_until_forecast and not _has_forecast(session, question, viewer):
        return "make your own forecast first; then the community prediction appears"
    return None


def _has_forecast(session: Session, question: Question, viewer: User | None) -> bool:
    if viewer is None:
        return False
    query = sa_select(
        exists().where(col(Forecast.question_id) == question.id, col(Forecast.user_id) == viewer.id)
    )
    return bool(session.execute(query).scalar())


def _drafting_blind(session: Session, question: Question, viewer: User | None) -> bool:
    if viewer is None:
        return False
    query = sa_select(
        exists().where(
            col(Boundary.question_id) == question.id,
            col(Boundary.owner_id) == viewer.id,
            col(Boundary.blind).is_(True),
            col(Boundary.status) == BoundaryStatus.DRAFT.value,
        )
    )
    return bool(session.execute(query).scalar())


def hidden_among(
    session: Session,
    questions: Sequence[Question],
    viewer: User | None,
    now: datetime | None = None,
) -> set[int]:
    """Return the ids of the questions whose aggregate the viewer may not see yet.

    The rules of hidden_reason, applied to a whole list in at most two statements.
    """
    ids = [q.id for q in questions if q.id is not None]
    if not ids:
        return set()
    hidden: set[int] = set()
    if viewer is not None:
        hidden |= set(
            session.execute(
                sa_select(col(Boundary.question_id)).where(
                    col(Boundary.question_id).in_(ids),
                    col(Boundary.owner_id) == viewer.id,
                    col(Boundary.blind).is_(True),
                    col(Boundary.status) == BoundaryStatus.DRAFT.value,
                )
            ).scalars()
        )
    now = now or utcnow()
    ruled = [q for q in questions if q.id is not None and not _exempt(q, viewer)]
    for q in ruled:
        reveal = q.aggregate_reveal_time
        if q.id is not None and reveal is not None and now < reveal:
            hidden.add(q.id)
    until_forecast = [q.id for q in ruled if q.id is not None and q.hide_aggregate_until_forecast]
    if until_forecast:
        forecast_on: set[int] = set()
        if viewer is not None:
            forecast_on = set(
                session.execute(
                    sa_select(col(Forecast.question_id))
                    .where(
                        col(Forecast.question_id).in_(until_forecast),
                        col(Forecast.user_id) == viewer.id,
                    )
                    .distinct()
                ).scalars()
            )
        hidden |= set(until_forecast) - forecast_on
    return hidden


def hiding_rules(question: Question) -> list[str]:
    """Say, for the question's page, who sees its community prediction and when."""
    rules = []
    if question.aggregate_reveal_time is not None:
        reveal = question.aggregate_reveal_time
        rules.append(f"The community prediction is revealed on {reveal:%Y-%m-%d %H:%M} UTC.")
    if question.hide_aggregate_until_forecast:
        rules.append("Each forecaster sees the community prediction after their own forecast.")
    if rules and question.aggregate_open_to_leaders:
        rules.append(
            "Leaders see it before then, to act on their decision boundaries; organizers always do."
        )
    elif rules:
        rules.append("Organizers see it before then; leaders do not.")
    return rules


def require_visible(
    session: Session, question: Question, viewer: User | None, now: datetime | None = None
) -> None:
    """Refuse (403) when the question's aggregate is hidden from the viewer."""
    reason = hidden_reason(session, question, viewer, now)
    if reason:
        raise Forbidden(reason, "aggregate")


def pastcast_hidden_reason(
    session: Session,
    question: Question,
    viewer: User | None,
    vantage: datetime,
    *,
    answered: bool,
    now: datetime | None = None,
) -> str | None:
    """Return why a pastcast's viewer may not see the community prediction, or None.

    The live rules at the vantage instant: a pastcast answer stands for the viewer's forecast
    (hide-until-forecast lifts once they answer), a reveal time after the vantage hides it
    until they answer, and what is still hidden now (a reveal to come, a blind draft) stays so.
    """
    decided, reason = _ruled_now(session, question, viewer, now)
    if decided:
        return reason
    if answered:
        return None
    reveal = question.aggregate_reveal_time
    if reveal is not None and vantage < reveal:
        return "it was not yet revealed on that date; it appears after your answer"
    if question.hide_aggregate_until_forecast:
        return "forecasters saw it after their own forecast; it appears after your answer"
    return None
