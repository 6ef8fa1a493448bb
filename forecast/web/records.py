"""Leaderboard and track-record pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from forecast.errors import DomainError, NotFound
from forecast.http.auth import web_user
from forecast.http.boards import BOARD_COLUMNS, GLOBAL_BOARD_COLUMNS, board_csv
from forecast.http.csv_files import csv_response
from forecast.http.times import parse_optional_time
from forecast.infra.db import get_session
from forecast.services.methods.trust import murphy_diagram
from forecast.services.records.leaderboards import global_board, tournament_board
from forecast.services.records.track_record import track_record
from forecast.web.common import login_required, me
from forecast.web.murphy_chart import murphy_chart
from forecast.web.record_charts import calibration_chart, cumulative_chart

bp = Blueprint("records", __name__)


@bp.route("/tournaments/<slug>/leaderboard")
def tournament_leaderboard(slug: str) -> str | Response:
    """Show a tournament's leaderboard (CSV with ?format=csv)."""
    try:
        board = tournament_board(session=get_session(), slug=slug, viewer=web_user())
    except NotFound:
        abort(404)
    if request.args.get("format") == "csv":
        return board_csv(board["entries"], BOARD_COLUMNS, board["reference"])
    return render_template("records/leaderboard.html", board=board, slug=slug)


@bp.route("/leaderboard")
def leaderboard() -> str | Response:
    """Show the global leaderboard."""
    entries = global_board(session=get_session())
    if request.args.get("format") == "csv":
        return board_csv(entries, GLOBAL_BOARD_COLUMNS)
    return render_template("records/global.html", entries=entries)


@bp.route("/users/<name>")
def profile(name: str) -> str:
    """Show a forecaster's track record."""
    error = None
    try:
        record = track_record(
            session=get_session(),
            username=name,
            viewer=web_user(),
            tournament=request.args.get("tournament") or None,
            since=parse_optional_time(request.args.get("from"), "from"),
            until=parse_optional_time(request.args.get("to"), "to"),
        )
    except NotFound:
        abort(404)
    except DomainError as exc:
        error = exc.message
        record = track_record(session=get_session(), username=name, viewer=web_user())
    from forecast.services.accounts.users import get_user
    from forecast.services.calibration import summary as training_summary

    user = get_user(get_session(), name)
    training = training_summary(session=get_session(), user=user)
    return render_template(
        "records/profile.html",
        training=training,
        r=record,
        error=error,
        args=request.args,
        calibration=calibration_chart(record["calibration"]),
        over_time=cumulative_chart(record["over_time"]),
        murphy=murphy_chart(murphy_diagram(get_session(), user.id or 0)),
    )


@bp.route("/account/download/<what>.<fmt>")
@login_required
def download(what: str, fmt: str) -> Response:
    """Download all my forecasts, scores or comments, as CSV or JSON."""
    import orjson

    from forecast.services.records.my_data import my_comments, my_forecasts, my_scores

    export = {"forecasts": my_forecasts, "scores": my_scores, "comments": my_comments}
    if what not in export or fmt not in ("csv", "json"):
        abort(404)
    session = get_session()
    rows = export[what](session=session, user=me())
    name = f"{me().username}-{what}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "json":
        return Response(orjson.dumps(rows), mimetype="application/json", headers=headers)
    return csv_response(list(rows[0]) if rows else ["question"], rows, name)
