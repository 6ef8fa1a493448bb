"""A forecast's rationale published as a comment, carrying the forecast it explains."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from forecast.errors import ValidationFailed
from forecast.models import Comment, CommentKind, User
from forecast.services.discussion.comments import clean_body, create_comment
from forecast.services.forecasts import ForecastRecord


def check_publishable(rationale: Any) -> None:
    """Refuse, before anything is saved, to publish a rationale that is missing or unfit."""
    if not isinstance(rationale, str) or not rationale.strip():
        raise ValidationFailed("write a rationale to publish it as a comment", "rationale")
    clean_body(rationale, "rationale")


def publish_rationale(*, session: Session, actor: User | None, forecast: ForecastRecord) -> Comment:
    """Post the forecast's rationale as a comment on its question, with the forecast attached."""
    return create_comment(
        session=session,
        actor=actor,
        question_id=forecast.question_id,
        body=forecast.rationale,
        kind=CommentKind.RATIONALE,
        forecast_id=forecast.id,
    )
