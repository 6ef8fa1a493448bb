"""The user's own account: API tokens and notifications."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.db import get_session
from forecast.services import notifications, tokens
from forecast.web.common import login_required, me

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("")
@login_required
def index() -> str:
    """Show notifications and the token form."""
    session = get_session()
    items = notifications.recent(session=session, user=me())
    return render_template("account/index.html", notifications=items)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token() -> str:
    """Create an API token and show it once."""
    secret = tokens.create_token(
        session=get_session(), user=me(), label=request.form.get("label", "web")[:100]
    )
    items = notifications.recent(session=get_session(), user=me())
    return render_template("account/index.html", notifications=items, new_token=secret)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    """Mark every notification as read."""
    notifications.mark_all_read(session=get_session(), user=me())
    flash("All notifications marked as read.", "info")
    return redirect(url_for("account.index"))
