"""Text with the NUL character is refused everywhere it enters, on every database alike.

PostgreSQL cannot store U+0000 in a text column and SQLite stores it silently, so the same input
would be a 500 on one database and a stored oddity on the other. No field of ours has a use for
it: requests and interchange files carrying it are refused with the place named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request

from forecast.errors import ValidationFailed

NUL = "\x00"


def find_nul(value: Any, where: str = "") -> str | None:
    """Return the path of the first string (or key) holding NUL inside value, or None."""
    if isinstance(value, str):
        return where or "value" if NUL in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and NUL in key:
                return path
            found = find_nul(item, path)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = find_nul(item, f"{where}[{i}]")
            if found:
                return found
    return None


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_nul() -> None:
    if NUL in request.path:
        raise ValidationFailed("the address contains the NUL character", "path")
    fields = list(request.args.items(multi=True))
    if request.mimetype in _FORMS:
        fields += list(request.form.items(multi=True))
    for key, value in fields:
        if NUL in key or NUL in value:
            raise ValidationFailed("text may not contain the NUL character", key)
    # In JSON a NUL can only arrive escaped; parse and walk only the bodies that have one.
    if request.is_json and b"\\u0000" in request.get_data(cache=True):
        found = find_nul(request.get_json(silent=True))
        if found:
            raise ValidationFailed("text may not contain the NUL character", found)


def init_app(app: Flask) -> None:
    """Check every request before it reaches a view."""
    app.before_request(_refuse_nul)
