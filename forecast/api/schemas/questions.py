"""Schemas of questions: proposing, reviewing, listing, reading."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.aggregates import AggregateOut
from forecast.api.schemas.common import ISO, NUMBER_OR_ISO, PageArgs, PageOut, StrictSchema
from forecast.api.schemas.shapes import ShapedDict
from forecast.api.schemas.signposts import ConditionOut
from forecast.models import QuestionStatus, QuestionType
from forecast.services.questions.lifecycle import REVIEW_DECISIONS
from forecast.services.questions.lists import MINE, SORTS

QUESTION_TYPES = tuple(t.value for t in QuestionType)


STATUSES = tuple(s.value for s in QuestionStatus)


class RangeSchema(StrictSchema):
    min = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    max = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    open_lower = fields.Boolean(load_default=False)
    open_upper = fields.Boolean(load_default=False)
    zero_point = JsonNumber(allow_none=True, allow_nan=False, load_default=None)


class QuestionIn(StrictSchema):
    key = fields.String(validate=validate.Length(min=1, max=100))
    tournament = fields.String(allow_none=True, validate=validate.Length(max=80))
    team = fields.String(
        allow_none=True,
        validate=validate.Length(max=80),
        metadata={"description": "a team's slug: the question is private to its members"},
    )
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))
    resolution_criteria = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    source = fields.String(allow_none=True, validate=validate.Length(max=2_000))
    open_time = fields.String(required=True, metadata=ISO)
    close_time = fields.String(required=True, metadata=ISO)
    resolve_time = fields.String(metadata=ISO)
    range = fields.Nested(RangeSchema, allow_none=True, load_default=None)
    options = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        allow_none=True,
        validate=validate.Length(min=2, max=20),
        metadata={"description": "multiple-choice questions: the option labels, in order"},
    )
    resolution = fields.Constant(
        None,
        metadata={
            "description": "must be null when creating",
            "type": "object",
            "nullable": True,
            "enum": [None],
            "additionalProperties": False,
        },
    )
    hide_aggregate_until_forecast = fields.Boolean(
        metadata={"description": "hide the community prediction until the viewer forecasts"}
    )
    aggregate_reveal_time = fields.String(
        allow_none=True, metadata={**ISO, "description": "hide the community prediction until"}
    )
    aggregate_open_to_leaders = fields.Boolean(
        metadata={
            "description": "leaders see the community prediction while it is hidden from "
            "forecasters (said on the question's page)"
        }
    )


class ReviewIn(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(REVIEW_DECISIONS))
    comment = fields.String(allow_none=True, validate=validate.Length(max=5_000))
    tournament = fields.String(allow_none=True, validate=validate.Length(max=80))
    changes = ShapedDict(
        QuestionIn,
        allow_none=True,
        metadata={
            "description": "edited question fields, applied on approval (any of a new "
            "question's fields; those left out keep the proposal's values)"
        },
    )


class RangeOut(Schema):
    min = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    max = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    open_lower = fields.Boolean(required=True)
    open_upper = fields.Boolean(required=True)
    zero_point = fields.Float(allow_none=True)


class ResolutionOut(Schema):
    class Meta:
        unknown = EXCLUDE

    outcome = fields.String()
    value = fields.Float()
    date = fields.String(metadata=ISO)
    option = fields.String(metadata={"description": "multiple-choice questions"})
    resolved_at = fields.String(required=True, metadata=ISO)


class CommunityOut(Schema):
    method = fields.String(required=True)
    forecaster_count = fields.Integer(required=True)
    probability = fields.Float(allow_none=True, metadata={"description": "binary questions"})
    probabilities = fields.List(
        fields.Float(),
        allow_none=True,
        metadata={"description": "multiple-choice questions: one per option"},
    )
    median = fields.Raw(
        allow_none=True,
        metadata={
            **NUMBER_OR_ISO,
            "description": "continuous questions: a number, or an ISO date on date ones",
        },
    )
    quartiles = fields.List(
        fields.Raw(metadata=NUMBER_OR_ISO),
        allow_none=True,
        metadata={"description": "continuous questions: the 25th and 75th percentiles"},
    )


class QuestionOut(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    tournament = fields.String(allow_none=True, required=True)
    team = fields.String(allow_none=True, metadata={"description": "its team, or null (public)"})
    description = fields.String(required=True)
    resolution_criteria = fields.String(required=True)
    source = fields.String(allow_none=True)
    open_time = fields.String(required=True, metadata=ISO)
    close_time = fields.String(required=True, metadata=ISO)
    resolve_time = fields.String(required=True, metadata=ISO)
    range = fields.Nested(RangeOut, allow_none=True)
    options = fields.List(
        fields.String(), metadata={"description": "multiple-choice questions: option labels"}
    )
    resolution = fields.Nested(ResolutionOut, allow_none=True)
    proposer = fields.String(allow_none=True)
    review_comment = fields.String(allow_none=True)
    forecaster_count = fields.Integer()
    aggregate = fields.Nested(AggregateOut, allow_none=True)
    community = fields.Nested(
        CommunityOut,
        allow_none=True,
        metadata={"description": "in lists: the community prediction now (null while hidden)"},
    )
    hide_aggregate_until_forecast = fields.Boolean()
    aggregate_reveal_time = fields.String(allow_none=True, metadata=ISO)
    aggregate_open_to_leaders = fields.Boolean()
    condition = fields.Nested(
        ConditionOut,
        allow_none=True,
        metadata={"description": "a conditional question's condition and outcome; else null"},
    )


class QuestionListArgs(PageArgs):
    tournament = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    search = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "words in the title or key, in any case"},
    )
    mine = fields.String(
        validate=validate.OneOf(MINE),
        metadata={"description": "questions you do (with) or do not (without) forecast on now"},
    )
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={"description": "close (default): open first, closing soonest"},
    )


class QuestionPage(PageOut):
    items = fields.List(fields.Nested(QuestionOut), required=True)
