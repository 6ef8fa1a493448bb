"""Tournament pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError, NotFound
from forecast.http.auth import web_user
from forecast.infra.db import get_session
from forecast.services.accounts.permissions import is_organizer
from forecast.services.aggregation.now import community_now
from forecast.services.questions import lifecycle as question_service
from forecast.services.questions.lists import list_questions
from forecast.services.questions.views import forecaster_counts
from forecast.services.teams.membership import organizing_teams, team_of
from forecast.services.tournaments import catalog as tournament_service
from forecast.services.tournaments.summaries import TournamentSummary, tournament_summaries
from forecast.web.common import login_required, me
from forecast.web.my_forecasts import my_forecasts

bp = Blueprint("tournaments", __name__, url_prefix="/tournaments")


@bp.route("")
def index() -> str:
    """List tournaments."""
    session = get_session()
    return render_template(
        "tournaments/index.html",
        tournaments=tournament_service.list_tournaments(session=session, viewer=web_user()),
        summaries=tournament_summaries(session),
        empty_summary=TournamentSummary(),
        can_create=is_organizer(web_user()),
    )


@bp.route("/<slug>")
def detail(slug: str) -> str:
    """Show a tournament and its questions."""
    session = get_session()
    try:
        tournament = tournament_service.find_tournament(session, slug, web_user())
    except NotFound:
        abort(404)
    page = list_questions(session=session, viewer=web_user(), tournament=slug, per_page=1000)
    counts = forecaster_counts(session, [q.id for q in page.items if q.id])
    viewer = web_user()
    return render_template(
        "tournaments/detail.html",
        tournament=tournament,
        team=team_of(session=session, viewer=viewer, team_id=tournament.team_id),
        questions=page.items,
        counts=counts,
        mine=my_forecasts(session, viewer, page.items) if viewer is not None else None,
        community=community_now(session=session, questions=page.items, viewer=viewer),
        sm=tournament_summaries(session, tournament_id=tournament.id).get(tournament.id or 0)
        or TournamentSummary(),
        status_of=question_service.effective_status,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Create a tournament (organizers)."""
    if not is_organizer(me()):
        abort(403)
    error = None
    if request.method == "POST":
        try:
            tournament = tournament_service.create_tournament(
                session=get_session(),
                actor=me(),
                slug=request.form.get("slug", ""),
                title=request.form.get("title", ""),
                description=request.form.get("description", ""),
                team=request.form.get("team") or None,
            )
        except DomainError as exc:
            error = exc
        else:
            flash("Tournament created.", "success")
            return redirect(url_for("tournaments.detail", slug=tournament.slug))
    teams = organizing_teams(session=get_session(), viewer=me())
    return render_template(
        "tournaments/form.html", error=error, form=request.form, teams=teams
    ), 422 if error else 200  # type: ignore[return-value]
