"""Export the database as an interchange file (forecast-interchange/1)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.infra.clock import format_iso
from forecast.models import Forecast, Question, Tournament, User
from forecast.services.conditionals.interchange import with_conditions
from forecast.services.interchange.teams import export_teams, team_slug_map
from forecast.services.questions.serialize import interchange_question

FORMAT = "forecast-interchange/1"


def export_all(*, session: Session) -> dict[str, Any]:
    """Return the whole database as an interchange document, in a stable order."""
    users = session.exec(select(User).order_by(col(User.username))).all()
    tournaments = session.exec(select(Tournament).order_by(col(Tournament.slug))).all()
    questions = session.exec(select(Question).order_by(col(Question.key))).all()
    slug_of = {t.id: t.slug for t in tournaments}
    team_of = team_slug_map(session)
    teams = {"teams": export_teams(session)} if team_of else {}
    return {
        "format": FORMAT,
        "users": [{"username": u.username, "role": u.role} for u in users],
        **teams,
        "tournaments": [
            {"slug": t.slug, "title": t.title, "description": t.description}
            | ({"team": team_of[t.team_id]} if t.team_id else {})
            for t in tournaments
        ],
        "questions": with_conditions(
            session,
            questions,
            [
                interchange_question(
                    q,
                    slug_of.get(q.tournament_id) if q.tournament_id else None,
                    team_of.get(q.team_id) if q.team_id else None,
                )
                for q in questions
            ],
        ),
        "forecasts": export_forecasts(session=session, users=users, questions=questions),
    }


def export_forecasts(
    *, session: Session, users: list[User] | Any, questions: list[Question] | Any
) -> list[dict[str, Any]]:
    """Return forecast records (withdrawals included) ordered by question, user and time."""
    key_of = {q.id: q.key for q in questions}
    choice_ids = {q.id for q in questions if q.options}
    name_of = {u.id: u.username for u in users}
    rows = list(
        session.execute(
            sa_select(
                col(Forecast.question_id),
                col(Forecast.user_id),
                col(Forecast.start_time),
                col(Forecast.end_time),
                col(Forecast.probability),
                col(Forecast.cdf),
                col(Forecast.rationale),
            )
        ).all()
    )
    rows.sort(key=lambda r: (key_of[r[0]], name_of[r[1]], r[2]))
    records: list[dict[str, Any]] = []
    for i, (qid, uid, start, end, probability, cdf, rationale) in enumerate(rows):
        record: dict[str, Any] = {
            "question": key_of[qid],
            "user": name_of[uid],
            "time": format_iso(start),
        }
        if cdf is not None and qid in choice_ids:
            record["probabilities"] = np.asarray(cdf).tolist()
        elif cdf is not None:
            record["cdf"] = np.asarray(cdf).tolist()
        else:
            record["probability"] = probability
        if rationale:
            record["rationale"] = rationale
        records.append(record)
        if end is not None:
            following = rows[i + 1] if i + 1 < len(rows) else None
            replaced = (
                following is not None
                and following[0] == qid
                and following[1] == uid
                and following[2] == end
            )
            if not replaced:
                records.append(
                    {
                        "question": key_of[qid],
                        "user": name_of[uid],
                        "time": format_iso(end),
                        "withdraw": True,
                    }
                )
    return records
