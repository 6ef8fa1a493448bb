"""The notifications page: one's own, unread first, each marked read by its owner."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.infra.db import get_session
from forecast.services import notifications
from forecast.services.paging import page_number
from forecast.web.common import login_required, me, safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 20
# What each kind of notification is about, as a short tag beside its message.
KINDS = {
    "question_proposed": "Proposal",
    "question_approve": "Approved",
    "question_return": "Sent back",
    "question_reject": "Rejected",
    "question_resolved": "Resolved",
    "resolution": "Resolved",
    "resolution_overdue": "Overdue",
    "boundary_crossed": "Crossed",
    "boundary_not_crossed": "No longer crossed",
    "reply": "Reply",
    "mention": "Mention",
    "comment": "Comment",
    "community_move": "Moved",
}


@bp.route("")
@login_required
def index() -> str:
    """List one's notifications a page at a time, unread first, newest first within each."""
    number = page_number(request.args.get("page"))
    page = notifications.list_notifications(
        session=get_session(), user=me(), page=number, per_page=PER_PAGE, unread_first=True
    )
    return render_template("notifications/index.html", page=page, kinds=KINDS, per_page=PER_PAGE)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_one_read(notification_id: int) -> Response:
    """Mark one notification read (another person's is not found)."""
    notifications.mark_one_read(session=get_session(), user=me(), notification_id=notification_id)
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read() -> Response:
    """Mark every notification read, on every page."""
    count = notifications.mark_read(session=get_session(), user=me())
    flash(f"Marked {count} notification{'' if count == 1 else 's'} as read.", "info")
    return redirect(url_for("notifications.index"))
