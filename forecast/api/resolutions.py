"""Resolutions and scores."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, document_errors
from forecast.api.schemas import QuestionOut, ResolutionIn, ResolvedOut, ScoreOut, UnresolveIn
from forecast.errors import Conflict
from forecast.infra.db import get_session
from forecast.services.questions import lifecycle as question_service
from forecast.services.questions.views import question_payload
from forecast.services.resolution.resolve import resolve, scores_json, unresolve

bp = Blueprint(
    "api_resolutions",
    __name__,
    url_prefix="/api/v1/questions",
    description="Resolutions and scores",
)


@bp.route("/<int:question_id>/resolution")
class ResolutionView(MethodView):
    @bp.arguments(ResolutionIn())
    @bp.response(200, ResolvedOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Resolve the question (organizers); a re-resolution needs a reason. Scores at once."""
        session = get_session()
        question, written = resolve(
            session=session, actor=caller(required=True), question_id=question_id, data=body
        )
        payload = question_payload(session, question)
        payload["scores_written"] = written
        return jsonify(payload)

    @bp.arguments(UnresolveIn())
    @bp.response(200, QuestionOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def delete(self, body: dict[str, Any], question_id: int) -> Response:
        """Take the resolution back with a reason; scores are removed, the audit entry stays."""
        session = get_session()
        question = unresolve(
            session=session,
            actor=caller(required=True),
            question_id=question_id,
            reason=body.get("reason"),
        )
        return jsonify(question_payload(session, question))


@bp.route("/<int:question_id>/scores")
class Scores(MethodView):
    @bp.response(200, ScoreOut(many=True))
    @document_errors(bp, 401, 404, 409)
    def get(self, question_id: int) -> Response:
        """Per-user scores of a resolved question (Baseline, Peer, coverage, Brier, log)."""
        session = get_session()
        question = question_service.get_question(
            session=session, viewer=caller(), question_id=question_id
        )
        if question.resolution_outcome is None:
            raise Conflict("the question is not resolved yet", "question")
        return jsonify(scores_json(session, question))
