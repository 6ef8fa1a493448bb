"""Creating a conditional pair: an organizer links a binary condition C and an outcome O, and
gets "O if C = yes" and "O if C = no", each of O's type, range and window."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import (
    SCHEDULED_STATUSES,
    Branch,
    Conditional,
    Question,
    QuestionStatus,
    QuestionType,
    Role,
    User,
)
from forecast.services.accounts.permissions import require_role
from forecast.services.conditionals.follow import follow
from forecast.services.conditionals.links import Pair, pair_of
from forecast.services.questions.lifecycle import can_view, log_event, scheduled_status
from forecast.services.questions.references import question_by_reference

LINKABLE = {s.value for s in SCHEDULED_STATUSES} | {
    QuestionStatus.RESOLVED.value,
    QuestionStatus.ANNULLED.value,
}
MAX_KEY = 100
MAX_TITLE = 300
# Copied from the outcome when the model has them (a team, multiple-choice options).
_OPTIONAL_FIELDS = ("options", "team_id")


def find(session: Session, ref: Any, field: str, actor: User | None) -> Question:
    """Return the question an id or a key names (the field named in the error), if the actor
    may see it: a team's private question is not found for a non-member, as everywhere."""
    if ref is None or ref == "":
        raise ValidationFailed(f"name the {field} question by id or key", field)
    question = question_by_reference(session, ref, field, f"the {field}")
    if question is None or question.status not in LINKABLE or not can_view(question, actor):
        raise NotFound(f"no {field} question {ref!r}", field)
    return question


def check_pair(
    session: Session, condition: Question, outcome: Question, *, where: str = "condition"
) -> None:
    """Refuse a condition that is not binary, a question conditional on itself, a condition
    or outcome that is itself conditional, and a condition and outcome of different teams.

    The branches take the outcome's team and name the condition in their titles and criteria,
    so a private condition beside a public outcome (or another team's) would show it to people
    outside its team.
    """
    if condition.type != QuestionType.BINARY.value:
        raise ValidationFailed("the condition must be a binary question", where)
    if condition.team_id != outcome.team_id:
        raise ValidationFailed(
            "the condition and the outcome must both be public or belong to the same team", where
        )
    if condition.id == outcome.id:
        raise ValidationFailed("a question cannot be conditional on itself", where)
    for question, name in ((condition, "condition"), (outcome, "outcome")):
        if question.id is not None and session.get(Conditional, question.id) is not None:
            raise ValidationFailed(f"the {name} is itself a conditional question", name)


def branch_key(condition_key: str, outcome_key: str, branch: str) -> str:
    """Return the key of "O if C = branch": readable when it fits, shortened with a hash if not."""
    key = f"{outcome_key}-if-{condition_key}-{branch}"
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(f"{outcome_key}\0{condition_key}".encode()).hexdigest()[:8]
    return f"{outcome_key[:40]}-if-{condition_key[:40]}-{digest}-{branch}"


def branch_title(condition: Question, outcome: Question, branch: str) -> str:
    """Return the title of "O if C = branch"."""
    title = f"If “{condition.title}” resolves {branch}: {outcome.title}"
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def branch_criteria(condition: Question, outcome: Question, branch: str) -> str:
    """Return the resolution criteria of "O if C = branch", which a stranger can check."""
    other = "no" if branch == "yes" else "yes"
    return (
        f"Conditional question, never resolved by hand. If “{condition.title}” (key "
        f"{condition.key}) resolves {branch}, this question takes the resolution of "
        f"“{outcome.title}” (key {outcome.key}) when that one resolves. If the condition "
        f"resolves {other}, or is annulled or ambiguous, this question is annulled.\n\n"
        f"The outcome's criteria: {outcome.resolution_criteria}"
    )


def branch_question(
    condition: Question, outcome: Question, branch: str, actor: User | None, now: datetime
) -> Question:
    """Build (unsaved) the conditional question "O if C = branch" with O's type and window."""
    question = Question(
        key=branch_key(condition.key, outcome.key, branch),
        tournament_id=outcome.tournament_id,
        type=outcome.type,
        status="",
        title=branch_title(condition, outcome, branch),
        description=(
            f"What happens to “{outcome.title}” in the world where “{condition.title}” "
            f"resolves {branch}. Forecast as you would the outcome, assuming the condition."
        ),
        resolution_criteria=branch_criteria(condition, outcome, branch),
        open_time=outcome.open_time,
        close_time=outcome.close_time,
        resolve_time=outcome.resolve_time,
        range_min=outcome.range_min,
        range_max=outcome.range_max,
        open_lower=outcome.open_lower,
        open_upper=outcome.open_upper,
        zero_point=outcome.zero_point,
        hide_aggregate_until_forecast=outcome.hide_aggregate_until_forecast,
        aggregate_reveal_time=outcome.aggregate_reveal_time,
        aggregate_open_to_leaders=outcome.aggregate_open_to_leaders,
        created_by_id=actor.id if actor else None,
    )
    for name in _OPTIONAL_FIELDS:
        if hasattr(outcome, name) and hasattr(question, name):
            setattr(question, name, getattr(outcome, name))
    question.status = scheduled_status(question, now).value
    return question


def create_pair(
    *,
    session: Session,
    actor: User | None,
    condition: Any,
    outcome: Any,
    now: datetime | None = None,
) -> Pair:
    """Create "O if C = yes" and "O if C = no" from a binary condition and an outcome."""
    actor = require_role(actor, Role.ORGANIZER)
    now = now or utcnow()
    with write(session):
        c = find(session, condition, "condition", actor)
        o = find(session, outcome, "outcome", actor)
        check_pair(session, c, o)
        existing = session.exec(
            select(Conditional).where(
                col(Conditional.condition_id) == c.id, col(Conditional.outcome_id) == o.id
            )
        ).first()
        if existing is not None:
            raise Conflict("these two questions are linked already", "condition")
        created = []
        for branch in (Branch.YES.value, Branch.NO.value):
            question = branch_question(c, o, branch, actor, now)
            taken = session.exec(select(col(Question.id)).where(col(Question.key) == question.key))
            if taken.first() is not None:
                raise Conflict(f"a question with key {question.key!r} exists", "condition")
            session.add(question)
            session.flush()
            assert question.id is not None and c.id is not None and o.id is not None
            session.add(
                Conditional(
                    question_id=question.id, condition_id=c.id, outcome_id=o.id, branch=branch
                )
            )
            log_event(
                session,
                question,
                actor,
                "created",
                None,
                {"condition": c.key, "branch": branch, "outcome": o.key},
            )
            created.append(question)
        session.flush()
        # A condition or outcome resolved already decides the branches at once.
        follow(session, [c.id or 0, o.id or 0], actor=actor, now=now)
        pair = pair_of(session, created[0].id or 0)
        assert pair is not None
    return pair
