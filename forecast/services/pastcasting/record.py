"""A person's pastcast record: calibration as training items read it, against the community.

Pastcasts count in the training history and have their own calibration, but not toward the
Certified calibrated badge: a pastcast's outcome is one click away on the platform's own
question page, while the badge's sets are the same fixed, checked items for everyone.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forecast.core.calibration import summarize_binary
from forecast.core.pastcasts import brier
from forecast.models import PastcastAnswer, Question, User
from forecast.services.aggregation.visibility import pastcast_hidden_reason


def pastcast_record(session: Session, user: User, rows: list[PastcastAnswer]) -> dict[str, Any]:
    """Return the calibration of the user's pastcasts and their Brier against the community's."""
    b = summarize_binary([r.confidence or 0.0 for r in rows], [r.correct for r in rows])
    yours: list[float] = []
    theirs: list[float] = []
    for r in rows:
        question = session.get(Question, r.question_id)
        if question is None or r.community_then is None:
            continue
        hidden = pastcast_hidden_reason(session, question, user, r.vantage_at, answered=True)
        if hidden is None:
            yours.append(r.score)
            theirs.append(brier(r.community_then, question.resolution_outcome == "yes"))
    return {
        "answered": b.answered,
        "bins": b.bins,
        "hit_rate": b.hit_rate,
        "mean_confidence": b.mean_confidence,
        "brier": b.brier,
        "log": b.log,
        "overconfidence_points": b.overconfidence_points,
        "compared": len(yours),
        "brier_compared": sum(yours) / len(yours) if yours else None,
        "community_brier_compared": sum(theirs) / len(theirs) if theirs else None,
    }
