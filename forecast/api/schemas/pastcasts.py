"""Schemas of pastcasts: resolved questions as of a past vantage date, answers and reveals."""

from __future__ import annotations

from marshmallow import Schema, fields

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.common import ISO, NUMBER_OR_ISO, StrictSchema
from forecast.api.schemas.shapes import ConfidenceBinOut

PERCENT = {"minimum": 0, "maximum": 1}


class PastcastAnswerIn(StrictSchema):
    probability = JsonNumber(
        allow_nan=False,
        metadata={
            "minimum": 0.01,
            "maximum": 0.99,
            "description": "a yes/no question: your probability of yes",
        },
    )
    lower = fields.Raw(
        metadata={
            **NUMBER_OR_ISO,
            "description": "a numeric or date question: the low end of your 90% interval "
            "(a date as ISO 8601)",
        }
    )
    upper = fields.Raw(
        metadata={
            **NUMBER_OR_ISO,
            "description": "the high end of your 90% interval; a plain date (2026-05-31) "
            "means the end of that day",
        }
    )


class AxisInterval(Schema):
    lower = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    median = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    upper = fields.Raw(required=True, metadata=NUMBER_OR_ISO)


class PastcastRangeOut(Schema):
    min = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    max = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    open_lower = fields.Boolean(required=True)
    open_upper = fields.Boolean(required=True)
    log_scale = fields.Boolean(required=True)


class PastcastGivenOut(Schema):
    probability = fields.Float(metadata=PERCENT)
    answer = fields.Boolean(metadata={"description": "yes when probability >= 0.5"})
    confidence = fields.Float(
        metadata={"description": "max(p, 1 - p): as a true/false training item"}
    )
    lower = fields.Raw(metadata={**NUMBER_OR_ISO, "description": "an interval item's low end"})
    upper = fields.Raw(metadata={**NUMBER_OR_ISO, "description": "an interval item's high end"})
    answered_at = fields.String(required=True, metadata=ISO)


class PastcastRevealOut(Schema):
    key = fields.String(required=True, metadata={"description": "the question's page key"})
    outcome = fields.String(required=True, metadata={"description": "yes, no or value"})
    truth = fields.Boolean(metadata={"description": "a yes/no question's outcome"})
    value = fields.Raw(
        metadata={**NUMBER_OR_ISO, "description": "a numeric or date question's outcome"}
    )
    resolved_at = fields.String(allow_none=True, required=True, metadata=ISO)
    correct = fields.Boolean(
        required=True, metadata={"description": "your side came true; an interval: a hit"}
    )
    score = fields.Float(
        required=True,
        metadata={
            "description": "your Brier; an interval: its interval score in the question's "
            "unit (days on a date question); lower is better"
        },
    )
    log_score = fields.Float(metadata={"description": "ln of p(what happened)"})
    community_then = fields.Float(allow_none=True, metadata=PERCENT)
    community_then_score = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "the community's score then, as yours is scored"},
    )
    beat_community_by = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "community score minus yours; positive: you did better"},
    )
    community_at_close = fields.Float(allow_none=True, metadata=PERCENT)
    community_interval_at_close = fields.Nested(AxisInterval, allow_none=True)
    forecasters_at_close = fields.Integer(required=True)


class PastcastOut(Schema):
    question_id = fields.Integer(required=True)
    kind = fields.String(
        required=True, metadata={"description": "binary, or interval (numeric and date)"}
    )
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
    is_date = fields.Boolean(metadata={"description": "an interval item on a date question"})
    score_unit = fields.String(
        allow_none=True, metadata={"description": "days on a date question, else none"}
    )
    range = fields.Nested(PastcastRangeOut, metadata={"description": "an interval item's range"})
    community_interval_then = fields.Nested(
        AxisInterval,
        allow_none=True,
        metadata={"description": "the community's 5th, 50th and 95th percentile then"},
    )
    remaining = fields.Integer(metadata={"description": "pastcasts you have left (next only)"})
    answer = fields.Nested(PastcastGivenOut, allow_none=True)
    reveal = fields.Nested(PastcastRevealOut, allow_none=True)


class PastcastIntervalRecordOut(Schema):
    answered = fields.Integer(required=True)
    hit_rate = fields.Float(
        allow_none=True, required=True, metadata={"description": "about 0.9 is calibrated"}
    )
    mean_interval_score = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "the mean of scores each in its own question's unit (as a set's "
            "intervals): compare question by question, as beat_community does"
        },
    )
    compared = fields.Integer(
        required=True, metadata={"description": "interval pastcasts with a community shown"}
    )
    beat_community = fields.Integer(
        required=True, metadata={"description": "of those, where your interval scored better"}
    )


class PastcastRecordOut(Schema):
    answered = fields.Integer(required=True)
    binary_answered = fields.Integer(required=True)
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
    interval = fields.Nested(PastcastIntervalRecordOut, required=True)
