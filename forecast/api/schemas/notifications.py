"""Schemas of one's notification settings and delivery log."""

from __future__ import annotations

from marshmallow import fields, validate

from forecast.api.schemas.common import ISO, PageOut, StrictSchema
from forecast.services.notifications.events import CHANNELS, EVENT_KEYS, WEBHOOK_FORMATS

EVENTS_DOC = {
    "description": "each event ("
    + ", ".join(EVENT_KEYS)
    + ") mapped to the channels it goes to ("
    + ", ".join(CHANNELS)
    + "); the app always shows it",
    "example": {"alerts": ["email", "webhook"], "reminders": ["email"]},
}


class SettingsIn(StrictSchema):
    email = fields.String(
        allow_none=True, metadata={"description": "sent a confirmation link; null removes it"}
    )
    webhook_url = fields.String(
        allow_none=True,
        metadata={"description": "http(s) URL on a public address; null removes it"},
    )
    webhook_format = fields.String(validate=validate.OneOf(list(WEBHOOK_FORMATS)))
    events = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), metadata=EVENTS_DOC
    )
    rotate_secret = fields.Boolean(metadata={"description": "make a new webhook secret"})


class SettingsOut(StrictSchema):
    email = fields.String(allow_none=True, required=True)
    email_confirmed = fields.Boolean(required=True)
    webhook_url = fields.String(allow_none=True, required=True)
    webhook_format = fields.String(required=True, metadata={"enum": list(WEBHOOK_FORMATS)})
    events = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata=EVENTS_DOC,
    )
    has_webhook_secret = fields.Boolean(required=True)
    webhook_secret = fields.String(
        metadata={"description": "only in the answer that made it (whsec_...): keep it"}
    )
    confirmation_sent = fields.Boolean(metadata={"description": "a confirmation link was queued"})


class DeliveryOut(StrictSchema):
    at = fields.String(required=True, metadata=ISO)
    channel = fields.String(required=True, metadata={"enum": list(CHANNELS)})
    kind = fields.String(required=True)
    delivery_id = fields.String(required=True, metadata={"description": "the webhook-id"})
    ok = fields.Boolean(required=True)
    target = fields.String(required=True)
    detail = fields.String(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "the message's state now: pending, sent, dead or cancelled"},
    )


class DeliveryPage(PageOut):
    items = fields.List(fields.Nested(DeliveryOut), required=True)


class ResendOut(StrictSchema):
    delivery_id = fields.String(required=True, metadata={"description": "the same webhook-id"})
    user = fields.String(required=True, metadata={"description": "whose message it is"})
    channel = fields.String(required=True, metadata={"enum": list(CHANNELS)})
    kind = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending"]})
    next_attempt_at = fields.String(required=True, metadata=ISO)
