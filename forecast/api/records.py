"""Leaderboards and track records."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import caller, document_errors, paged
from forecast.api.schemas import (
    CSV_DOC,
    BoardArgs,
    BoardPage,
    RecordArgs,
    TournamentBoardPage,
    TrackRecordOut,
)
from forecast.http.boards import BOARD_COLUMNS, GLOBAL_BOARD_COLUMNS, board_csv
from forecast.http.times import parse_optional_time
from forecast.infra.db import get_session
from forecast.services.records.leaderboards import global_board, tournament_board
from forecast.services.records.track_record import track_record

bp = Blueprint("api_records", __name__, url_prefix="/api/v1", description="Leaderboards")


@bp.route("/tournaments/<slug>/leaderboard")
class TournamentBoard(MethodView):
    @bp.arguments(BoardArgs(), location="query")
    @bp.response(200, TournamentBoardPage)
    @bp.doc(responses={200: CSV_DOC})
    @document_errors(bp, 401, 404, 422)
    def get(self, args: dict[str, Any], slug: str) -> Response:
        """Ranked Peer sums with coverage, prize take and share, medals (format=csv: CSV);
        the trend line's unranked totals apart, in `reference` (the CSV's last, rankless row)."""
        board = tournament_board(session=get_session(), slug=slug, viewer=caller())
        if args.get("format") == "csv":
            return board_csv(board["entries"], BOARD_COLUMNS, board["reference"])
        return jsonify(
            {
                **paged(board["entries"], args),
                "tournament": slug,
                "prize_pool": board["prize_pool"],
                "reference": board["reference"],
            }
        )


@bp.route("/leaderboard")
class GlobalBoard(MethodView):
    @bp.arguments(BoardArgs(), location="query")
    @bp.response(200, BoardPage)
    @bp.doc(responses={200: CSV_DOC})
    @document_errors(bp, 401, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """Everyone ranked by summed Peer / max(30, summed coverage)."""
        caller()
        entries = global_board(session=get_session())
        if args.get("format") == "csv":
            return board_csv(entries, GLOBAL_BOARD_COLUMNS)
        return jsonify(paged(entries, args))


@bp.route("/users/<name>/track-record")
class TrackRecord(MethodView):
    @bp.arguments(RecordArgs(), location="query")
    @bp.response(200, TrackRecordOut)
    @document_errors(bp, 401, 404, 422)
    def get(self, args: dict[str, Any], name: str) -> Response:
        """Scores, averages, calibration bins, Murphy decomposition and score over time."""
        viewer = caller()
        return jsonify(
            track_record(
                session=get_session(),
                username=name,
                viewer=viewer,
                tournament=args.get("tournament"),
                since=parse_optional_time(args.get("from_"), "from"),
                until=parse_optional_time(args.get("to"), "to"),
            )
        )
