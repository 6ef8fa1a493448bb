"""Calibration training through the API."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, created, document_errors
from forecast.api.schemas import (
    CalibrationAnswerIn,
    CalibrationItemOut,
    CalibrationResultOut,
    CalibrationSetCreated,
    CalibrationSetOut,
    CalibrationSummaryOut,
)
from forecast.api.schemas.pastcasts import PastcastAnswerIn, PastcastOut
from forecast.infra.db import get_session
from forecast.services import calibration as training
from forecast.services.pastcasting import answers as pastcasts

bp = Blueprint(
    "api_calibration",
    __name__,
    url_prefix="/api/v1/calibration",
    description="Calibration training",
)


@bp.route("/sets")
class Sets(MethodView):
    @bp.response(200, CalibrationSetOut(many=True))
    @document_errors(bp, 401)
    def get(self) -> Response:
        """List the training sets, with how many items you have answered."""
        return jsonify(training.list_sets(session=get_session(), user=caller()))

    @bp.response(201, CalibrationSetCreated)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 409, 422)
    def post(self) -> Response:
        """Add a set in the forecast-calibration/1 JSON format (organizers)."""
        from flask import request

        stored, new = training.import_set(
            session=get_session(),
            actor=caller(required=True),
            document=request.get_json(silent=True),
        )
        return created({"slug": stored.slug, "title": stored.title, "created": new})


@bp.route("/sets/<slug>/next")
class NextItem(MethodView):
    @bp.response(200, CalibrationItemOut)
    @bp.alt_response(204, description="every item of the set is answered")
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def get(self, slug: str) -> Response:
        """Return the next item you have not answered (204 when the set is done)."""
        item = training.next_item(session=get_session(), user=caller(required=True), slug=slug)
        if item is None:
            return Response(status=204)
        return jsonify(id=item.id, kind=item.kind, prompt=item.prompt, unit=item.unit)


@bp.route("/items/<int:item_id>/answers")
class Answers(MethodView):
    @bp.arguments(CalibrationAnswerIn())
    @bp.response(201, CalibrationResultOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 404, 409, 422)
    def post(self, body: dict[str, Any], item_id: int) -> Response:
        """Answer an item: {answer, confidence} or {lower, upper}; get the truth back at once."""
        result = training.answer(
            session=get_session(), user=caller(required=True), item_id=item_id, data=body
        )
        return created(result)


@bp.route("/me")
class Me(MethodView):
    @bp.response(200, CalibrationSummaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def get(self) -> Response:
        """Your training record: calibration bins, hit rates, scores, the badge."""
        return jsonify(training.summary(session=get_session(), user=caller(required=True)))


@bp.route("/pastcasts/next")
class NextPastcast(MethodView):
    @bp.response(200, PastcastOut)
    @bp.alt_response(204, description="no resolved question is left that you have not forecast")
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def get(self) -> Response:
        """Return your next pastcast: a resolved question as of its vantage date (204: none)."""
        item = pastcasts.next_pastcast(session=get_session(), user=caller(required=True))
        if item is None:
            return Response(status=204)
        return jsonify(item)


@bp.route("/pastcasts/<int:question_id>")
class Pastcast(MethodView):
    @bp.response(200, PastcastOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def get(self, question_id: int) -> Response:
        """Return one pastcast as of its vantage date; once answered, with the reveal."""
        item = pastcasts.pastcast(
            session=get_session(), user=caller(required=True), question_id=question_id
        )
        return jsonify(item)


@bp.route("/pastcasts/<int:question_id>/answers")
class PastcastAnswers(MethodView):
    @bp.arguments(PastcastAnswerIn())
    @bp.response(201, PastcastOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Answer a pastcast with {probability} of yes; get the outcome and the reveal back."""
        result = pastcasts.answer(
            session=get_session(),
            user=caller(required=True),
            question_id=question_id,
            data=body,
        )
        return created(result)
