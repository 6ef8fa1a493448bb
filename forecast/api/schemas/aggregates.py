"""Schemas of the community prediction: at an instant and over time."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from forecast.api.schemas.common import ISO, PageOut
from forecast.api.schemas.shapes import NUMBER_OR_NUMBERS
from forecast.api.schemas.trends import TrendBlockOut
from forecast.core.aggregation.methods import METHODS, QUESTION_METHODS


class AggregateOut(Schema):
    method = fields.String(required=True)
    probability = fields.Float(allow_none=True)
    cdf = fields.List(fields.Float(), allow_none=True)
    probabilities = fields.List(
        fields.Float(), allow_none=True, metadata={"description": "multiple choice: per option"}
    )
    forecaster_count = fields.Integer(required=True)
    at = fields.String(required=True, metadata=ISO)
    interval = fields.List(
        fields.Raw(metadata=NUMBER_OR_NUMBERS),
        allow_none=True,
        metadata={
            "description": "bootstrap 90% interval [low, high] (pointwise CDFs when "
            "continuous, per option for multiple choice)"
        },
    )
    x = fields.Float()
    p_below = fields.Float(metadata={"description": "P(X <= x)"})
    p_above = fields.Float(metadata={"description": "P(X >= x)"})
    p_before = fields.Float(metadata={"description": "P(event before the given date)"})
    p_below_interval = fields.List(fields.Float())
    p_above_interval = fields.List(fields.Float())
    trend = fields.Nested(
        TrendBlockOut,
        metadata={"description": "method trend only: the fit behind the reference forecast"},
    )


class AggregateArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    method = fields.String(
        validate=validate.OneOf(QUESTION_METHODS),
        metadata={
            "description": "trend: the reference forecast of the question's trend series "
            "(forecaster_count 0, and a trend block: fit, doubling time, the line at the "
            "resolution date); a 422 where no series is attached"
        },
    )
    at = fields.String(metadata=ISO)
    x = fields.String(
        metadata={
            "description": "numeric questions: a number; date questions: an ISO 8601 date. "
            "Adds x, p_below = P(X <= x) and p_above = P(X >= x). Binary questions: a 422"
        }
    )
    before = fields.String(
        metadata={
            **ISO,
            "description": "date questions only (numeric questions take x; both others a 422): "
            "an ISO 8601 date; adds p_before = P(the event happens before it)",
        }
    )


class HistoryArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    method = fields.String(validate=validate.OneOf(METHODS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000_000))
    per_page = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=10_000))


class HistoryEntry(Schema):
    start = fields.String(required=True, metadata=ISO)
    end = fields.String(allow_none=True, required=True, metadata=ISO)
    forecaster_count = fields.Integer(required=True)
    probability = fields.Float(allow_none=True)
    cdf = fields.List(fields.Float(), allow_none=True)
    probabilities = fields.List(fields.Float(), allow_none=True)


class HistoryPage(PageOut):
    items = fields.List(fields.Nested(HistoryEntry), required=True)
    method = fields.String(required=True)
