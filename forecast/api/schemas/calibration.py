"""Schemas of calibration training: sets, items, answers, the certificate."""

from __future__ import annotations

from marshmallow import Schema, fields

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.common import StrictSchema
from forecast.api.schemas.pastcasts import PastcastRecordOut
from forecast.api.schemas.shapes import BinaryTrainingOut, IntervalTrainingOut, TrainingSessionOut


class CalibrationAnswerIn(StrictSchema):
    answer = fields.Boolean(metadata={"description": "true/false items"})
    confidence = JsonNumber(allow_nan=False, metadata={"minimum": 0.5, "maximum": 0.99})
    lower = JsonNumber(allow_nan=False, metadata={"description": "interval items"})
    upper = JsonNumber(allow_nan=False, metadata={"description": "interval items"})


class CalibrationSetOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    items = fields.Integer(required=True)
    answered = fields.Integer(required=True)


class CalibrationSetCreated(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    created = fields.Boolean(required=True, metadata={"description": "false: already stored"})


class CalibrationItemOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    prompt = fields.String(required=True)
    unit = fields.String(allow_none=True, required=True)


class CalibrationResultOut(Schema):
    correct = fields.Boolean(required=True)
    truth = fields.Raw(
        required=True,
        metadata={
            "description": "true/false, or the number",
            "oneOf": [{"type": "boolean"}, {"type": "number"}],
        },
    )
    score = fields.Float(required=True)
    log_score = fields.Float(metadata={"description": "true/false items"})
    source = fields.String(required=True)
    unit = fields.String(allow_none=True, required=True)


class CertificateOut(Schema):
    binary_needed = fields.Integer(
        required=True, metadata={"description": "true/false answers to go"}
    )
    interval_needed = fields.Integer(required=True, metadata={"description": "90% intervals to go"})
    gap_points = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "mean confidence minus hit rate, in points (+: overconfident)"},
    )
    gap_ok = fields.Boolean(required=True)
    interval_hit_rate = fields.Float(allow_none=True, required=True)
    hit_rate_ok = fields.Boolean(required=True)
    binary_required = fields.Integer(required=True)
    interval_required = fields.Integer(required=True)
    gap_limit_points = fields.Float(required=True)
    hit_range = fields.List(fields.Float(), required=True)


class CalibrationSummaryOut(Schema):
    sessions = fields.List(fields.Nested(TrainingSessionOut), required=True)
    answered = fields.Integer(required=True)
    binary = fields.Nested(BinaryTrainingOut, required=True)
    pastcast = fields.Nested(
        PastcastRecordOut,
        required=True,
        metadata={"description": "pastcasts: in the history, not toward the badge"},
    )
    interval = fields.Nested(IntervalTrainingOut, required=True)
    certified = fields.Boolean(required=True)
    certificate = fields.Nested(
        CertificateOut, required=True, metadata={"description": "how far the badge is"}
    )
