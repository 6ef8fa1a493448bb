"""Since when: a boundary's changes of state since its first commit, each with the version then
in force, and a sampled path of its event's probability, both from the path over time of the
boundary's method (`forecast.services.methods`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core.boundaries import rules
from forecast.core.boundaries.paths import Crossings, rolling_probability, rolling_states, states
from forecast.infra.clock import format_iso, from_epoch, to_epoch
from forecast.models import BoundaryVersion
from forecast.services.aggregation.arrays import QuestionForecasts, load_forecasts
from forecast.services.boundaries.lifecycle import versions
from forecast.services.boundaries.subjects import Subject
from forecast.services.methods import Target, source
from forecast.services.questions.input import question_scale

PATH_POINTS = 80
_History = tuple[np.ndarray, np.ndarray, np.ndarray]


def _changes(
    subject: Subject,
    version: BoundaryVersion,
    event: Any,
    history: _History,
    begin: float,
    until: float,
) -> Crossings:
    """Return the changes of state of one version's boundary since its commit.

    A rolling "within N years" event is followed exactly: its probability rises inside an
    aggregate entry as the deadline moves with the clock (`forecast.core.boundaries.paths`).
    """
    question = subject.question
    start, end, values = history
    comparator, threshold = version.comparator, version.threshold
    hysteresis = subject.boundary.hysteresis
    if event.kind == "within":
        return rolling_states(
            start,
            end,
            values,
            question_scale(question),
            event.years,
            comparator=comparator,
            threshold=threshold,
            hysteresis=hysteresis,
            commit_time=begin,
            until=until,
        )
    scale = question_scale(question) if question.is_continuous else None
    p = rules.event_probabilities(
        event, values, question_type=question.type, scale=scale, t=np.maximum(start, begin)
    )
    return states(
        start,
        end,
        p,
        comparator=comparator,
        threshold=threshold,
        hysteresis=hysteresis,
        commit_time=begin,
        until=until,
    )


def _sampled_path(
    subject: Subject, history: _History, first_commit: float, until: float
) -> list[list[float | None]]:
    """Return PATH_POINTS samples (time, P(event)) of the current version's event."""
    question, event = subject.question, subject.event
    start, end, values = history
    first = float(start[0]) if len(start) else first_commit
    times = np.linspace(min(first, first_commit), max(until, first_commit), PATH_POINTS)
    if event.kind == "within":
        sampled = rolling_probability(
            start, end, values, question_scale(question), event.years, times
        )
    else:
        scale = question_scale(question) if question.is_continuous else None
        p = rules.event_probabilities(
            event,
            values,
            question_type=question.type,
            scale=scale,
            t=np.maximum(start, first_commit),
        )
        index = np.searchsorted(start, times, side="right") - 1
        sampled = np.full(times.shape, np.nan)
        if len(p):
            sampled[index >= 0] = p[index[index >= 0]]
    return [
        [float(t), None if np.isnan(v) else float(v)]
        for t, v in zip(times.tolist(), sampled.tolist(), strict=True)
    ]


def crossing_events(
    session: Session,
    subject: Subject,
    until: datetime,
    forecasts: QuestionForecasts | None = None,
) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """Return the changes of state since the first commit, each with the version then in force,
    and a sampled path of the event's probability under the current version."""
    committed = [v for v in versions(session, subject.boundary.id or 0) if v.committed_at]
    if not committed:
        return [], []
    stop = to_epoch(until)
    loaded = forecasts
    # Versions usually share a method: each method's path is read once (the threshold matters
    # only to "best at your threshold").
    histories: dict[tuple[str, float], _History] = {}

    def history_of(method: str, threshold: float) -> _History:
        nonlocal loaded
        if (method, threshold) not in histories:
            loaded = loaded or load_forecasts(session, subject.question)
            goal = Target(session, subject.question, subject.event, threshold, loaded)
            histories[method, threshold] = source(method).event_path(
                goal, method, subject.boundary.min_forecasters
            )
        return histories[method, threshold]

    events: list[dict[str, Any]] = []
    last_state: str | None = None
    for k, version in enumerate(committed):
        assert version.committed_at is not None
        begin = to_epoch(version.committed_at)
        following = committed[k + 1].committed_at if k + 1 < len(committed) else None
        finish = to_epoch(following) if following is not None else np.inf
        event = rules.parse_event(
            json.loads(version.event), subject.question.type, subject.question.option_labels
        )
        found = _changes(
            subject, version, event, history_of(version.method, version.threshold), begin, stop
        )
        for t, state, prob in found.as_tuples():
            if t >= finish or t > stop or state == last_state:
                continue
            events.append(
                {
                    "at": format_iso(from_epoch(t)),
                    "state": state,
                    "probability": float(prob),
                    "version": version.version,
                }
            )
            last_state = state
    first_commit = to_epoch(committed[0].committed_at)  # type: ignore[arg-type]
    current = history_of(subject.version.method, subject.version.threshold)
    path = _sampled_path(subject, current, first_commit, stop)
    return events, path
