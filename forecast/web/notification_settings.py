"""The notification settings page: address, webhook, which events go where, the delivery log
(with a button to send again a message the outbox gave up on)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.http.auth import web_user
from forecast.infra.db import get_session
from forecast.services.notifications.deliveries import list_deliveries, pending_count
from forecast.services.notifications.events import CHANNELS, EVENTS, WEBHOOK_FORMATS
from forecast.services.notifications.resend import resend
from forecast.services.notifications.settings import (
    SettingsView,
    confirm_email,
    read_settings,
    update_settings,
)
from forecast.services.paging import page_number
from forecast.web.common import login_required, me

bp = Blueprint("notification_settings", __name__, url_prefix="/settings/notifications")
LOG_PER_PAGE = 20


def _form_data() -> dict[str, Any]:
    """Read the form as the service's settings (every event's boxes, ticked or not)."""
    form = request.form
    return {
        "email": form.get("email", ""),
        "webhook_url": form.get("webhook_url", ""),
        "webhook_format": form.get("webhook_format", "standard"),
        "events": {
            event.key: [c for c in CHANNELS if form.get(f"{event.key}.{c}")] for event in EVENTS
        },
        "rotate_secret": bool(form.get("rotate_secret")),
    }


def _page(
    view: SettingsView, *, error: ValidationFailed | None = None, status: int = 200
) -> tuple[str, int]:
    session = get_session()
    log = list_deliveries(
        session=session,
        user=me(),
        page=page_number(request.args.get("page")),
        per_page=LOG_PER_PAGE,
    )
    return render_template(
        "settings/notifications.html",
        view=view,
        error=error,
        events=EVENTS,
        channels=CHANNELS,
        formats=WEBHOOK_FORMATS,
        log=log,
        pending=pending_count(session=session, user=me()),
        mail_on=bool(current_app.config.get("SMTP_HOST")),
    ), status


@bp.route("")
@login_required
def index() -> tuple[str, int]:
    """Show one's settings and delivery log."""
    return _page(read_settings(session=get_session(), user=me()))


@bp.route("", methods=["POST"])
@login_required
def save() -> tuple[str, int]:
    """Save the settings; a wrong value is shown again with what was typed, nothing saved."""
    data = _form_data()
    try:
        view = update_settings(
            session=get_session(),
            user=me(),
            data=data,
            allow_private=bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE")),
        )
    except ValidationFailed as error:
        typed = SettingsView(
            email=data["email"],
            email_confirmed=False,
            webhook_url=data["webhook_url"],
            webhook_format=data["webhook_format"],
            events=data["events"],
            has_secret=False,
        )
        return _page(typed, error=error, status=422)
    flash("Saved your notification settings.", "success")
    if view.confirmation_sent:
        flash(
            f"We sent a confirmation link to {view.email}: "
            "no other mail goes there until you follow it.",
            "info",
        )
    # Rendered, not redirected: the new webhook secret is shown on this page only.
    return _page(view)


@bp.route("/deliveries/<delivery_id>/resend", methods=["POST"])
@login_required
def resend_delivery(delivery_id: str) -> Response:
    """Send a given-up message again (one's own; an admin's too), back to the delivery log."""
    try:
        done = resend(session=get_session(), actor=me(), delivery_id=delivery_id)
    except NotFound:
        abort(404)
    except Conflict as error:
        flash(f"Not sent again: {error.message}.", "error")
    else:
        channel = "e-mail" if done.channel == "email" else "webhook"
        flash(f"The {channel} {done.delivery_id} is queued to be sent again.", "success")
    return redirect(url_for("notification_settings.index", _anchor="delivery-log"))


@bp.route("/confirm/<token>")
def confirm_form(token: str) -> str:
    """Ask to confirm the address a link was sent to (mail scanners only follow links)."""
    return render_template("settings/confirm_email.html", token=token)


@bp.route("/confirm/<token>", methods=["POST"])
def confirm(token: str) -> Response | tuple[str, int]:
    """Confirm the address: from now on mail may go there."""
    try:
        email = confirm_email(
            session=get_session(), secret_key=current_app.config["SECRET_KEY"], token=token
        )
    except ValidationFailed as error:
        return render_template("settings/confirm_email.html", token=token, error=error), 422
    flash(f"Confirmed {email}: notifications you chose for e-mail go there now.", "success")
    if web_user() is None:
        return redirect(url_for("auth.login", next=url_for("notification_settings.index")))
    return redirect(url_for("notification_settings.index"))
