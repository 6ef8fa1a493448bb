"""The organizer console: proposals to review and the state of every scheduled question."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from forecast.infra.db import get_session
from forecast.services.accounts.permissions import is_organizer
from forecast.services.questions.lists import list_questions
from forecast.services.questions.serialize import name_maps
from forecast.web.common import login_required, me

bp = Blueprint("organizer", __name__, url_prefix="/organizer")


@bp.route("")
@login_required
def console() -> str:
    """Show pending proposals, upcoming, open and closed questions."""
    if not is_organizer(me()):
        abort(403)
    session = get_session()
    sections = {}
    for status in ("pending", "upcoming", "open", "closed"):
        sections[status] = list_questions(
            session=session, viewer=me(), status=status, per_page=200
        ).items
    from forecast.services.reminders import overdue

    late = overdue(session=session)
    everything = [q for items in sections.values() for q in items] + late
    slugs, names = name_maps(session, everything)
    return render_template(
        "organizer/console.html", sections=sections, slugs=slugs, names=names, overdue=late
    )
