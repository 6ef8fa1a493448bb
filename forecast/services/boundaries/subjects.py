"""The committed boundaries a report or an alert is about, each with its version in force,
its question and its parsed event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from forecast.core.boundaries import rules
from forecast.models import Boundary, BoundaryStatus, BoundaryVersion, Question, User
from forecast.services.boundaries.lifecycle import can_view


@dataclass(frozen=True)
class Subject:
    """A committed boundary with its version in force and its question."""

    boundary: Boundary
    version: BoundaryVersion
    question: Question
    event: Any  # forecast.core.boundaries.rules.Event


def subjects(
    session: Session, viewer: User, boundary_ids: list[int] | None = None
) -> list[Subject]:
    """Load the committed boundaries the viewer may see, with their versions and questions."""
    query = (
        select(Boundary, BoundaryVersion, Question)
        .join(
            BoundaryVersion,
            (col(BoundaryVersion.boundary_id) == col(Boundary.id))
            & (col(BoundaryVersion.version) == col(Boundary.current_version)),
        )
        .join(Question, col(Question.id) == col(Boundary.question_id))
        .where(col(Boundary.status) == BoundaryStatus.COMMITTED.value)
    )
    if boundary_ids is not None:
        query = query.where(col(Boundary.id).in_(boundary_ids))
    found = []
    for boundary, version, question in session.exec(query):
        if not can_view(boundary, viewer):
            continue
        event = rules.parse_event(
            json.loads(version.event), question.type, question.option_labels
        )
        found.append(Subject(boundary, version, question, event))
    return found
