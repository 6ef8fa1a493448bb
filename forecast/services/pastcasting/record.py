"""A person's pastcast record: calibration as training items read it, against the community.

Pastcasts count in the training history and have their own calibration, but not toward the
Certified calibrated badge: a pastcast's outcome is one click away on the platform's own
question page, while the badge's sets are the same fixed, checked items for everyone.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forecast.core.calibration import summarize_binary, summarize_interval
from forecast.core.pastcasts import brier
from forecast.models import PastcastAnswer, Question, User
from forecast.services.aggregation.visibility import pastcast_hidden_reason
from forecast.services.pastcasting.interval import grade


def pastcast_record(session: Session, user: User, rows: list[PastcastAnswer]) -> dict[str, Any]:
    """Return the calibration of the user's pastcasts and their scores against the community's.

    Binary pastcasts as true/false items (calibration and Brier); interval pastcasts as 90%
    intervals (hit rate, mean interval score) with how often the person's interval scored
    better than the community's then. Interval scores are each in their question's unit, so
    against the community they are counted question by question, never averaged across.
    """
    binary = [r for r in rows if r.kind != "interval"]
    b = summarize_binary([r.confidence or 0.0 for r in binary], [r.correct for r in binary])
    yours: list[float] = []
    theirs: list[float] = []
    for r in binary:
        question = session.get(Question, r.question_id)
        if question is None or r.community_then is None:
            continue
        hidden = pastcast_hidden_reason(session, question, user, r.vantage_at, answered=True)
        if hidden is None:
            yours.append(r.score)
            theirs.append(brier(r.community_then, question.resolution_outcome == "yes"))
    return {
        "answered": len(rows),
        "binary_answered": b.answered,
        "bins": b.bins,
        "hit_rate": b.hit_rate,
        "mean_confidence": b.mean_confidence,
        "brier": b.brier,
        "log": b.log,
        "overconfidence_points": b.overconfidence_points,
        "compared": len(yours),
        "brier_compared": sum(yours) / len(yours) if yours else None,
        "community_brier_compared": sum(theirs) / len(theirs) if theirs else None,
        "interval": _interval_record(session, user, [r for r in rows if r.kind == "interval"]),
    }


def _interval_record(session: Session, user: User, rows: list[PastcastAnswer]) -> dict[str, Any]:
    """Return the hit rate and mean score of interval pastcasts, and how many beat the
    community's interval then (only where it was shown and may be seen now)."""
    record = summarize_interval([r.correct for r in rows], [r.score for r in rows])
    compared = beaten = 0
    for r in rows:
        question = session.get(Question, r.question_id)
        if question is None or r.community_lower is None or r.community_upper is None:
            continue
        if pastcast_hidden_reason(session, question, user, r.vantage_at, answered=True):
            continue
        compared += 1
        beaten += r.score < grade(question, r.community_lower, r.community_upper)[1]
    return {**record, "compared": compared, "beat_community": beaten}
