"""The question page's discussion: post, reply, edit, delete, hide, the moderation log; follow;
download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from forecast.errors import DomainError, Forbidden, NotFound
from forecast.http.auth import web_user
from forecast.http.comment_window import edit_window
from forecast.http.csv_files import csv_response
from forecast.http.rate_limits import comment_limit
from forecast.infra.db import get_session
from forecast.models import Question, QuestionFollow, User
from forecast.services import forecasts as forecast_service
from forecast.services.discussion import comments as comment_service
from forecast.services.discussion import follows as follow_service
from forecast.services.discussion.thread import (
    CommentView,
    Thread,
    comment_json,
    comment_page,
    moderation_log,
    one_comment,
    thread_page,
)
from forecast.services.paging import Page, page_number
from forecast.services.questions.lifecycle import get_question
from forecast.web.common import flash_error, login_required, me

bp = Blueprint("comments", __name__)
THREADS_PER_PAGE = 20
EXPORT_COLUMNS = (
    "id", "parent", "author", "kind", "created_at", "edited_at", "deleted", "hidden",
    "hidden_reason", "withheld", "body", "forecast",
)  # fmt: skip


@dataclass(frozen=True)
class Panel:
    """What the question page's discussion section shows one viewer."""

    threads: Page[Thread]
    follow: QuestionFollow | None
    can_attach_forecast: bool
    edit_minutes: int


def comments_panel(session: Any, question: Question, viewer: User | None) -> Panel:
    """Return the discussion section of the question page for viewer."""
    window = edit_window()
    threads = thread_page(
        session=session,
        viewer=viewer,
        question_id=question.id,  # type: ignore[arg-type]
        page=page_number(request.args.get("comments_page")),
        per_page=THREADS_PER_PAGE,
        window=window,
    )
    standing = None
    if viewer is not None:
        standing = forecast_service.standing_forecast(
            session=session,
            user_id=viewer.id,  # type: ignore[arg-type]
            question_id=question.id,  # type: ignore[arg-type]
        )
    return Panel(
        threads=threads,
        follow=follow_service.following(session, viewer, question.id),  # type: ignore[arg-type]
        can_attach_forecast=standing is not None,
        edit_minutes=int(window.total_seconds() // 60),
    )


def _question(question_id: int) -> Question:
    try:
        return get_question(session=get_session(), viewer=web_user(), question_id=question_id)
    except NotFound:
        abort(404)


def _comment(comment_id: int) -> CommentView:
    try:
        return one_comment(
            session=get_session(), viewer=web_user(), comment_id=comment_id, window=edit_window()
        )
    except NotFound:
        abort(404)


def _to_thread(question_id: int, comment_id: int | None = None) -> Response:
    anchor = f"comment-{comment_id}" if comment_id else "discussion"
    return redirect(url_for("questions.detail", question_id=question_id, _anchor=anchor))  # type: ignore[return-value]


def _form_page(template: str, error: DomainError, status: int | None = None, **context: Any) -> Any:
    """Show a refused form again, holding what was typed, with the reason."""
    if error.status == 403:
        abort(403)
    return render_template(template, error=error, **context), status or error.status


@bp.route("/questions/<int:question_id>/comments", methods=["POST"])
@login_required
@comment_limit
def create(question_id: int) -> Any:
    """Post a comment or a reply from the question page."""
    question = _question(question_id)
    form = request.form
    parent = form.get("parent") or None
    try:
        comment = comment_service.create_comment(
            session=get_session(),
            actor=me(),
            question_id=question_id,
            body=form.get("body", ""),
            parent=int(parent) if parent and parent.isdecimal() else parent,
            with_forecast=form.get("with_forecast") == "yes",
        )
    except DomainError as exc:
        return _form_page(
            "comments/form.html", exc, q=question, body=form.get("body", ""), parent=parent
        )
    flash("Comment posted.", "success")
    return _to_thread(question_id, comment.id)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int) -> Any:
    """Edit one's own comment within the edit window."""
    view = _comment(comment_id)
    question = _question(view.question_id)
    if request.method == "GET":
        if not view.can_edit:
            flash("This comment can no longer be edited.", "error")
            return _to_thread(view.question_id, comment_id)
        return render_template("comments/edit.html", q=question, c=view, body=view.body)
    body = request.form.get("body", "")
    try:
        comment_service.edit_comment(
            session=get_session(),
            actor=me(),
            comment_id=comment_id,
            body=body,
            window=edit_window(),
        )
    except DomainError as exc:
        return _form_page("comments/edit.html", exc, q=question, c=view, body=body)
    flash("Comment edited.", "success")
    return _to_thread(view.question_id, comment_id)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete(comment_id: int) -> Any:
    """Delete one's own comment once confirmed; ask first when it is not."""
    view = _comment(comment_id)
    if request.form.get("confirmed") != "yes":
        return render_template("comments/delete.html", q=_question(view.question_id), c=view)
    try:
        comment_service.delete_comment(session=get_session(), actor=me(), comment_id=comment_id)
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Comment deleted.", "success")
    return _to_thread(view.question_id, comment_id)


@bp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@login_required
def hide(comment_id: int) -> Any:
    """Hide a comment with a reason, or show it again (organizers)."""
    view = _comment(comment_id)
    reason = request.form.get("reason", "")
    showing = request.form.get("action") == "unhide"
    try:
        comment_service.hide_comment(
            session=get_session(),
            actor=me(),
            comment_id=comment_id,
            reason=reason,
            hide=not showing,
        )
    except DomainError as exc:
        return _form_page(
            "comments/hide.html", exc, q=_question(view.question_id), c=view, reason=reason
        )
    flash("Comment shown again." if showing else "Comment hidden.", "success")
    return _to_thread(view.question_id, comment_id)


@bp.route("/comments/<int:comment_id>/moderation")
@login_required
def moderation(comment_id: int) -> str:
    """Show a comment's moderation log, oldest first (organizers; others get 403).

    The role is checked before the comment is looked up, so the answer to a non-organizer says
    nothing of which comments exist; a comment the organizer may not see answers 404.
    """
    try:
        entries = moderation_log(session=get_session(), viewer=me(), comment_id=comment_id)
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    view = _comment(comment_id)
    return render_template(
        "comments/moderation.html", q=_question(view.question_id), c=view, entries=entries
    )


@bp.route("/questions/<int:question_id>/follow", methods=["POST"])
@login_required
def follow(question_id: int) -> Any:
    """Follow a question, change the move threshold, or stop following."""
    _question(question_id)
    try:
        if request.form.get("action") == "unfollow":
            follow_service.unfollow(session=get_session(), actor=me(), question_id=question_id)
            flash("You no longer follow this question.", "success")
        else:
            follow_service.follow(
                session=get_session(),
                actor=me(),
                question_id=question_id,
                threshold=request.form.get("threshold"),
            )
            flash("You follow this question.", "success")
    except DomainError as exc:
        flash_error(exc)
    return _to_thread(question_id)


@bp.route("/questions/<int:question_id>/comments.<any(csv, json):fmt>")
def download(question_id: int, fmt: str) -> Response:
    """Download the question's comments as this visitor may see them."""
    _question(question_id)
    page = comment_page(
        session=get_session(),
        viewer=web_user(),
        question_id=question_id,
        per_page=1000,
        window=edit_window(),
    )
    rows = [comment_json(v) for v in page.items]
    name = f"question-{question_id}-comments"
    if fmt == "json":
        response = jsonify(items=rows, page=1, per_page=1000, total=page.total)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return csv_response(EXPORT_COLUMNS, rows, f"{name}.csv")
