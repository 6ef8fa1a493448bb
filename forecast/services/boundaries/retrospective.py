"""Looking back: what a boundary's verdict did over its life, and how it served the decision
once its question resolved (`forecast.core.decisions` holds the rules).

The verdict history is sampled at VERDICT_SAMPLES instants from the first commit to the
question's close, each evaluated as the report evaluates now (every registered method, the
bootstrap interval of the boundary's own method) with only the forecasts made before that
instant. It is computed once the question has closed and cached with the report row; the
decision outcome and lead time follow from that row and the resolution, so they are added
outside the cache.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core import decisions
from forecast.core.boundaries import rules
from forecast.infra.clock import format_iso, from_epoch, parse_iso, to_epoch
from forecast.services.aggregation import values as aggregation
from forecast.services.boundaries.evaluation import by_method, outcome, target
from forecast.services.boundaries.lifecycle import versions
from forecast.services.boundaries.subjects import Subject

VERDICT_SAMPLES = 8


def closing(subject: Subject) -> datetime:
    """Return the question's actual close: its resolution if earlier than the scheduled close
    (SCORING.md), as the instant the report evaluates it at."""
    question = subject.question
    return aggregation.evaluation_time(question, question.resolved_at or question.close_time)


def closed(subject: Subject, moment: datetime) -> bool:
    """Return whether an evaluation at `moment` has reached the question's actual close."""
    return moment >= closing(subject)


def verdict_history(
    session: Session,
    subject: Subject,
    forecasts: aggregation.QuestionForecasts,
    until: datetime,
) -> list[dict[str, Any]]:
    """Return the verdict at VERDICT_SAMPLES instants from the first commit to `until`."""
    committed = [v for v in versions(session, subject.boundary.id or 0) if v.committed_at]
    if not committed or committed[0].committed_at is None:
        return []
    begin, end = to_epoch(committed[0].committed_at), to_epoch(until)
    if end < begin:
        return []
    version = subject.version
    goal = target(session, subject, forecasts)
    samples: list[dict[str, Any]] = []
    for t in np.linspace(begin, end, VERDICT_SAMPLES).tolist():
        at = from_epoch(t)
        own, _found, known = by_method(goal, at, version.method)
        p = own.probability
        if p is None:
            samples.append({"at": format_iso(at), "verdict": "no_forecasts", "probability": None})
            continue
        interval = own.interval or (p, p)
        verdict = rules.verdict(known, interval, version.comparator, version.threshold)
        samples.append({"at": format_iso(at), "verdict": verdict, "probability": p})
    return samples


def add_decision(row: dict[str, Any], subject: Subject) -> dict[str, Any]:
    """Set the row's decision_outcome and lead_time_days (None until they are known).

    Known once the question is resolved (not annulled) and the row was evaluated at or after
    its actual close: the state then is the last change of state the row records up to it.
    """
    row["decision_outcome"] = None
    row["lead_time_days"] = None
    happened = outcome(subject)
    question = subject.question
    if (
        happened is None
        or question.resolved_at is None
        or row.get("probability") is None
        or not closed(subject, parse_iso(row["at"]))
    ):
        return row
    close = closing(subject)
    events = [e for e in row.get("events") or [] if parse_iso(e["at"]) <= close]
    crossed = bool(events) and events[-1]["state"] == "crossed"
    row["decision_outcome"] = decisions.decision_outcome(
        crossed, row["comparator"], happened == "happened"
    )
    first = next((e["at"] for e in events if e["state"] == "crossed"), None)
    row["lead_time_days"] = decisions.lead_time_days(
        to_epoch(parse_iso(first)) if first else None, to_epoch(question.resolved_at)
    )
    return row
