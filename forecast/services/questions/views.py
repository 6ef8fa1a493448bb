"""Read models of questions for pages and the API (batched, no per-row queries)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.infra.clock import utcnow
from forecast.models import Forecast, Question
from forecast.services.questions.lifecycle import effective_status
from forecast.services.questions.serialize import api_question, name_maps


def forecaster_counts(session: Session, question_ids: list[int]) -> dict[int, int]:
    """Return how many users hold a standing forecast on each question."""
    if not question_ids:
        return {}
    rows = session.execute(
        sa_select(col(Forecast.question_id), func.count())
        .where(col(Forecast.question_id).in_(question_ids), col(Forecast.end_time).is_(None))
        .group_by(col(Forecast.question_id))
    ).all()
    return {int(qid): int(n) for qid, n in rows}


def standing_values(
    session: Session, user_id: int, question_ids: list[int]
) -> dict[int, tuple[float | None, Any]]:
    """Return one user's standing (probability, cdf) on each of the questions that has one."""
    if not question_ids:
        return {}
    rows = session.execute(
        sa_select(col(Forecast.question_id), col(Forecast.probability), col(Forecast.cdf)).where(
            col(Forecast.user_id) == user_id,
            col(Forecast.question_id).in_(question_ids),
            col(Forecast.end_time).is_(None),
        )
    ).all()
    return {int(qid): (probability, cdf) for qid, probability, cdf in rows}


def question_payloads(session: Session, questions: list[Question]) -> list[dict[str, Any]]:
    """Render questions for the API with their tournament, proposer, status and forecaster count."""
    slugs, names = name_maps(session, questions)
    counts = forecaster_counts(session, [q.id for q in questions if q.id is not None])
    now = utcnow()
    payloads = []
    for q in questions:
        record = api_question(
            q,
            tournament=slugs.get(q.tournament_id) if q.tournament_id else None,
            proposer=names.get(q.proposer_id) if q.proposer_id else None,
            status=effective_status(q, now).value,
        )
        record["forecaster_count"] = counts.get(q.id or 0, 0)
        record["aggregate"] = None
        payloads.append(record)
    return payloads
