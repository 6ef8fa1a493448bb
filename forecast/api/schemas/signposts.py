"""Shapes of a conditional question's link and of a boundary's signposts (in question and
report payloads)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import ISO, StrictSchema
from forecast.api.schemas.shapes import ID_OR_KEY


class ConditionOut(Schema):
    """A conditional question's link: the interchange `condition` object."""

    if_ = fields.String(data_key="if", required=True, metadata={"description": "condition key"})
    is_ = fields.String(data_key="is", required=True, validate=validate.OneOf(("yes", "no")))
    then = fields.String(required=True, metadata={"description": "outcome key"})


class QuestionRefOut(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    title = fields.String()


class ValueOfWaitingOut(Schema):
    share_of_loss = fields.Float(
        required=True,
        metadata={"description": "expected loss saved by deciding after S, as a share of L"},
    )
    loss_now = fields.Float(required=True, metadata={"description": "min(t, p_now)"})
    loss_after = fields.Float(required=True)
    p_now = fields.Float(
        required=True, metadata={"description": "P(S) p_if_yes + (1 - P(S)) p_if_no"}
    )
    incoherence = fields.Float(
        required=True, metadata={"description": "the community's P(event) minus p_now"}
    )


class SignpostOut(Schema):
    named = fields.Boolean(
        required=True,
        metadata={
            "description": "named by the boundary's owner; false: suggested (a pair on "
            "the boundary's question nobody named)"
        },
    )
    condition = fields.Nested(QuestionRefOut, required=True)
    outcome = fields.Nested(QuestionRefOut, metadata={"description": "the pair's outcome question"})
    if_yes = fields.Nested(QuestionRefOut, required=True)
    if_no = fields.Nested(QuestionRefOut, required=True)
    hidden = fields.String(allow_none=True, metadata={"description": "why values are left out"})
    p_signpost = fields.Float(allow_none=True)
    p_if_yes = fields.Float(allow_none=True)
    p_if_no = fields.Float(allow_none=True)
    crossed_if_yes = fields.Boolean(allow_none=True)
    crossed_if_no = fields.Boolean(allow_none=True)
    reading = fields.String(allow_none=True)
    decision_relevant = fields.Boolean(required=True)
    value_of_waiting = fields.Nested(ValueOfWaitingOut, allow_none=True)


OUTCOME_DOC = {
    **ID_OR_KEY,
    "description": "the pair's outcome question, id or key; left out: the boundary's question. "
    "Another outcome must be of the boundary question's type, with the boundary's event",
}


class SignpostIn(StrictSchema):
    """One conditional pair, named by its condition (and outcome, when not the boundary's)."""

    condition = fields.Raw(
        required=True, metadata={**ID_OR_KEY, "description": "the condition question, id or key"}
    )
    outcome = fields.Raw(allow_none=True, metadata=OUTCOME_DOC)


class SignpostsIn(StrictSchema):
    signposts = fields.List(fields.Nested(SignpostIn), required=True)


class NamedSignpostOut(Schema):
    condition = fields.Nested(QuestionRefOut, required=True)
    outcome = fields.Nested(QuestionRefOut, required=True)
    named_by = fields.String(allow_none=True)
    named_at = fields.String(required=True, metadata=ISO)


class SignpostRecordOut(NamedSignpostOut):
    removed_by = fields.String(allow_none=True)
    removed_at = fields.String(allow_none=True, metadata=ISO)
