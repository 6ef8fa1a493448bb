"""The trend line's row beside a tournament's leaderboard: a reference, never a contestant.

It sums `reference_scores` over the same questions the board sums people's scores over (the
tournament's, outside any other team's), weighted alike (a question's weight multiplies its
score and its coverage), and only over those whose community prediction the viewer may see:
the line's Peer is scored against that prediction, so it reveals something of it. It takes no
rank, no share of the prize and no medal, and it is listed apart from the ranked entries, so no
person's rank depends on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.models import Question, ReferenceScore, Tournament, User
from forecast.services.aggregation.visibility import hidden_among
from forecast.services.trends.scoring import TREND

REFERENCE_NAME = "Trend line (reference)"


def reference_rows(
    session: Session, tournament: Tournament, viewer: User | None
) -> list[dict[str, Any]]:
    """Return the trend line's totals on the tournament as the viewer may see them (an empty
    list where it stood on none of its visible resolved questions)."""
    found = session.execute(
        sa_select(Question, ReferenceScore)
        .join(ReferenceScore, col(ReferenceScore.question_id) == col(Question.id))
        .where(
            col(Question.tournament_id) == tournament.id,
            col(Question.team_id) == tournament.team_id,
            col(ReferenceScore.method) == TREND,
        )
    ).all()
    hidden = hidden_among(session, [q for q, _ in found], viewer)
    shown = [(q, r) for q, r in found if q.id not in hidden]
    if not shown:
        return []
    crowd = [(q, r) for q, r in shown if r.crowd_baseline is not None]
    return [
        {
            "method": TREND,
            "user": REFERENCE_NAME,
            "rank": None,
            "score": sum(q.weight * (r.peer or 0.0) for q, r in shown),
            "coverage": sum(q.weight * r.coverage for q, r in shown),
            "questions": len(shown),
            "baseline": sum(q.weight * r.baseline for q, r in shown),
            "crowd_baseline": sum(q.weight * (r.crowd_baseline or 0.0) for q, r in crowd)
            if crowd
            else None,
            "take": None,
            "share": None,
            "prize": None,
            "medal": None,
            "note": "a reference line: no rank, no prize",
        }
    ]
