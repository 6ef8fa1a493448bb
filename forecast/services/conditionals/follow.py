"""A conditional question's resolution follows its condition's and outcome's, never a hand.

`follow` is called inside the unit of work that resolves, re-resolves or un-resolves a question
(and by the pair's creation and the importer): every conditional question whose condition or
outcome it is takes the resolution `forecast.core.conditionals.branch_resolution` gives, is
scored or loses its scores, and its audit trail says what it followed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from forecast.core.conditionals import Resolved, branch_resolution
from forecast.infra.clock import utcnow
from forecast.models import Question, QuestionStatus, User
from forecast.services.conditionals.links import links_touching
from forecast.services.questions.lifecycle import log_event, scheduled_status
from forecast.services.questions.serialize import resolution_json
from forecast.services.scoring.resolver import write_scores


def resolved(question: Question) -> Resolved | None:
    """Return a question's stored resolution in the core's terms (None while unresolved)."""
    if question.resolution_outcome is None or question.resolved_at is None:
        return None
    return Resolved(question.resolution_outcome, question.resolution_value, question.resolved_at)


def _apply(question: Question, derived: Resolved | None, now: datetime) -> None:
    if derived is None:
        question.resolution_outcome = None
        question.resolution_value = None
        question.resolved_at = None
        question.status = scheduled_status(question, now).value
        return
    question.resolution_outcome = derived.outcome
    question.resolution_value = derived.value
    question.resolved_at = derived.resolved_at
    question.status = (QuestionStatus.ANNULLED if derived.void else QuestionStatus.RESOLVED).value


def follow(
    session: Session,
    question_ids: Iterable[int],
    *,
    actor: User | None,
    score: bool = True,
    now: datetime | None = None,
) -> list[Question]:
    """Bring the conditional questions on these conditions or outcomes in line with them.

    Returns the conditional questions whose resolution changed. The caller holds the write
    transaction. With score=False (the importer, before forecasts are in) scores are left to
    the scoring job.
    """
    now = now or utcnow()
    changed: list[Question] = []
    for link in links_touching(session, question_ids):
        question = session.get(Question, link.question_id)
        condition = session.get(Question, link.condition_id)
        outcome = session.get(Question, link.outcome_id)
        assert question is not None and condition is not None and outcome is not None
        derived = branch_resolution(link.branch, resolved(condition), resolved(outcome))
        if derived == resolved(question):
            continue
        before = resolution_json(question)
        _apply(question, derived, now)
        session.add(question)
        session.flush()
        action = "unresolved" if derived is None else ("re-resolved" if before else "resolved")
        log_event(
            session,
            question,
            actor,
            action,
            f"follows “{condition.title}” ({condition.resolution_outcome or 'unresolved'}) and "
            f"“{outcome.title}” ({outcome.resolution_outcome or 'unresolved'})",
            {"before": before, "after": resolution_json(question)},
        )
        changed.append(question)
    if changed and score:
        write_scores(session, changed)
    return changed
