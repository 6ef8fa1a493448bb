"""Schemas of conditional pairs: linking a condition and an outcome, forecasting both branches."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import StrictSchema
from forecast.api.schemas.forecasts import ForecastIn, ForecastOut
from forecast.api.schemas.questions import QuestionOut
from forecast.api.schemas.shapes import ShapedDict
from forecast.services.forecasts import MAX_RATIONALE

QUESTION_REF = {
    "description": "a question's id or key",
    "oneOf": [{"type": "integer"}, {"type": "string"}],
}


class PairIn(StrictSchema):
    condition = fields.Raw(required=True, metadata=QUESTION_REF)
    outcome = fields.Raw(required=True, metadata=QUESTION_REF)


class ConditionIn(StrictSchema):
    condition = fields.Raw(required=True, metadata=QUESTION_REF)


class BothForecastsIn(StrictSchema):
    yes = ShapedDict(
        ForecastIn,
        required=True,
        metadata={"description": "the forecast if the condition resolves yes, as on /forecasts"},
    )
    no = ShapedDict(
        ForecastIn,
        required=True,
        metadata={"description": "the forecast if the condition resolves no, as on /forecasts"},
    )
    rationale = fields.String(allow_none=True, validate=validate.Length(max=MAX_RATIONALE))


class PairOut(Schema):
    condition = fields.Nested(
        QuestionOut, required=True, metadata={"description": "the condition question"}
    )
    outcome = fields.Nested(
        QuestionOut, required=True, metadata={"description": "the outcome question"}
    )
    yes = fields.Nested(
        QuestionOut, allow_none=True, metadata={"description": "the outcome if C = yes"}
    )
    no = fields.Nested(
        QuestionOut, allow_none=True, metadata={"description": "the outcome if C = no"}
    )
    p_condition = fields.Float(
        allow_none=True, metadata={"description": "P(C) now; null while hidden from you"}
    )


class BothForecastsOut(Schema):
    yes = fields.Nested(ForecastOut, required=True)
    no = fields.Nested(ForecastOut, required=True)
