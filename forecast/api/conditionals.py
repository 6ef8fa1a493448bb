"""Conditional pairs: an organizer links a condition and an outcome; anyone reads a pair and
forecasts both of its branches in one request."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, created, document_errors
from forecast.api.schemas.conditionals import (
    BothForecastsIn,
    BothForecastsOut,
    ConditionIn,
    PairIn,
    PairOut,
)
from forecast.errors import NotFound
from forecast.infra.db import get_session
from forecast.services.conditionals.create import create_pair
from forecast.services.conditionals.views import pair_json, pair_view, submit_both
from forecast.services.questions.serialize import forecast_json

bp = Blueprint(
    "api_conditionals", __name__, url_prefix="/api/v1", description="Conditional questions"
)


def _pair_response(question_id: int, status: int = 200) -> Response:
    session = get_session()
    view = pair_view(session=session, viewer=caller(), question_id=question_id)
    if view is None:
        raise NotFound(f"question {question_id} is not a conditional question")
    response = jsonify(pair_json(session, view))
    response.status_code = status
    return response


@bp.route("/conditionals")
class Conditionals(MethodView):
    @bp.arguments(PairIn())
    @bp.response(201, PairOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Link a binary condition and an outcome: creates "O if C = yes" and "O if C = no"."""
        pair = create_pair(
            session=get_session(),
            actor=caller(required=True),
            condition=body["condition"],
            outcome=body["outcome"],
        )
        assert pair.yes is not None
        return _pair_response(pair.yes.id or 0, 201)


@bp.route("/questions/<int:question_id>/conditionals")
class OutcomeConditionals(MethodView):
    @bp.arguments(ConditionIn())
    @bp.response(201, PairOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Make this question the outcome of a conditional pair on the given condition."""
        pair = create_pair(
            session=get_session(),
            actor=caller(required=True),
            condition=body["condition"],
            outcome=question_id,
        )
        assert pair.yes is not None
        return _pair_response(pair.yes.id or 0, 201)


@bp.route("/questions/<int:question_id>/pair")
class PairDetail(MethodView):
    @bp.response(200, PairOut)
    @document_errors(bp, 401, 404)
    def get(self, question_id: int) -> Response:
        """Read the pair a conditional question belongs to, with P(C) and both branches."""
        return _pair_response(question_id)


@bp.route("/questions/<int:question_id>/pair/forecasts")
class PairForecasts(MethodView):
    @bp.arguments(BothForecastsIn())
    @bp.response(201, BothForecastsOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Forecast both branches at once: `{"yes": {...}, "no": {...}}`; neither is stored
        unless both are valid."""
        user = caller(required=True)
        assert user is not None
        yes, no = submit_both(session=get_session(), actor=user, question_id=question_id, data=body)
        return created(
            {
                "yes": forecast_json(yes, question_key=yes.question_key, username=user.username),
                "no": forecast_json(no, question_key=no.question_key, username=user.username),
            }
        )
