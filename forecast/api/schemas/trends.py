"""Schemas of trend series: the body that attaches one and the series read back."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import ISO, StrictSchema
from forecast.core.trend import FITS
from forecast.services.trends.series import MAX_POINTS, MAX_SOURCE


class TrendPointIn(StrictSchema):
    date = fields.String(required=True, metadata=ISO)
    value = fields.Raw(required=True, metadata={"description": "a finite number"})
    source = fields.String(allow_none=True, validate=validate.Length(max=MAX_SOURCE))


class SeriesIn(StrictSchema):
    points = fields.List(
        fields.Nested(TrendPointIn), required=True, validate=validate.Length(min=1, max=MAX_POINTS)
    )
    fit = fields.String(required=True, validate=validate.OneOf(FITS))
    window = fields.Raw(
        allow_none=True, metadata={"description": "years before the last point to fit over"}
    )
    level = fields.Raw(
        allow_none=True,
        metadata={"description": "date questions: the value whose reaching the question asks"},
    )


class SeriesOut(Schema):
    points = fields.List(fields.Dict(), required=True)
    fit = fields.String(required=True)
    window = fields.Float(allow_none=True)
    level = fields.Float(allow_none=True)
    slope_per_year = fields.Float(
        metadata={"description": "on the fitted scale (ln for log_linear)"}
    )
    doubling_years = fields.Float(allow_none=True)
    extrapolated = fields.Dict(metadata={"description": "{at, value}: the line at resolution"})
    cdf = fields.List(
        fields.Float(), metadata={"description": "the reference forecast, 201 values"}
    )
    line = fields.List(fields.Dict())
    updated_at = fields.String(metadata=ISO)
