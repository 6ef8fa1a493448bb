"""Tournaments: list them with their counts, read one, create one (organizers)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlmodel import Session

from forecast.api.common import BEARER, caller, created, document_errors, paged
from forecast.api.schemas import PageArgs, TournamentIn, TournamentOut, TournamentPage
from forecast.infra.clock import format_iso
from forecast.infra.db import get_session
from forecast.models import Tournament
from forecast.services.teams.membership import team_slugs
from forecast.services.tournaments import catalog as tournament_service
from forecast.services.tournaments.summaries import TournamentSummary, tournament_summaries

bp = Blueprint(
    "api_tournaments", __name__, url_prefix="/api/v1/tournaments", description="Tournaments"
)


def tournament_json(
    tournament: Tournament, summary: TournamentSummary | None, team: str | None = None
) -> dict[str, Any]:
    """Render a tournament with its summary (and its team's slug, when private) for the API."""
    summary = summary or TournamentSummary()
    return {
        "slug": tournament.slug,
        "team": team,
        "title": tournament.title,
        "description": tournament.description,
        "prize_pool": tournament.prize_pool,
        "question_count": summary.total,
        "questions": dict(summary.questions),
        "forecasters": summary.forecasters,
        "next_close": format_iso(summary.next_close) if summary.next_close else None,
    }


def _rendered(
    session: Session, tournaments: list[Tournament], tournament_id: int | None = None
) -> list[dict[str, Any]]:
    summaries = tournament_summaries(session, tournament_id=tournament_id)
    teams = team_slugs(session, {t.team_id for t in tournaments})
    return [
        tournament_json(t, summaries.get(t.id or 0), teams.get(t.team_id or 0))
        for t in tournaments
    ]


@bp.route("")
class Tournaments(MethodView):
    @bp.arguments(PageArgs(), location="query")
    @bp.response(200, TournamentPage)
    @document_errors(bp, 401, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """List tournaments by title, each with its questions by status and its forecasters."""
        viewer = caller()
        session = get_session()
        listed = tournament_service.list_tournaments(session=session, viewer=viewer)
        return jsonify(paged(_rendered(session, listed), args))

    @bp.arguments(TournamentIn())
    @bp.response(201, TournamentOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Create a tournament (organizers)."""
        session = get_session()
        tournament = tournament_service.create_tournament(
            session=session,
            actor=caller(required=True),
            slug=body["slug"],
            title=body["title"],
            description=body.get("description", ""),
            team=body.get("team"),
        )
        return created(_rendered(session, [tournament], tournament.id)[0])


@bp.route("/<slug>")
class TournamentDetail(MethodView):
    @bp.response(200, TournamentOut)
    @document_errors(bp, 401, 404)
    def get(self, slug: str) -> Response:
        """Read one tournament with its counts."""
        viewer = caller()
        session = get_session()
        tournament = tournament_service.find_tournament(session, slug, viewer)
        return jsonify(_rendered(session, [tournament], tournament.id)[0])
