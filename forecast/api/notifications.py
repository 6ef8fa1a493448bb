"""One's own notifications through the API: listed newest first, marked read."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forecast.api.common import BEARER, caller, document_errors, page_json
from forecast.api.schemas import ISO, PageArgs, PageOut
from forecast.infra.clock import format_iso
from forecast.infra.db import get_session
from forecast.models import Notification
from forecast.services import notifications
from forecast.services.accounts.permissions import require_user

bp = Blueprint("api_notifications", __name__, url_prefix="/api/v1/me", description="Notifications")


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(
        required=True, metadata={"description": "e.g. question_reject, boundary_crossed"}
    )
    message = fields.String(required=True, metadata={"description": "names its subject"})
    link = fields.String(
        allow_none=True, metadata={"description": "the path of its subject on this site"}
    )
    created_at = fields.String(required=True, metadata=ISO)
    read_at = fields.String(allow_none=True, metadata=ISO)


class NotificationPage(PageOut):
    items = fields.List(fields.Nested(NotificationOut), required=True)


class MarkedOut(Schema):
    marked = fields.Integer(required=True, metadata={"description": "how many were unread"})


def notification_json(note: Notification) -> dict[str, Any]:
    """Render one notification for its owner."""
    return {
        "id": note.id,
        "kind": note.kind,
        "message": note.message,
        "link": note.link,
        "created_at": format_iso(note.created_at),
        "read_at": format_iso(note.read_at) if note.read_at else None,
    }


@bp.route("/notifications")
class Notifications(MethodView):
    @bp.arguments(PageArgs(), location="query")
    @bp.response(200, NotificationPage)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """List your own notifications, newest first (reading them here marks nothing)."""
        page = notifications.list_notifications(
            session=get_session(),
            user=require_user(caller(required=True)),
            page=args["page"],
            per_page=args["per_page"],
        )
        return jsonify(page_json(page, [notification_json(n) for n in page.items]))


@bp.route("/notifications/<int:notification_id>/read")
class MarkOneRead(MethodView):
    @bp.response(200, NotificationOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def post(self, notification_id: int) -> Response:
        """Mark one of your notifications read."""
        user = require_user(caller(required=True))
        note = notifications.mark_one_read(
            session=get_session(), user=user, notification_id=notification_id
        )
        return jsonify(notification_json(note))


@bp.route("/notifications/read")
class MarkRead(MethodView):
    @bp.response(200, MarkedOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def post(self) -> Response:
        """Mark all your notifications read."""
        user = require_user(caller(required=True))
        marked = notifications.mark_read(session=get_session(), user=user)
        return jsonify(marked=marked)
