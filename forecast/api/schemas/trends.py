"""Schemas of trend series: the body that attaches one and the series read back."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forecast.api.schemas.common import ISO, StrictSchema
from forecast.core.trend import FITS
from forecast.services.trends.series import MAX_POINTS, MAX_SOURCE

# Loaded as sent (the service names the bad point and field), documented by type.
NUMBER = {"type": "number"}
OPTIONAL_NUMBER = {"type": "number", "nullable": True}


class TrendPointIn(StrictSchema):
    date = fields.String(required=True, metadata=ISO)
    value = fields.Raw(required=True, metadata={**NUMBER, "description": "a finite number"})
    source = fields.String(allow_none=True, validate=validate.Length(max=MAX_SOURCE))


class SeriesIn(StrictSchema):
    points = fields.List(
        fields.Nested(TrendPointIn), required=True, validate=validate.Length(min=1, max=MAX_POINTS)
    )
    fit = fields.String(required=True, validate=validate.OneOf(FITS))
    window = fields.Raw(
        allow_none=True,
        metadata={**OPTIONAL_NUMBER, "description": "years before the last point to fit over"},
    )
    level = fields.Raw(
        allow_none=True,
        metadata={
            **OPTIONAL_NUMBER,
            "description": "date questions: the value whose reaching the question asks",
        },
    )


class TrendPointOut(Schema):
    date = fields.String(required=True, metadata=ISO)
    value = fields.Float(required=True)
    source = fields.String(allow_none=True, metadata={"description": "where the value is from"})


class LinePointOut(Schema):
    date = fields.String(required=True, metadata=ISO)
    value = fields.Float(required=True, metadata={"description": "the fitted line at that date"})


class ExtrapolatedOut(Schema):
    at = fields.String(required=True, metadata={**ISO, "description": "the resolution date"})
    value = fields.Float(required=True, metadata={"description": "the line's value then"})


class TrendBlockOut(Schema):
    """What `?method=trend` adds to an aggregate: the fit behind the reference forecast."""

    fit = fields.String(required=True, metadata={"enum": list(FITS)})
    window = fields.Float(allow_none=True, required=True)
    level = fields.Float(allow_none=True, required=True)
    slope_per_year = fields.Float(
        required=True, metadata={"description": "on the fitted scale (ln for log_linear)"}
    )
    doubling_years = fields.Float(allow_none=True, required=True)
    extrapolated = fields.Nested(ExtrapolatedOut, required=True)
    points = fields.Integer(required=True, metadata={"description": "how many points"})
    since = fields.String(
        required=True, metadata={**ISO, "description": "when the series was attached"}
    )


class SeriesOut(Schema):
    points = fields.List(fields.Nested(TrendPointOut), required=True)
    fit = fields.String(required=True, metadata={"enum": list(FITS)})
    window = fields.Float(allow_none=True)
    level = fields.Float(allow_none=True)
    slope_per_year = fields.Float(
        metadata={"description": "on the fitted scale (ln for log_linear)"}
    )
    doubling_years = fields.Float(allow_none=True)
    extrapolated = fields.Nested(
        ExtrapolatedOut, metadata={"description": "the line at the resolution date"}
    )
    cdf = fields.List(
        fields.Float(), metadata={"description": "the reference forecast, 201 values"}
    )
    line = fields.List(fields.Nested(LinePointOut))
    updated_at = fields.String(metadata=ISO)
