"""Schemas of resolving, re-resolving and un-resolving questions, and of scores."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.common import ISO, StrictSchema
from forecast.api.schemas.questions import QuestionOut
from forecast.services.resolution.input import OUTCOMES


class ResolutionIn(StrictSchema):
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    value = JsonNumber(allow_nan=False, metadata={"description": "numeric questions"})
    date = fields.String(metadata={**ISO, "description": "date questions"})
    option = fields.String(
        metadata={"description": "multiple-choice questions: the label of the option"}
    )
    resolved_at = fields.String(metadata={**ISO, "description": "default: now"})
    reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=5000),
        metadata={"description": "required when re-resolving"},
    )


class ResolvedOut(QuestionOut):
    scores_written = fields.Integer(required=True)


class UnresolveIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ScoreOut(Schema):
    question = fields.String(required=True)
    user = fields.String(required=True)
    baseline = fields.Float(required=True, metadata={"description": "higher is better"})
    peer = fields.Float(required=True, metadata={"description": "higher is better"})
    coverage = fields.Float(required=True)
    brier = fields.Float(allow_none=True, metadata={"description": "binary; lower is better"})
    log = fields.Float(allow_none=True, metadata={"description": "binary; higher is better"})
