"""Schemas of conditional pairs: linking a condition and an outcome, forecasting both branches."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import StrictSchema
from forecast.services.forecasts import MAX_RATIONALE

QUESTION_REF = {
    "description": "a question's id or key",
    "oneOf": [{"type": "integer"}, {"type": "string"}],
}


class ConditionOut(Schema):
    """A conditional question's link: the interchange `condition` object."""

    if_ = fields.String(data_key="if", required=True, metadata={"description": "condition key"})
    is_ = fields.String(data_key="is", required=True, validate=validate.OneOf(("yes", "no")))
    then = fields.String(required=True, metadata={"description": "outcome key"})


class PairIn(StrictSchema):
    condition = fields.Raw(required=True, metadata=QUESTION_REF)
    outcome = fields.Raw(required=True, metadata=QUESTION_REF)


class ConditionIn(StrictSchema):
    condition = fields.Raw(required=True, metadata=QUESTION_REF)


class BothForecastsIn(StrictSchema):
    yes = fields.Dict(
        required=True,
        metadata={"description": "the forecast if the condition resolves yes, as on /forecasts"},
    )
    no = fields.Dict(
        required=True,
        metadata={"description": "the forecast if the condition resolves no, as on /forecasts"},
    )
    rationale = fields.String(allow_none=True, validate=validate.Length(max=MAX_RATIONALE))


class PairOut(Schema):
    condition = fields.Dict(required=True, metadata={"description": "the condition question"})
    outcome = fields.Dict(required=True, metadata={"description": "the outcome question"})
    yes = fields.Dict(allow_none=True, metadata={"description": "the outcome if C = yes"})
    no = fields.Dict(allow_none=True, metadata={"description": "the outcome if C = no"})
    p_condition = fields.Float(
        allow_none=True, metadata={"description": "P(C) now; null while hidden from you"}
    )


class BothForecastsOut(Schema):
    yes = fields.Dict(required=True)
    no = fields.Dict(required=True)
