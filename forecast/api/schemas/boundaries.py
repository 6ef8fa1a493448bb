"""Schemas of decision boundaries, ladders, the threshold report and recorded events."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from forecast.api.json_fields import JsonNumber
from forecast.api.schemas.common import ISO, StrictSchema
from forecast.api.schemas.shapes import (
    ID_OR_KEY,
    CrossingOut,
    EventShape,
    QuestionRef,
    ShapedDict,
    VerdictPointOut,
)
from forecast.api.schemas.signposts import NamedSignpostOut, SignpostOut, SignpostRecordOut
from forecast.core.aggregation.methods import BOUNDARY_METHODS
from forecast.core.boundaries.rules import COMPARATORS, VERDICT_ORDER
from forecast.core.decisions import OUTCOMES
from forecast.services.boundaries.input import MAX_MIN_FORECASTERS

EVENT_DOC = {
    "description": 'binary: {"kind": "yes"}; date: {"kind": "before", "date": ISO} or '
    '{"kind": "within", "years": N}; numeric: {"kind": "at_least"|"at_most", "value": x}'
}


HYSTERESIS_DOC = {
    "description": "the band (in probability) the aggregate must clear to turn back; left "
    "out: 0.02, narrowed to a quarter of the threshold's distance from 0 or 1"
}


MIN_FORECASTERS_DOC = {
    "description": "the state changes only while at least this many forecasters stand on the "
    "question (default 1)"
}


class AlertSettings(StrictSchema):
    """When a boundary changes state: the same two fields on a draft, an edit and a ladder."""

    hysteresis = JsonNumber(
        allow_nan=False, validate=validate.Range(min=0, max=0.5), metadata=HYSTERESIS_DOC
    )
    min_forecasters = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_MIN_FORECASTERS),
        metadata=MIN_FORECASTERS_DOC,
    )


def shared_team_field() -> fields.String:
    """The team a new boundary or ladder is shared with (one field object per schema)."""
    return fields.String(
        allow_none=True,
        validate=validate.Length(max=80),
        metadata={"description": "a team's slug: shared with that team's leaders once committed"},
    )


class BoundaryFields(AlertSettings):
    question = fields.Raw(required=True, metadata=ID_OR_KEY)
    action = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    event = ShapedDict(EventShape, required=True, metadata=EVENT_DOC)
    comparator = fields.String(load_default=">=", validate=validate.OneOf(COMPARATORS))
    threshold = JsonNumber(
        required=True,
        allow_nan=False,
        # OpenAPI 3.0: the exclusive bounds are flags on minimum and maximum.
        metadata={"minimum": 0, "maximum": 1, "exclusiveMinimum": True, "exclusiveMaximum": True},
    )
    method = fields.String(validate=validate.OneOf(BOUNDARY_METHODS))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=5000))
    blind = fields.Boolean()
    shared = fields.Boolean()
    shared_team = shared_team_field()
    ladder = fields.String(allow_none=True, validate=validate.Length(max=100))
    key = fields.String(validate=validate.Length(min=1, max=100))


class BoundaryIn(BoundaryFields):
    pass


class BoundaryPatch(AlertSettings):
    action = fields.String(validate=validate.Length(min=1, max=5000))
    event = ShapedDict(EventShape, metadata=EVENT_DOC)
    comparator = fields.String(validate=validate.OneOf(COMPARATORS))
    threshold = JsonNumber(allow_nan=False)
    method = fields.String(validate=validate.OneOf(BOUNDARY_METHODS))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=5000))
    blind = fields.Boolean()
    shared = fields.Boolean()


class RevisionIn(BoundaryPatch):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class LadderStep(StrictSchema):
    threshold = JsonNumber(required=True, allow_nan=False)
    action = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=5000))


class LadderIn(AlertSettings):
    question = fields.Raw(required=True, metadata=ID_OR_KEY)
    event = ShapedDict(EventShape, required=True, metadata=EVENT_DOC)
    comparator = fields.String(load_default=">=", validate=validate.OneOf(COMPARATORS))
    method = fields.String(validate=validate.OneOf(BOUNDARY_METHODS))
    blind = fields.Boolean()
    shared = fields.Boolean()
    shared_team = shared_team_field()
    ladder = fields.String(allow_none=True, validate=validate.Length(max=100))
    steps = fields.List(
        fields.Nested(LadderStep), required=True, validate=validate.Length(min=1, max=12)
    )


class BoundaryVersionOut(Schema):
    version = fields.Integer(required=True)
    action = fields.String(required=True)
    event = fields.Nested(EventShape, required=True)
    comparator = fields.String(required=True)
    threshold = fields.Float(required=True)
    method = fields.String(required=True)
    rationale = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    committed_at = fields.String(allow_none=True, metadata=ISO)
    hash = fields.String(allow_none=True)


class BoundaryOut(BoundaryVersionOut):
    id = fields.Integer(required=True)
    key = fields.String(allow_none=True)
    status = fields.String(required=True)
    owner = fields.String(allow_none=True)
    question = fields.Nested(QuestionRef, allow_none=True)
    ladder = fields.String(allow_none=True)
    shared = fields.Boolean()
    shared_team = fields.String(allow_none=True, metadata={"description": "its team, if shared"})
    blind = fields.Boolean()
    hysteresis = fields.Float()
    min_forecasters = fields.Integer()
    created_at = fields.String(metadata=ISO)
    versions = fields.List(fields.Nested(BoundaryVersionOut))
    named_signposts = fields.List(
        fields.Nested(NamedSignpostOut),
        metadata={
            "description": "the conditional pairs the owner named as signposts (not part of the "
            "committed content: they change at any time)"
        },
    )
    signpost_history = fields.List(
        fields.Nested(SignpostRecordOut),
        metadata={"description": "every naming and removal of a signpost, oldest first"},
    )


class ReportArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    at = fields.String(metadata={**ISO, "description": "evaluate as of this past instant"})
    owner = fields.String()
    tournament = fields.String()
    verdict = fields.String(validate=validate.OneOf(VERDICT_ORDER))
    team = fields.String(
        metadata={"description": "a team's report: boundaries shared with it or on its questions"}
    )
    format = fields.String(validate=validate.OneOf(("json", "csv")))


class BestAtThresholdOut(Schema):
    probability = fields.Float(
        required=True,
        metadata={"description": "P(event) weighted by each forecaster's value at the threshold"},
    )
    interval = fields.List(
        fields.Float(), allow_none=True, metadata={"description": "90% bootstrap interval"}
    )
    forecasters = fields.Integer(
        required=True, metadata={"description": "forecasters with a weight above zero"}
    )


class ReportOut(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer()
    action = fields.String(required=True)
    ladder = fields.String(allow_none=True)
    question = fields.Nested(QuestionRef, required=True)
    event = fields.Nested(EventShape, required=True)
    comparator = fields.String(required=True)
    threshold = fields.Float(required=True)
    method = fields.String(required=True)
    probability = fields.Float(allow_none=True, required=True)
    hidden = fields.String(
        allow_none=True,
        metadata={
            "description": "why the aggregate and everything drawn from it are left out of "
            "this row (null when shown)"
        },
    )
    crossed = fields.Boolean(required=True, allow_none=True)
    margin = fields.Float(allow_none=True, metadata={"description": "percentage points past"})
    margin_log_odds = fields.Float(allow_none=True)
    verdict = fields.String(
        required=True,
        metadata={
            "description": "crossed, not_crossed, contested, no_forecasts, or hidden when the "
            "question's community prediction is hidden from you"
        },
    )
    by_method = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    methods_known = fields.Integer(metadata={"description": "methods with a value"})
    methods_crossed = fields.Integer(
        metadata={"description": "of methods_known, how many are past the threshold"}
    )
    interval = fields.List(fields.Float(), allow_none=True)
    forecaster_count = fields.Integer(required=True)
    first_crossed_at = fields.String(allow_none=True, metadata=ISO)
    events = fields.List(
        fields.Nested(CrossingOut),
        metadata={"description": "changes of state since the first commit"},
    )
    outcome = fields.String(allow_none=True)
    at = fields.String(metadata=ISO)
    committed_at = fields.String(allow_none=True, metadata=ISO)
    version_committed_at = fields.String(allow_none=True, metadata=ISO)
    tournament = fields.String(allow_none=True)
    decision_outcome = fields.String(
        allow_none=True,
        validate=validate.OneOf(OUTCOMES),
        metadata={
            "description": "once resolved: whether the boundary stood crossed at the close "
            "against whether its action was right (the event happened, for >=; it did not, "
            "for <=): hit, false_alarm, miss or correct_rejection"
        },
    )
    lead_time_days = fields.Float(
        allow_none=True,
        metadata={"description": "days from the first crossing to the resolution"},
    )
    signposts = fields.List(
        fields.Nested(SignpostOut),
        metadata={
            "description": "the signposts the owner named, then the other conditional pairs on "
            "the question (suggested): P(S), the event's probability if S and if not S, "
            "decision relevance and the value of waiting; in each group decision-relevant first"
        },
    )
    named_signposts = fields.List(
        fields.String(),
        metadata={"description": "the titles of the signposts the owner named"},
    )
    decision_relevant_signposts = fields.List(
        fields.String(),
        metadata={"description": "the titles of the decision-relevant signposts, named or not"},
    )
    best_at_threshold = fields.Nested(
        BestAtThresholdOut,
        allow_none=True,
        metadata={"description": "the forecasters best at this threshold, by their record"},
    )
    verdict_history = fields.List(
        fields.Nested(VerdictPointOut),
        metadata={
            "description": "once closed: {at, verdict, probability} at 8 instants from the "
            "first commit to the close"
        },
    )


class BoundaryEventOut(Schema):
    at = fields.String(required=True, metadata=ISO)
    state = fields.String(required=True)
    probability = fields.Float(allow_none=True)
    threshold = fields.Float(allow_none=True)
    version = fields.Integer(allow_none=True)


class BoundaryEventList(Schema):
    items = fields.List(fields.Nested(BoundaryEventOut), required=True)
    hidden = fields.String(
        allow_none=True,
        metadata={"description": "why no events are shown: the aggregate is hidden from you"},
    )
