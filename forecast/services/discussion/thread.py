"""Reading a question's discussion, as one viewer may see it.

What a viewer sees of each comment is decided here, for the page, the API and the export:
- a deleted comment is a tombstone: its place, author and time, no body;
- a hidden comment shows the moderator's reason; its body only to organizers;
- a comment that states its author's forecast (one carrying the forecast standing when it was
  written, or a forecast's rationale made public) is withheld whole, body and value, from a
  viewer the question hides its community prediction from (services/aggregation/visibility.py)
  -- their own comments excepted -- until that rule lets them see the community prediction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.core.distributions import quantile_of
from forecast.errors import Forbidden
from forecast.infra.clock import format_iso, utcnow
from forecast.models import Comment, CommentKind, CommentModeration, Forecast, Question, User
from forecast.services.accounts.permissions import is_organizer
from forecast.services.aggregation.visibility import hidden_reason
from forecast.services.discussion.comments import DEFAULT_EDIT_WINDOW, get_comment
from forecast.services.discussion.markdown import render
from forecast.services.kinds import kind_of
from forecast.services.paging import Page, check_page, page_of
from forecast.services.questions.input import question_scale
from forecast.services.questions.lifecycle import get_question

MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class CommentView:
    """One comment as one viewer may see it (body and html None when not theirs to read)."""

    id: int
    question_id: int
    parent_id: int | None
    author: str
    kind: str
    body: str | None
    html: str | None
    forecast: dict[str, Any] | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    hidden_reason: str | None
    withheld: bool
    can_edit: bool
    can_delete: bool
    can_hide: bool


@dataclass(frozen=True)
class Thread:
    """A top-level comment with its replies, oldest first."""

    comment: CommentView
    replies: list[CommentView]


def comment_json(view: CommentView) -> dict[str, Any]:
    """Render a comment for the API and the JSON export."""
    return {
        "id": view.id,
        "question": view.question_id,
        "parent": view.parent_id,
        "author": view.author,
        "kind": view.kind,
        "body": view.body,
        "html": view.html,
        "forecast": view.forecast,
        "created_at": format_iso(view.created_at),
        "edited_at": format_iso(view.edited_at) if view.edited_at else None,
        "deleted": view.deleted,
        "hidden": view.hidden,
        "hidden_reason": view.hidden_reason,
        "withheld": view.withheld,
    }


class _Viewing:
    """What deciding one viewer's view of a question's comments needs, read once."""

    def __init__(
        self, session: Session, question: Question, viewer: User | None, window: timedelta
    ) -> None:
        now = utcnow()
        self.session = session
        self.question = question
        self.viewer_id = viewer.id if viewer is not None else None
        self.organizer = is_organizer(viewer)
        self.aggregate_hidden = hidden_reason(session, question, viewer, now) is not None
        self.edit_until = now - window

    def views(self, comments: list[Comment]) -> list[CommentView]:
        """Return the views of comments, reading their authors and forecasts in bulk."""
        authors = _usernames(self.session, {c.author_id for c in comments})
        forecasts = _forecast_values(
            self.session, self.question, {c.forecast_id for c in comments if c.forecast_id}
        )
        return [self.view(c, authors, forecasts) for c in comments]

    def view(
        self, c: Comment, authors: dict[int, str], forecasts: dict[int, dict[str, Any]]
    ) -> CommentView:
        mine = self.viewer_id is not None and c.author_id == self.viewer_id
        states_forecast = c.forecast_id is not None or c.kind == CommentKind.RATIONALE.value
        withheld = states_forecast and self.aggregate_hidden and not mine
        deleted = c.deleted_at is not None
        hidden = c.hidden_at is not None
        readable = not deleted and not withheld and (not hidden or self.organizer)
        live = not deleted and not hidden
        return CommentView(
            id=c.id,  # type: ignore[arg-type]
            question_id=c.question_id,
            parent_id=c.parent_id,
            author=authors.get(c.author_id, "unknown"),
            kind=c.kind,
            body=c.body if readable else None,
            html=render(c.body) if readable else None,
            forecast=forecasts.get(c.forecast_id) if readable and c.forecast_id else None,
            created_at=c.created_at,
            edited_at=c.edited_at,
            deleted=deleted,
            hidden=hidden,
            hidden_reason=c.hidden_reason if hidden and not deleted else None,
            withheld=withheld and not deleted,
            can_edit=mine and live and c.created_at >= self.edit_until,
            can_delete=mine and not deleted,
            can_hide=self.organizer and not deleted,
        )


def _usernames(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        sa_select(col(User.id), col(User.username)).where(col(User.id).in_(list(ids)))
    ).all()
    return {int(i): str(name) for i, name in rows}


def _forecast_values(
    session: Session, question: Question, ids: set[int | None]
) -> dict[int, dict[str, Any]]:
    """Return each attached forecast's value: a probability, or a continuous median."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Forecast).where(col(Forecast.id).in_(wanted))).all()
    values: dict[int, dict[str, Any]] = {}
    for f in rows:
        if f.probability is not None:
            values[f.id] = {"probability": f.probability}  # type: ignore[index]
        elif f.cdf is not None and question.is_continuous:
            median = quantile_of(f.cdf, question_scale(question), 0.5)
            values[f.id] = {"median": kind_of(question).render_point(median)}  # type: ignore[index]
    return values


def comment_page(
    *,
    session: Session,
    viewer: User | None,
    question_id: int,
    page: int = 1,
    per_page: int = 50,
    window: timedelta = DEFAULT_EDIT_WINDOW,
) -> Page[CommentView]:
    """Return one page of the question's comments and replies, oldest first (the API's list)."""
    check_page(page, per_page, MAX_PER_PAGE)
    question = get_question(session=session, viewer=viewer, question_id=question_id)
    on_question = col(Comment.question_id) == question_id
    order = [col(Comment.created_at), col(Comment.id)]
    found = page_of(session, Comment, on_question, order, page, per_page)
    views = _Viewing(session, question, viewer, window).views(found.items)
    return Page(items=views, page=page, per_page=per_page, total=found.total)


def thread_page(
    *,
    session: Session,
    viewer: User | None,
    question_id: int,
    page: int = 1,
    per_page: int = 20,
    window: timedelta = DEFAULT_EDIT_WINDOW,
) -> Page[Thread]:
    """Return one page of the question's threads, newest first, each with all its replies."""
    check_page(page, per_page, MAX_PER_PAGE)
    question = get_question(session=session, viewer=viewer, question_id=question_id)
    top = (col(Comment.question_id) == question_id) & col(Comment.parent_id).is_(None)
    newest_first = [col(Comment.created_at).desc(), col(Comment.id).desc()]
    found = page_of(session, Comment, top, newest_first, page, per_page)
    heads = found.items
    replies: list[Comment] = []
    if heads:
        replies = list(
            session.exec(
                select(Comment)
                .where(col(Comment.parent_id).in_([c.id for c in heads]))
                .order_by(col(Comment.created_at), col(Comment.id))
            ).all()
        )
    views = _Viewing(session, question, viewer, window).views(heads + replies)
    by_id = {v.id: v for v in views}
    threads = [Thread(by_id[h.id], []) for h in heads]  # type: ignore[index]
    index = {t.comment.id: t for t in threads}
    for r in replies:
        index[r.parent_id].replies.append(by_id[r.id])  # type: ignore[index]
    return Page(items=threads, page=page, per_page=per_page, total=found.total)


def one_comment(
    *,
    session: Session,
    viewer: User | None,
    comment_id: int,
    window: timedelta = DEFAULT_EDIT_WINDOW,
) -> CommentView:
    """Return one comment as the viewer may see it."""
    comment = get_comment(session, viewer, comment_id)
    question = get_question(session=session, viewer=viewer, question_id=comment.question_id)
    return _Viewing(session, question, viewer, window).views([comment])[0]


def moderation_log(
    *, session: Session, viewer: User | None, comment_id: int
) -> list[tuple[CommentModeration, str]]:
    """Return the comment's moderation entries with each actor's name, oldest first
    (organizers)."""
    if not is_organizer(viewer):
        raise Forbidden("the moderation log is for organizers")
    get_comment(session, viewer, comment_id)
    rows = session.execute(
        sa_select(CommentModeration, col(User.username))
        .join(User, col(User.id) == col(CommentModeration.actor_id))
        .where(col(CommentModeration.comment_id) == comment_id)
        .order_by(col(CommentModeration.created_at), col(CommentModeration.id))
    ).all()
    return [(entry, str(name)) for entry, name in rows]
