"""Teams: a private workspace, its members and its invitation link."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import ISO, StrictSchema
from forecast.models import TeamRole

TEAM_ROLES = [r.value for r in TeamRole]


class TeamIn(StrictSchema):
    slug = fields.String(required=True, metadata={"description": "1-80 of a-z, 0-9 and '-'"})
    name = fields.String(required=True, validate=validate.Length(max=200))


class MemberIn(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(max=40))
    role = fields.String(
        load_default="member",
        validate=validate.OneOf(TEAM_ROLES),
        metadata={"description": "the role inside the team (default member)"},
    )


class JoinIn(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(max=64))


class MemberOut(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": TEAM_ROLES})
    joined_at = fields.String(required=True, metadata=ISO)


class TeamOut(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "your role in the team"})
    members = fields.List(fields.Nested(MemberOut), required=True)
    tournaments = fields.List(
        fields.String(), required=True, metadata={"description": "its private tournaments"}
    )


class TeamSummary(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)


class TeamList(Schema):
    items = fields.List(fields.Nested(TeamSummary), required=True)


class InviteOut(Schema):
    token = fields.String(required=True)
    path = fields.String(required=True, metadata={"description": "the page that joins the team"})
