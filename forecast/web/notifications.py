"""The notifications page: one's own, newest first; viewing a page marks what it shows read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.infra.db import get_session
from forecast.services import notifications
from forecast.services.paging import page_number
from forecast.web.common import login_required, me

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 20
# What each kind of notification is about, as a short tag beside its message.
KINDS = {
    "question_proposed": "Proposal",
    "question_approve": "Approved",
    "question_return": "Sent back",
    "question_reject": "Rejected",
    "question_resolved": "Resolved",
    "resolution_overdue": "Overdue",
    "boundary_crossed": "Crossed",
    "boundary_not_crossed": "No longer crossed",
}


@bp.route("")
@login_required
def index() -> str:
    """List one's notifications a page at a time, marking the ones shown read."""
    session = get_session()
    number = page_number(request.args.get("page"))
    page = notifications.list_notifications(
        session=session, user=me(), page=number, per_page=PER_PAGE
    )
    # Shown as new on this visit, read from now on: the person has seen them.
    new = {n.id for n in page.items if n.read_at is None}
    notifications.mark_read(session=session, user=me(), ids=[i for i in new if i is not None])
    return render_template(
        "notifications/index.html", page=page, new=new, kinds=KINDS, per_page=PER_PAGE
    )


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read() -> Response:
    """Mark every notification read, on every page."""
    count = notifications.mark_read(session=get_session(), user=me())
    flash(f"Marked {count} notification{'' if count == 1 else 's'} as read.", "info")
    return redirect(url_for("notifications.index"))
