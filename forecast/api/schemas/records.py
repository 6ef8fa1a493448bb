"""Schemas of leaderboards and track records."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from forecast.api.schemas.common import ISO, PageArgs, PageOut
from forecast.api.schemas.shapes import CalibrationBinOut, MurphyOut


class BoardArgs(PageArgs):
    format = fields.String(validate=validate.OneOf(("json", "csv")))


class BoardEntry(Schema):
    rank = fields.Integer(required=True)
    user = fields.String(required=True)
    demo = fields.Boolean()
    score = fields.Float(required=True)
    peer = fields.Float(metadata={"description": "global board: summed Peer"})
    coverage = fields.Float(required=True)
    questions = fields.Integer()
    take = fields.Float()
    share = fields.Float()
    prize = fields.Float()
    medal = fields.String(allow_none=True)


class BoardPage(PageOut):
    items = fields.List(fields.Nested(BoardEntry), required=True)


class ReferenceEntry(Schema):
    method = fields.String(required=True, metadata={"description": "the reference line: trend"})
    user = fields.String(required=True, metadata={"description": "Trend line (reference)"})
    rank = fields.Integer(allow_none=True, required=True, metadata={"description": "always null"})
    score = fields.Float(
        required=True,
        metadata={"description": "summed Peer against the community prediction, weighted"},
    )
    coverage = fields.Float(required=True)
    questions = fields.Integer(required=True)
    baseline = fields.Float(required=True, metadata={"description": "summed Baseline, weighted"})
    crowd_baseline = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "the community prediction's summed Baseline on those questions"},
    )
    take = fields.Float(allow_none=True, required=True, metadata={"description": "always null"})
    share = fields.Float(allow_none=True, required=True, metadata={"description": "always null"})
    prize = fields.Float(allow_none=True, required=True, metadata={"description": "always null"})
    medal = fields.String(allow_none=True, required=True, metadata={"description": "always null"})
    note = fields.String(required=True)


class TournamentBoardPage(BoardPage):
    tournament = fields.String(required=True)
    prize_pool = fields.Float(required=True)
    reference = fields.List(
        fields.Nested(ReferenceEntry),
        required=True,
        metadata={
            "description": "the trend line's totals over the resolved questions with a series "
            "whose community prediction the caller may see; unranked, no prize (empty: none)"
        },
    )


class RecordArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    tournament = fields.String()
    from_ = fields.String(data_key="from", metadata=ISO)
    to = fields.String(metadata=ISO)


class RecordScore(Schema):
    question = fields.String(required=True)
    title = fields.String(required=True)
    type = fields.String(required=True)
    resolved_at = fields.String(required=True, metadata=ISO)
    baseline = fields.Float(required=True)
    peer = fields.Float(required=True)
    coverage = fields.Float(required=True)
    brier = fields.Float(allow_none=True)
    log = fields.Float(allow_none=True)


class RecordPoint(Schema):
    at = fields.String(required=True, metadata=ISO)
    cumulative_peer = fields.Float(required=True)
    question = fields.String(metadata={"description": "the key of the question resolved then"})
    title = fields.String()
    peer = fields.Float(metadata={"description": "that question's own Peer score"})


class TrackRecordOut(Schema):
    user = fields.String(required=True)
    resolved_questions = fields.Integer(required=True)
    mean_baseline = fields.Float(allow_none=True, required=True)
    mean_peer = fields.Float(allow_none=True, required=True)
    mean_brier = fields.Float(allow_none=True, required=True)
    mean_log = fields.Float(allow_none=True, required=True)
    scores = fields.List(fields.Nested(RecordScore), required=True)
    over_time = fields.List(fields.Nested(RecordPoint), required=True)
    calibration = fields.List(fields.Nested(CalibrationBinOut), required=True)
    murphy = fields.Nested(
        MurphyOut,
        allow_none=True,
        required=True,
        metadata={"description": "the Brier score's decomposition (null: nothing resolved)"},
    )
