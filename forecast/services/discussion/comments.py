"""Writing comments: create (with replies and an attached forecast), edit, delete, hide.

Each action is one transaction, and the notifications it causes (a reply, a mention, a new
comment on a followed question) are queued in it. A notification names who wrote and where,
never what: the body may state a forecast that the question hides from its reader.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import MAX_ROW_ID, write
from forecast.models import Comment, CommentKind, CommentModeration, Question, Role, User
from forecast.services.accounts.permissions import require_role, require_user
from forecast.services.discussion.follows import follower_ids
from forecast.services.discussion.mentions import mentioned_names, mentioned_users
from forecast.services.forecasts import standing_forecast
from forecast.services.notifications import notify
from forecast.services.questions.lifecycle import get_question

MAX_BODY = 10_000
MAX_REASON = 500
DEFAULT_EDIT_WINDOW = timedelta(minutes=15)


def clean_body(body: Any, field: str = "body") -> str:
    """Return the body trimmed, or refuse one that is not text, empty or too long."""
    if not isinstance(body, str):
        raise ValidationFailed("the comment must be text", field)
    body = body.strip()
    if not body:
        raise ValidationFailed("write something first: the comment is empty", field)
    if len(body) > MAX_BODY:
        raise ValidationFailed(f"the comment is longer than {MAX_BODY:,} characters", field)
    if "\x00" in body:
        raise ValidationFailed("the comment holds a NUL character", field)
    return body


def get_comment(session: Session, viewer: User | None, comment_id: int) -> Comment:
    """Return the comment if it exists on a question the viewer may see."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"no comment {comment_id}")
    try:
        get_question(session=session, viewer=viewer, question_id=comment.question_id)
    except NotFound:
        raise NotFound(f"no comment {comment_id}") from None
    return comment


def _parent(session: Session, question_id: int, parent_id: Any) -> Comment | None:
    """Return the comment a reply goes under: a reply to a reply joins its thread."""
    if parent_id is None:
        return None
    if isinstance(parent_id, bool) or not isinstance(parent_id, int):
        raise ValidationFailed("parent must be a comment id", "parent")
    parent = session.get(Comment, parent_id) if 0 < parent_id <= MAX_ROW_ID else None
    if parent is None or parent.question_id != question_id:
        raise ValidationFailed(f"no comment {parent_id} on this question", "parent")
    if parent.parent_id is not None:
        parent = session.get(Comment, parent.parent_id)
        assert parent is not None
    if parent.deleted_at is not None:
        raise Conflict("that comment was deleted; it takes no replies", "parent")
    return parent


def create_comment(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    body: Any,
    parent: Any = None,
    with_forecast: bool = False,
    kind: CommentKind = CommentKind.COMMENT,
    forecast_id: int | None = None,
    now: datetime | None = None,
) -> Comment:
    """Post a comment (or a reply) and tell whom it concerns."""
    actor = require_user(actor)
    text = clean_body(body, "rationale" if kind == CommentKind.RATIONALE else "body")
    question = get_question(session=session, viewer=actor, question_id=question_id)
    with write(session):
        parent_row = _parent(session, question_id, parent)
        if with_forecast and forecast_id is None:
            standing = standing_forecast(
                session=session,
                user_id=actor.id,  # type: ignore[arg-type]
                question_id=question_id,
            )
            if standing is None:
                raise ValidationFailed(
                    "you have no standing forecast on this question to show", "with_forecast"
                )
            forecast_id = standing.id
        comment = Comment(
            question_id=question_id,
            author_id=actor.id,  # type: ignore[arg-type]
            parent_id=parent_row.id if parent_row else None,
            kind=kind.value,
            body=text,
            forecast_id=forecast_id,
            created_at=now or utcnow(),
        )
        session.add(comment)
        session.flush()
        mentioned = mentioned_users(session, question, text)
        _tell(session, question, actor, comment, parent_row, mentioned)
    return comment


def _tell(
    session: Session,
    question: Question,
    actor: User,
    comment: Comment,
    parent: Comment | None,
    mentioned: list[User],
) -> None:
    """Queue one notification per person concerned: a reply, else a mention, else a follow."""
    link = f"/questions/{question.id}#comment-{comment.id}"
    title = f"“{question.title}”"
    told = {actor.id}
    if parent is not None and parent.author_id not in told:
        notify(
            session,
            parent.author_id,
            kind="reply",
            message=f"{actor.username} replied to your comment on {title}",
            link=link,
        )
        told.add(parent.author_id)
    _tell_mentioned(session, question, actor, comment, mentioned, told)
    for user_id in follower_ids(session, question.id):  # type: ignore[arg-type]
        if user_id not in told:
            notify(
                session,
                user_id,
                kind="comment",
                message=f"{actor.username} commented on {title}, which you follow",
                link=link,
            )


def _tell_mentioned(
    session: Session,
    question: Question,
    actor: User,
    comment: Comment,
    mentioned: list[User],
    told: set[int | None],
) -> None:
    for user in mentioned:
        if user.id in told:
            continue
        notify(
            session,
            user.id,  # type: ignore[arg-type]
            kind="mention",
            message=f"{actor.username} mentioned you in a comment on “{question.title}”",
            link=f"/questions/{question.id}#comment-{comment.id}",
        )
        told.add(user.id)


def edit_comment(
    *,
    session: Session,
    actor: User | None,
    comment_id: int,
    body: Any,
    window: timedelta = DEFAULT_EDIT_WINDOW,
    now: datetime | None = None,
) -> Comment:
    """Change one's own comment within the edit window; newly mentioned people are told."""
    actor = require_user(actor)
    text = clean_body(body)
    now = now or utcnow()
    with write(session):
        comment = get_comment(session, actor, comment_id)
        if comment.author_id != actor.id:
            raise Forbidden("only its author may edit a comment")
        if comment.deleted_at is not None or comment.hidden_at is not None:
            raise Conflict("a deleted or hidden comment cannot be edited")
        if now - comment.created_at > window:
            minutes = int(window.total_seconds() // 60)
            raise Conflict(f"comments can be edited for {minutes} minutes after posting")
        if text == comment.body:
            return comment
        before = set(mentioned_names(comment.body))
        comment.body = text
        comment.edited_at = now
        session.add(comment)
        question = get_question(session=session, viewer=actor, question_id=comment.question_id)
        fresh = [
            u for u in mentioned_users(session, question, text) if u.username.lower() not in before
        ]
        _tell_mentioned(session, question, actor, comment, fresh, {actor.id})
    return comment


def delete_comment(
    *, session: Session, actor: User | None, comment_id: int, now: datetime | None = None
) -> Comment:
    """Delete one's own comment, leaving a tombstone so that its replies keep their place."""
    actor = require_user(actor)
    with write(session):
        comment = get_comment(session, actor, comment_id)
        if comment.author_id != actor.id:
            raise Forbidden("only its author may delete a comment")
        if comment.deleted_at is not None:
            raise Conflict("the comment is already deleted")
        comment.deleted_at = now or utcnow()
        comment.body = ""
        comment.forecast_id = None
        session.add(comment)
    return comment


def hide_comment(
    *,
    session: Session,
    actor: User | None,
    comment_id: int,
    reason: Any,
    hide: bool = True,
    now: datetime | None = None,
) -> Comment:
    """Hide a comment with a reason, or show it again (organizers); both go to the audit log."""
    actor = require_role(actor, Role.ORGANIZER)
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed("give the reason, for the author and the audit log", "reason")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"the reason is longer than {MAX_REASON} characters", "reason")
    now = now or utcnow()
    with write(session):
        comment = get_comment(session, actor, comment_id)
        if hide == (comment.hidden_at is not None):
            raise Conflict("the comment is already " + ("hidden" if hide else "shown"))
        comment.hidden_at = now if hide else None
        comment.hidden_reason = reason if hide else None
        session.add(comment)
        session.add(
            CommentModeration(
                comment_id=comment.id,  # type: ignore[arg-type]
                actor_id=actor.id,  # type: ignore[arg-type]
                action="hide" if hide else "unhide",
                reason=reason,
                created_at=now,
            )
        )
        if hide and comment.author_id != actor.id:
            notify(
                session,
                comment.author_id,
                kind="comment_hidden",
                message=f"An organizer hid your comment: {reason}",
                link=f"/questions/{comment.question_id}#comment-{comment.id}",
            )
    return comment
