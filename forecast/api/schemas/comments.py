"""Comments, their moderation and follows: what the discussion endpoints take and give."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import ISO, NUMBER_OR_ISO, PageOut, StrictSchema
from forecast.services.discussion.comments import MAX_BODY, MAX_REASON


class CommentIn(StrictSchema):
    body = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_BODY),
        metadata={"description": "Markdown; raw HTML is shown as text"},
    )
    parent = fields.Integer(
        allow_none=True,
        strict=True,
        metadata={"description": "the comment replied to (a reply to a reply joins its thread)"},
    )
    with_forecast = fields.Boolean(
        load_default=False,
        truthy={True},
        falsy={False},
        metadata={"description": "show your standing forecast beside the comment"},
    )


class CommentPatch(StrictSchema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY))


class ModerationIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REASON))


class FollowIn(StrictSchema):
    threshold = fields.Float(
        load_default=None,
        allow_nan=False,
        validate=validate.Range(min=1, max=100),
        metadata={
            "description": "percentage points the community prediction must move (binary), "
            "or percent of the range its median must move (continuous), to notify you; "
            "default 10"
        },
    )


class FollowOut(Schema):
    question = fields.Integer(required=True)
    following = fields.Boolean(required=True)
    threshold = fields.Float(allow_none=True, metadata={"description": "percentage points"})


class CommentForecast(Schema):
    probability = fields.Float()
    median = fields.Raw(metadata=NUMBER_OR_ISO)


class CommentOut(Schema):
    id = fields.Integer(required=True)
    question = fields.Integer(required=True)
    parent = fields.Integer(allow_none=True)
    author = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "comment or rationale"})
    body = fields.String(
        allow_none=True, metadata={"description": "Markdown as typed; null when not readable"}
    )
    html = fields.String(allow_none=True, metadata={"description": "the body rendered, sanitised"})
    forecast = fields.Nested(
        CommentForecast,
        allow_none=True,
        metadata={"description": "the author's forecast when the comment was written"},
    )
    created_at = fields.String(required=True, metadata=ISO)
    edited_at = fields.String(allow_none=True, metadata=ISO)
    deleted = fields.Boolean(required=True)
    hidden = fields.Boolean(required=True)
    hidden_reason = fields.String(allow_none=True)
    withheld = fields.Boolean(
        required=True,
        metadata={
            "description": "states a forecast while the community prediction is hidden from you"
        },
    )


class CommentPage(PageOut):
    items = fields.List(fields.Nested(CommentOut), required=True)


class ModerationOut(Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True, metadata={"description": "hide or unhide"})
    reason = fields.String(required=True)
    actor = fields.String(required=True)
    created_at = fields.String(required=True, metadata=ISO)


class ModerationPage(PageOut):
    items = fields.List(fields.Nested(ModerationOut), required=True)
