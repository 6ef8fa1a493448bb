"""Threshold alerts: re-evaluate committed boundaries and tell owners when one changes state.

A change is recorded with a compare-and-set on the boundary's last state, so two job runs at
once (or a job run twice) record it exactly once. The owner is notified in the app, by email
when SMTP is configured, and by webhook when they set a URL: a JSON body signed with
HMAC-SHA256 of the body under their webhook secret, sent as `X-Forecast-Signature: sha256=<hex>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from forecast.core.boundaries.states import next_state
from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import write
from forecast.models import Boundary, BoundaryEvent, User
from forecast.services.aggregation.values import QuestionForecasts, load_forecasts
from forecast.services.aggregation.visibility import hidden_reason
from forecast.services.boundaries.evaluation import current_probability, evaluate
from forecast.services.boundaries.subjects import Subject
from forecast.services.notifications import notify

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Forecast-Signature"
Sender = Callable[[str, bytes, dict[str, str]], None]


def sign(body: bytes, secret: str) -> str:
    """Return the signature header value for a webhook body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_json(url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST a JSON body (the webhook transport; tests replace it)."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


@dataclass
class AlertRun:
    """What one pass of the alert job did."""

    evaluated: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)


def run(
    *,
    session: Session,
    now: datetime | None = None,
    config: Mapping[str, Any] | None = None,
    send: Sender = post_json,
) -> AlertRun:
    """Evaluate every committed boundary and record, once, each change of state."""
    from forecast.services.boundaries.subjects import subjects

    now = now or utcnow()
    report = AlertRun()
    admin = User.model_construct(id=0, username="alert-job", role="admin")
    loaded: dict[int, QuestionForecasts] = {}
    for subject in subjects(session, admin):
        # A light evaluation first (one method, no interval, each question's forecasts loaded
        # once); the full report row is only built for boundaries whose state changes.
        question_id = subject.question.id or 0
        if question_id not in loaded:
            loaded[question_id] = load_forecasts(session, subject.question)
        probability, count = current_probability(session, subject, now, loaded[question_id])
        report.evaluated += 1
        boundary = subject.boundary
        version = subject.version
        state = next_state(
            boundary.last_state,
            probability,
            version.comparator,
            version.threshold,
            boundary.hysteresis,
            forecasters=count,
            min_forecasters=boundary.min_forecasters,
        ).state
        if state is None or state == boundary.last_state:
            continue
        row = evaluate(session, subject, now)
        # The change is recorded either way; its owner hears of it only if they may see the
        # question's aggregate (the boundary's page shows the changes once they may).
        owner = session.get(User, boundary.owner_id)
        tell = owner is not None and hidden_reason(session, subject.question, owner, now) is None
        if _record(session, subject, state, row, now, tell=tell):
            change = {
                "boundary": boundary.id,
                "state": state,
                "probability": row["probability"],
                "at": format_iso(now),
            }
            report.changes.append(change)
            if tell and owner is not None:
                _deliver(owner, subject, row, state, config or {}, send)
    return report


class _RecordedFirst(Exception):
    """Another run recorded this change first: roll back and record nothing."""


def _record(
    session: Session,
    subject: Subject,
    state: str,
    row: dict[str, Any],
    now: datetime,
    *,
    tell: bool,
) -> bool:
    boundary = subject.boundary
    try:
        with write(session):
            done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(Boundary)
                .where(
                    col(Boundary.id) == boundary.id,
                    col(Boundary.last_state).is_(None)
                    if boundary.last_state is None
                    else col(Boundary.last_state) == boundary.last_state,
                )
                .values(
                    last_state=state, last_probability=row["probability"], last_evaluated_at=now
                )
            )
            if done.rowcount != 1:
                raise _RecordedFirst
            assert boundary.id is not None
            session.add(
                BoundaryEvent(
                    boundary_id=boundary.id,
                    version=subject.version.version,
                    at=now,
                    state=state,
                    probability=row["probability"],
                    threshold=row["threshold"],
                )
            )
            if tell:
                verb = "crossed its threshold" if state == "crossed" else "is no longer crossed"
                notify(
                    session,
                    boundary.owner_id,
                    kind=f"boundary_{state}",
                    message=f"“{row['action']}” on “{subject.question.title}”: "
                    f"P = {100 * row['probability']:.1f}% {verb} "
                    f"({row['comparator']} {100 * row['threshold']:.1f}%).",
                    link=f"/boundaries/{boundary.id}",
                )
    except (_RecordedFirst, IntegrityError):
        return False
    boundary.last_state = state
    return True


def _deliver(
    owner: User,
    subject: Subject,
    row: dict[str, Any],
    state: str,
    config: Mapping[str, Any],
    send: Sender,
) -> None:
    payload = {
        "event": "boundary.state_changed",
        "state": state,
        "boundary": {
            k: row.get(k)
            for k in (
                "id",
                "version",
                "action",
                "question",
                "event",
                "comparator",
                "threshold",
                "method",
            )
        },
        "probability": row["probability"],
        "verdict": row.get("verdict"),
        "at": row["at"],
    }
    if owner.webhook_url:
        body = json.dumps(payload, sort_keys=True).encode()
        headers = {SIGNATURE_HEADER: sign(body, owner.webhook_secret or "")}
        try:
            send(owner.webhook_url, body, headers)
        except Exception:  # a failing endpoint must not stop other alerts
            log.warning(
                "webhook to %s failed for boundary %s",
                owner.webhook_url,
                subject.boundary.id,
                exc_info=True,
            )
    host = config.get("SMTP_HOST")
    if host and owner.email:
        message = EmailMessage()
        message["Subject"] = f"Decision boundary {state.replace('_', ' ')}: {row['action']}"
        message["From"] = config.get("SMTP_FROM", "forecast@localhost")
        message["To"] = owner.email
        message.set_content(json.dumps(payload, indent=2))
        try:
            with smtplib.SMTP(host, int(config.get("SMTP_PORT", 25)), timeout=10) as smtp:
                smtp.send_message(message)
        except OSError:
            log.warning("email to %s failed", owner.email, exc_info=True)
