"""Schemas of pastcasts: resolved questions as of a past vantage date, answers and reveals."""

from __future__ import annotations

from marshmallow import Schema, fields

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.common import ISO, StrictSchema
from forecast.api.schemas.shapes import ConfidenceBinOut

PERCENT = {"minimum": 0, "maximum": 1}


class PastcastAnswerIn(StrictSchema):
    probability = JsonNumber(
        required=True,
        allow_nan=False,
        metadata={"minimum": 0.01, "maximum": 0.99, "description": "your probability of yes"},
    )


class PastcastGivenOut(Schema):
    probability = fields.Float(required=True, metadata=PERCENT)
    answer = fields.Boolean(required=True, metadata={"description": "yes when probability >= 0.5"})
    confidence = fields.Float(
        required=True, metadata={"description": "max(p, 1 - p): as a true/false training item"}
    )
    answered_at = fields.String(required=True, metadata=ISO)


class PastcastRevealOut(Schema):
    key = fields.String(required=True, metadata={"description": "the question's page key"})
    outcome = fields.String(required=True, metadata={"description": "yes or no"})
    truth = fields.Boolean(required=True)
    resolved_at = fields.String(allow_none=True, required=True, metadata=ISO)
    correct = fields.Boolean(required=True, metadata={"description": "your side came true"})
    score = fields.Float(required=True, metadata={"description": "your Brier, lower is better"})
    log_score = fields.Float(required=True, metadata={"description": "ln of p(what happened)"})
    community_then = fields.Float(allow_none=True, required=True, metadata=PERCENT)
    community_then_score = fields.Float(
        allow_none=True, required=True, metadata={"description": "the community's Brier then"}
    )
    beat_community_by = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "community Brier minus yours; positive: you did better"},
    )
    community_at_close = fields.Float(allow_none=True, required=True, metadata=PERCENT)
    forecasters_at_close = fields.Integer(required=True)


class PastcastOut(Schema):
    question_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "binary"})
    title = fields.String(required=True)
    description = fields.String(required=True)
    resolution_criteria = fields.String(required=True)
    opened = fields.String(required=True, metadata=ISO)
    vantage = fields.String(
        required=True, metadata={**ISO, "description": "the date you forecast as of"}
    )
    forecasters_then = fields.Integer(required=True)
    community_then = fields.Float(
        allow_none=True,
        required=True,
        metadata={**PERCENT, "description": "null when nobody had forecast or it is hidden"},
    )
    community_hidden = fields.String(
        allow_none=True, required=True, metadata={"description": "why it is hidden from you"}
    )
    remaining = fields.Integer(metadata={"description": "pastcasts you have left (next only)"})
    answer = fields.Nested(PastcastGivenOut, allow_none=True)
    reveal = fields.Nested(PastcastRevealOut, allow_none=True)


class PastcastRecordOut(Schema):
    answered = fields.Integer(required=True)
    bins = fields.List(fields.Nested(ConfidenceBinOut), required=True)
    hit_rate = fields.Float(allow_none=True, required=True)
    mean_confidence = fields.Float(allow_none=True, required=True)
    brier = fields.Float(allow_none=True, required=True)
    log = fields.Float(allow_none=True, required=True)
    overconfidence_points = fields.Float(allow_none=True, required=True)
    compared = fields.Integer(
        required=True, metadata={"description": "pastcasts with a community prediction shown"}
    )
    brier_compared = fields.Float(allow_none=True, required=True)
    community_brier_compared = fields.Float(allow_none=True, required=True)
