"""Marshmallow fields for JSON bodies, which say what they mean without coercion."""

from __future__ import annotations

from typing import Any

from marshmallow import fields


class JsonNumber(fields.Float):
    """A JSON number: the string "0.5" is refused, as true and false already are."""

    def _validated(self, value: Any) -> float:
        if not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)
