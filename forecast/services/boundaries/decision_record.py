"""A leader's decision track record: over their resolved, committed boundaries, how often acting
on them hit, missed or raised false alarms, with what lead time and at what cost against never
or always acting (`forecast.core.decisions` holds the rules). Each boundary's row is the
report's (`report.row_now`) with its decision outcome added (`retrospective.add_decision`), so
the record reads what the report shows.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forecast.core import decisions
from forecast.infra.clock import utcnow
from forecast.models import Role, User
from forecast.services.accounts.permissions import require_role
from forecast.services.boundaries.evaluation import outcome
from forecast.services.boundaries.report import row_now, stored
from forecast.services.boundaries.retrospective import add_decision
from forecast.services.boundaries.subjects import subjects
from forecast.services.boundaries.visibility import hidden_questions, redact_row


def decision_record(*, session: Session, viewer: User | None) -> dict[str, Any]:
    """Return the viewer's decision track record over their resolved, committed boundaries."""
    viewer = require_role(viewer, Role.LEADER)
    found = [
        s
        for s in subjects(session, viewer)
        if s.boundary.owner_id == viewer.id and outcome(s) is not None
    ]
    cached = stored(session, [s.boundary.id or 0 for s in found])
    hidden = hidden_questions(session, [s.question for s in found], viewer, utcnow())
    rows = []
    for subject in found:
        row = row_now(session, subject, cached.get(subject.boundary.id or 0))
        add_decision(row, subject)
        redact_row(row, hidden.get(subject.question.id or 0))
        if row.get("decision_outcome"):
            rows.append(row)
    record = decisions.decision_record(
        [r["decision_outcome"] for r in rows],
        [r["lead_time_days"] for r in rows],
        [r["comparator"] for r in rows],
        [r["threshold"] for r in rows],
    )
    value = record.value
    return {
        "total": record.total,
        "counts": record.counts,
        "few": record.few,
        "few_below": decisions.FEW_CASES,
        "hit_rate": record.hit_rate,
        "false_alarm_ratio": record.false_alarm_ratio,
        "mean_lead_time_days": record.mean_lead_time_days,
        "expense": {
            "boundaries": value.boundaries,
            "never": value.never,
            "always": value.always,
            "perfect": value.perfect,
        },
        "saving": value.saving,
        "relative_value": value.relative_value,
        "rows": [
            {
                "id": r["id"],
                "action": r["action"],
                "question": r["question"],
                "comparator": r["comparator"],
                "threshold": r["threshold"],
                "decision_outcome": r["decision_outcome"],
                "lead_time_days": r["lead_time_days"],
            }
            for r in rows
        ],
    }
