"""Schemas of forecasts and of the quantile preview."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.common import ISO, NUMBER_OR_ISO, StrictSchema
from forecast.services.forecasts import MAX_RATIONALE


class ForecastIn(StrictSchema):
    probability = JsonNumber(allow_nan=False, metadata={"minimum": 0.001, "maximum": 0.999})
    cdf = fields.List(JsonNumber(allow_nan=False), validate=validate.Length(equal=201))
    quantiles = fields.List(
        fields.List(fields.Raw(metadata=NUMBER_OR_ISO), validate=validate.Length(equal=2)),
        validate=validate.Length(min=3, max=50),
        metadata={"description": "[[probability level, value], ...]; at least 3 pairs"},
    )
    probabilities = fields.List(
        JsonNumber(allow_nan=False),
        validate=validate.Length(min=2, max=20),
        metadata={
            "description": "multiple-choice questions: one probability per option, in order, "
            "each in [0.001, 0.999], summing to 1"
        },
    )
    rationale = fields.String(allow_none=True, validate=validate.Length(max=MAX_RATIONALE))
    publish_rationale = fields.Boolean(
        truthy={True},
        falsy={False},
        metadata={"description": "also post the rationale as a comment, with this forecast"},
    )


class ForecastOut(Schema):
    id = fields.Integer(required=True)
    question = fields.String(required=True)
    user = fields.String(required=True)
    time = fields.String(required=True, metadata=ISO)
    end_time = fields.String(allow_none=True, metadata=ISO)
    probability = fields.Float(allow_none=True)
    cdf = fields.List(fields.Float(), allow_none=True)
    probabilities = fields.List(
        fields.Float(), allow_none=True, metadata={"description": "multiple-choice questions"}
    )
    rationale = fields.String(allow_none=True)
    comment = fields.Integer(metadata={"description": "the comment the rationale became"})


class ForecastList(Schema):
    items = fields.List(fields.Nested(ForecastOut), required=True)


class PreviewIn(StrictSchema):
    quantiles = fields.List(
        fields.List(fields.Raw(metadata=NUMBER_OR_ISO), validate=validate.Length(equal=2)),
        required=True,
        validate=validate.Length(min=3, max=50),
    )


class PreviewOut(Schema):
    cdf = fields.List(fields.Float(), required=True)
    x = fields.List(fields.Float(), required=True)
    density = fields.List(fields.Float(), required=True)
