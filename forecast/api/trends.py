"""Trend series: organizers attach a dated series to a numeric or date question; anyone who
may see the question reads it with its fit and reference forecast."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, document_errors
from forecast.api.schemas.trends import SeriesIn, SeriesOut
from forecast.infra.db import get_session
from forecast.services.trends.series import attach_series, read_series

bp = Blueprint(
    "api_trends",
    __name__,
    url_prefix="/api/v1/questions",
    description="Trend baselines (this line continues)",
)


@bp.route("/<int:question_id>/series")
class Series(MethodView):
    @bp.response(200, SeriesOut)
    @document_errors(bp, 401, 404)
    def get(self, question_id: int) -> Response:
        """The question's trend series, its fit, doubling time and reference forecast."""
        return jsonify(read_series(session=get_session(), viewer=caller(), question_id=question_id))

    @bp.arguments(SeriesIn())
    @bp.response(201, SeriesOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 422)
    def post(self, body: dict[str, Any], question_id: int) -> tuple[Response, int]:
        """Attach (or replace) the question's series (organizers)."""
        session = get_session()
        attach_series(
            session=session, actor=caller(required=True), question_id=question_id, data=body
        )
        return jsonify(read_series(session=session, viewer=caller(), question_id=question_id)), 201
