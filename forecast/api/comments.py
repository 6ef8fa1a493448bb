"""Comments through the API: list and post on a question; edit, delete, hide one; follow."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, created, document_errors, page_json, paged
from forecast.api.schemas.comments import (
    CommentIn,
    CommentOut,
    CommentPage,
    CommentPatch,
    FollowIn,
    FollowOut,
    ModerationIn,
    ModerationPage,
)
from forecast.api.schemas.common import PageArgs
from forecast.http.comment_window import edit_window
from forecast.http.rate_limits import comment_limit
from forecast.infra.clock import format_iso
from forecast.infra.db import get_session
from forecast.services.discussion import comments as comment_service
from forecast.services.discussion import follows as follow_service
from forecast.services.discussion.thread import (
    comment_json,
    comment_page,
    moderation_log,
    one_comment,
)
from forecast.services.questions.lifecycle import get_question

bp = Blueprint("api_comments", __name__, url_prefix="/api/v1", description="Comments")


def _one(comment_id: int) -> dict[str, Any]:
    view = one_comment(
        session=get_session(), viewer=caller(), comment_id=comment_id, window=edit_window()
    )
    return comment_json(view)


@bp.route("/questions/<int:question_id>/comments")
class QuestionComments(MethodView):
    decorators = [comment_limit]

    @bp.arguments(PageArgs(), location="query")
    @bp.response(200, CommentPage)
    @document_errors(bp, 401, 404, 422)
    def get(self, args: dict[str, Any], question_id: int) -> Response:
        """List the question's comments and replies, oldest first, as you may see them."""
        page = comment_page(
            session=get_session(),
            viewer=caller(),
            question_id=question_id,
            page=args["page"],
            per_page=args["per_page"],
            window=edit_window(),
        )
        return jsonify(page_json(page, [comment_json(v) for v in page.items]))

    @bp.arguments(CommentIn())
    @bp.response(201, CommentOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Comment on the question (or reply, with `parent`); mentioned people are told."""
        comment = comment_service.create_comment(
            session=get_session(),
            actor=caller(required=True),
            question_id=question_id,
            body=body["body"],
            parent=body.get("parent"),
            with_forecast=body["with_forecast"],
        )
        return created(_one(comment.id))  # type: ignore[arg-type]


@bp.route("/comments/<int:comment_id>")
class OneComment(MethodView):
    @bp.response(200, CommentOut)
    @document_errors(bp, 401, 404)
    def get(self, comment_id: int) -> Response:
        """Read one comment as you may see it."""
        return jsonify(_one(comment_id))

    @bp.arguments(CommentPatch())
    @bp.response(200, CommentOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409, 422)
    def patch(self, body: dict[str, Any], comment_id: int) -> Response:
        """Edit your comment within the edit window; it shows as edited."""
        comment_service.edit_comment(
            session=get_session(),
            actor=caller(required=True),
            comment_id=comment_id,
            body=body["body"],
            window=edit_window(),
        )
        return jsonify(_one(comment_id))

    @bp.response(200, CommentOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409)
    def delete(self, comment_id: int) -> Response:
        """Delete your comment; a tombstone keeps its place in the thread."""
        comment_service.delete_comment(
            session=get_session(), actor=caller(required=True), comment_id=comment_id
        )
        return jsonify(_one(comment_id))


def _moderate(comment_id: int, reason: str, *, hide: bool) -> Response:
    comment_service.hide_comment(
        session=get_session(),
        actor=caller(required=True),
        comment_id=comment_id,
        reason=reason,
        hide=hide,
    )
    return jsonify(_one(comment_id))


@bp.route("/comments/<int:comment_id>/hide")
class HideComment(MethodView):
    @bp.arguments(ModerationIn())
    @bp.response(200, CommentOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], comment_id: int) -> Response:
        """Hide a comment with a reason (organizers); the reason is shown in its place."""
        return _moderate(comment_id, body["reason"], hide=True)


@bp.route("/comments/<int:comment_id>/unhide")
class UnhideComment(MethodView):
    @bp.arguments(ModerationIn())
    @bp.response(200, CommentOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], comment_id: int) -> Response:
        """Show a hidden comment again, with a reason (organizers)."""
        return _moderate(comment_id, body["reason"], hide=False)


@bp.route("/comments/<int:comment_id>/moderation")
class Moderation(MethodView):
    @bp.arguments(PageArgs(), location="query")
    @bp.response(200, ModerationPage)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 422)
    def get(self, args: dict[str, Any], comment_id: int) -> Response:
        """The comment's moderation log, oldest first (organizers)."""
        entries = moderation_log(
            session=get_session(), viewer=caller(required=True), comment_id=comment_id
        )
        rows = [
            {
                "id": e.id,
                "action": e.action,
                "reason": e.reason,
                "actor": actor,
                "created_at": format_iso(e.created_at),
            }
            for e, actor in entries
        ]
        return jsonify(paged(rows, args))


@bp.route("/questions/<int:question_id>/follow")
class Follow(MethodView):
    @bp.response(200, FollowOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def get(self, question_id: int) -> Response:
        """Say whether you follow the question, and your move threshold."""
        session = get_session()
        user = caller(required=True)
        get_question(session=session, viewer=user, question_id=question_id)
        row = follow_service.following(session, user, question_id)
        return jsonify(_follow_json(question_id, row.move_threshold if row else None))

    @bp.arguments(FollowIn())
    @bp.response(200, FollowOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404, 422)
    def put(self, body: dict[str, Any], question_id: int) -> Response:
        """Follow the question: new comments, its resolution, large community moves."""
        row = follow_service.follow(
            session=get_session(),
            actor=caller(required=True),
            question_id=question_id,
            threshold=body.get("threshold"),
        )
        return jsonify(_follow_json(question_id, row.move_threshold))

    @bp.response(200, FollowOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def delete(self, question_id: int) -> Response:
        """Stop following the question."""
        follow_service.unfollow(
            session=get_session(), actor=caller(required=True), question_id=question_id
        )
        return jsonify(_follow_json(question_id, None))


def _follow_json(question_id: int, threshold: float | None) -> dict[str, Any]:
    return {
        "question": question_id,
        "following": threshold is not None,
        "threshold": None if threshold is None else round(threshold * 100, 6),
    }
