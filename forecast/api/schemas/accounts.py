"""Schemas of logins, users and API tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import ISO, PageOut, StrictSchema


class Credentials(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    label = fields.String(validate=validate.Length(max=100))


class UserOut(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    created_at = fields.String(required=True, metadata=ISO)


class TokenOut(Schema):
    token = fields.String(required=True)
    username = fields.String(required=True)


class TokenInfo(Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    hint = fields.String(
        required=True,
        metadata={"description": "the secret's last four characters; empty for older tokens"},
    )
    created_at = fields.String(required=True, metadata=ISO)
    revoked_at = fields.String(allow_none=True, required=True, metadata=ISO)
    current = fields.Boolean(
        required=True, metadata={"description": "the token this request was sent with"}
    )


class TokenPage(PageOut):
    items = fields.List(fields.Nested(TokenInfo), required=True)


class RevokedOut(Schema):
    revoked = fields.Integer(required=True, metadata={"description": "how many were live"})
