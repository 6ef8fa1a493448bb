"""The home page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from werkzeug.wrappers import Response

from forecast.http.auth import web_user
from forecast.infra.db import get_session
from forecast.models import Forecast, Question
from forecast.services.aggregation.now import community_now
from forecast.services.questions.lists import list_questions
from forecast.services.questions.views import forecaster_counts, standing_forecasts
from forecast.web.my_forecasts import my_forecasts

bp = Blueprint("pages", __name__)


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Serve the icon to clients that ask for it at the site's root instead of the page's link."""
    return send_from_directory(
        current_app.static_folder or "", "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )


@bp.route("/")
def home() -> str:
    """Show open questions closing soonest and, for a forecaster, their standing forecasts."""
    session = get_session()
    user = web_user()
    page = list_questions(session=session, viewer=user, status="open", per_page=12)
    upcoming = list_questions(session=session, viewer=user, status="upcoming", per_page=5)
    mine: list[tuple[Question, Forecast]] = []
    if user is not None:
        mine = standing_forecasts(session=session, viewer=user, limit=20)
    counts = forecaster_counts(session, [q.id for q in page.items if q.id])
    return render_template(
        "pages/home.html",
        open_page=page,
        upcoming=upcoming.items,
        mine=mine,
        mine_shown=my_forecasts(session, user, [q for q, _ in mine]) if user is not None else {},
        counts=counts,
        community=community_now(session=session, questions=page.items, viewer=user),
    )
