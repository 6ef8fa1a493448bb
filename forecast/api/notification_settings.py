"""One's notification settings and delivery log through the API (GET and PUT, any user), and
sending a message again that the outbox gave up on."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, document_errors, page_json
from forecast.api.schemas import PageArgs
from forecast.api.schemas.notifications import DeliveryPage, ResendOut, SettingsIn, SettingsOut
from forecast.infra.clock import format_iso
from forecast.infra.db import get_session
from forecast.services.accounts.permissions import require_user
from forecast.services.notifications.deliveries import list_deliveries
from forecast.services.notifications.resend import resend
from forecast.services.notifications.settings import SettingsView, read_settings, update_settings

bp = Blueprint(
    "api_notification_settings",
    __name__,
    url_prefix="/api/v1/me",
    description="Notification settings",
)


def settings_json(view: SettingsView) -> dict[str, Any]:
    """Render settings for their owner (the secret only when just made)."""
    out: dict[str, Any] = {
        "email": view.email,
        "email_confirmed": view.email_confirmed,
        "webhook_url": view.webhook_url,
        "webhook_format": view.webhook_format,
        "events": view.events,
        "has_webhook_secret": view.has_secret,
        "confirmation_sent": view.confirmation_sent,
    }
    if view.webhook_secret:
        out["webhook_secret"] = view.webhook_secret
    return out


@bp.route("/notification-settings")
class Settings(MethodView):
    @bp.response(200, SettingsOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def get(self) -> Response:
        """Read your notification settings (the webhook secret is never shown again)."""
        user = require_user(caller(required=True))
        return jsonify(settings_json(read_settings(session=get_session(), user=user)))

    @bp.arguments(SettingsIn())
    @bp.response(200, SettingsOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 422)
    def put(self, body: dict[str, Any]) -> Response:
        """Change the settings you send; the others stay. A new address gets a confirmation
        link (no other mail goes there until it is followed); a new webhook URL, or
        rotate_secret, answers with its new secret once."""
        user = require_user(caller(required=True))
        view = update_settings(
            session=get_session(),
            user=user,
            data=body,
            allow_private=bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE")),
        )
        return jsonify(settings_json(view))


@bp.route("/notification-deliveries")
class Deliveries(MethodView):
    @bp.arguments(PageArgs(), location="query")
    @bp.response(200, DeliveryPage)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """List every attempt at sending you a mail or webhook, newest first."""
        user = require_user(caller(required=True))
        page = list_deliveries(
            session=get_session(), user=user, page=args["page"], per_page=args["per_page"]
        )
        items = [
            {
                "at": format_iso(d.at),
                "channel": d.channel,
                "kind": d.kind,
                "delivery_id": d.delivery_id,
                "ok": d.ok,
                "target": d.target,
                "detail": d.detail,
                "status": d.attempt_status,
            }
            for d in page.items
        ]
        return jsonify(page_json(page, items))


@bp.route("/notification-deliveries/<delivery_id>/resend")
class Resend(MethodView):
    @bp.response(200, ResendOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404, 409)
    def post(self, delivery_id: str) -> Response:
        """Send a message again that was given up on (status dead), under the same delivery id
        (receivers drop a repeat). Yours only; an admin may name anyone's. 409 when it is
        still being tried, was delivered, or had nowhere to go."""
        done = resend(session=get_session(), actor=caller(required=True), delivery_id=delivery_id)
        return jsonify(
            delivery_id=done.delivery_id,
            user=done.username,
            channel=done.channel,
            kind=done.kind,
            status=done.status,
            next_attempt_at=format_iso(done.next_attempt_at),
        )
