"""Shapes of the nested objects the API sends and takes, so the document says what is inside.

The answers are serialised by the services (jsonify), so these schemas only document them. A
`ShapedDict` is a body field loaded as it comes, because its service validates it and names the
bad part (`event.kind`), yet documented by a schema (forecast/api/openapi_docs.py draws it).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from forecast.api.schemas.common import ISO
from forecast.core.boundaries.rules import KINDS_BY_TYPE

NUMBER_OR_NUMBERS = {
    "oneOf": [{"type": "number"}, {"type": "array", "items": {"type": "number"}}],
}
ID_OR_KEY = {
    "description": "the question's id or its key",
    "oneOf": [{"type": "integer"}, {"type": "string"}],
}
EVENT_KINDS = tuple(dict.fromkeys(k for kinds in KINDS_BY_TYPE.values() for k in kinds))


class ShapedDict(fields.Dict):
    """A JSON object loaded as it is sent, documented as the schema `shape`."""

    def __init__(self, shape: type[Schema], **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), **kwargs)
        self.shape = shape


class EventShape(Schema):
    """What a boundary is about: the event whose probability meets the threshold."""

    kind = fields.String(
        required=True,
        metadata={
            "enum": list(EVENT_KINDS),
            "description": 'binary: "yes"; date: "before" (with date) or "within" (with '
            'years); numeric: "at_least" or "at_most" (with value)',
        },
    )
    date = fields.String(metadata={**ISO, "description": '"before": the deadline'})
    years = fields.Float(metadata={"description": '"within": a horizon from now, in years'})
    value = fields.Float(metadata={"description": '"at_least" / "at_most": the value'})


class QuestionRef(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    title = fields.String(required=True)


class CrossingOut(Schema):
    at = fields.String(required=True, metadata=ISO)
    state = fields.String(required=True, metadata={"description": "crossed or not_crossed"})
    probability = fields.Float(required=True)
    version = fields.Integer(required=True)


class CalibrationBinOut(Schema):
    lower = fields.Float(required=True)
    upper = fields.Float(required=True)
    count = fields.Integer(required=True)
    mean_forecast = fields.Float(allow_none=True, required=True)
    mean_outcome = fields.Float(allow_none=True, required=True)
    interval = fields.List(
        fields.Float(allow_none=True),
        required=True,
        metadata={"description": "90% interval of the outcome rate [low, high]"},
    )


class MurphyOut(Schema):
    reliability = fields.Float(required=True)
    resolution = fields.Float(required=True)
    uncertainty = fields.Float(required=True)
    brier = fields.Float(required=True)


class TrainingSessionOut(Schema):
    session = fields.Integer(required=True, metadata={"description": "1 for the first sitting"})
    started = fields.String(required=True, metadata=ISO)
    answered = fields.Integer(required=True)
    hit_rate = fields.Float(required=True)
    overconfidence_points = fields.Float(allow_none=True, required=True)


class ConfidenceBinOut(Schema):
    lower = fields.Float(required=True)
    upper = fields.Float(required=True)
    count = fields.Integer(required=True)
    hit_rate = fields.Float(allow_none=True, required=True)
    mean_confidence = fields.Float(allow_none=True, required=True)
    interval_low = fields.Float(allow_none=True, required=True)
    interval_high = fields.Float(allow_none=True, required=True)


class BinaryTrainingOut(Schema):
    answered = fields.Integer(required=True)
    bins = fields.List(fields.Nested(ConfidenceBinOut), required=True)
    hit_rate = fields.Float(allow_none=True, required=True)
    mean_confidence = fields.Float(allow_none=True, required=True)
    brier = fields.Float(allow_none=True, required=True)
    log = fields.Float(allow_none=True, required=True)
    overconfidence_points = fields.Float(allow_none=True, required=True)


class IntervalTrainingOut(Schema):
    answered = fields.Integer(required=True)
    hit_rate = fields.Float(allow_none=True, required=True)
    mean_interval_score = fields.Float(allow_none=True, required=True)


class VerdictPointOut(Schema):
    at = fields.String(required=True, metadata=ISO)
    verdict = fields.String(required=True)
    probability = fields.Float(allow_none=True, required=True)
