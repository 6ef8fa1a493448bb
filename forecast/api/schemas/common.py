"""What every schema shares: the error shape, paging, strictness, timestamp metadata."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from forecast.services.paging import MAX_PAGE

ISO = {"format": "date-time", "description": "ISO 8601 UTC timestamp"}


NUMBER_OR_ISO = {
    "description": "a number, or an ISO 8601 timestamp on date questions",
    "oneOf": [{"type": "number"}, {"type": "string", "format": "date-time"}],
}


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ErrorDetail(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    field = fields.String(allow_none=True)


class ApiErrorSchema(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class PageArgs(Schema):
    """Which page of a list to answer; unknown query arguments are ignored."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))


class PageOut(Schema):
    """The numbering every paged list carries beside its items."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class HealthOut(Schema):
    status = fields.String(required=True)


CSV_DOC = {"content": {"text/csv": {"schema": {"type": "string"}}}}
