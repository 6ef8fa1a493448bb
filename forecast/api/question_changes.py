"""Organizers edit a scheduled question or close it early (both recorded in its audit trail).

The edit is PATCH on the question's own address, so it lives beside GET in api.questions; its
body is described here.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from forecast.api.common import BEARER, caller, document_errors
from forecast.api.schemas import ISO, QUESTION_TYPES, QuestionOut, RangeSchema, StrictSchema
from forecast.infra.db import get_session
from forecast.services.questions.changes import MAX_REASON, close_early
from forecast.services.questions.views import question_payload

bp = Blueprint(
    "api_question_changes",
    __name__,
    url_prefix="/api/v1/questions",
    description="Edit or close a scheduled question (organizers)",
)

REASON = fields.String(
    allow_none=True,
    validate=validate.Length(max=MAX_REASON),
    metadata={"description": "why, for the question's audit trail"},
)


class QuestionEditIn(StrictSchema):
    """The fields to change; once anyone has forecast, type, range, open time, tournament and
    resolution criteria are fixed and the close time only moves later (409 otherwise)."""

    title = fields.String(validate=validate.Length(min=1, max=300))
    description = fields.String(validate=validate.Length(max=20_000))
    resolution_criteria = fields.String(validate=validate.Length(min=1, max=20_000))
    source = fields.String(allow_none=True, validate=validate.Length(max=2_000))
    type = fields.String(validate=validate.OneOf(QUESTION_TYPES))
    tournament = fields.String(validate=validate.Length(min=1, max=80))
    open_time = fields.String(metadata=ISO)
    close_time = fields.String(metadata=ISO)
    resolve_time = fields.String(metadata=ISO)
    range = fields.Nested(RangeSchema, allow_none=True)
    hide_aggregate_until_forecast = fields.Boolean()
    aggregate_reveal_time = fields.String(allow_none=True, metadata=ISO)
    aggregate_open_to_leaders = fields.Boolean()
    reason = REASON


class CloseIn(StrictSchema):
    reason = REASON


class EditedOut(QuestionOut):
    changed = fields.List(fields.String(), metadata={"description": "the fields that changed"})


@bp.route("/<int:question_id>/close")
class Close(MethodView):
    @bp.arguments(CloseIn())
    @bp.response(200, QuestionOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Close an open question now (organizers): no more forecasts; scored up to now."""
        session = get_session()
        question = close_early(
            session=session,
            actor=caller(required=True),
            question_id=question_id,
            reason=body.get("reason"),
        )
        return jsonify(question_payload(session, question))
