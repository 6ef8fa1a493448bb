"""Schemas of tournaments."""

from __future__ import annotations

from marshmallow import Schema, fields

from forecast.api.schemas.common import ISO, PageOut, StrictSchema


class TournamentIn(StrictSchema):
    slug = fields.String(required=True, metadata={"description": "1-80 of a-z, 0-9 and '-'"})
    title = fields.String(required=True)
    description = fields.String(load_default="")
    team = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "a team's slug: the tournament is private to its members"},
    )


class TournamentOut(Schema):
    slug = fields.String(required=True)
    team = fields.String(
        allow_none=True, metadata={"description": "the team it is private to, or null (public)"}
    )
    title = fields.String(required=True)
    description = fields.String(required=True)
    prize_pool = fields.Float()
    question_count = fields.Integer(metadata={"description": "public questions"})
    questions = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "public questions by their status now"},
    )
    forecasters = fields.Integer(metadata={"description": "people with a standing forecast"})
    next_close = fields.String(allow_none=True, metadata=ISO)


class TournamentPage(PageOut):
    items = fields.List(fields.Nested(TournamentOut), required=True)
