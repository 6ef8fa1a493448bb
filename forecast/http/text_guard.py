"""Text no database can store, or that is not UTF-8, is refused everywhere it enters.

PostgreSQL cannot store U+0000 in a text column and SQLite stores it silently, so the same input
would be a 500 on one database and a stored oddity on the other. A lone surrogate (JSON's
`"\\ud800"` without its pair) cannot be encoded at all: the password hash, the database driver
or the response would fail on it. Bytes that are not UTF-8 in an address, a query or a form
would be kept as percent-escapes or replacement characters instead of what was typed. No field
of ours has a use for any of them: requests and interchange files carrying them are refused
with the place named.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, request

from forecast.core.text import NUL, find_nul, find_text, has_lone_surrogate
from forecast.errors import DomainError, ValidationFailed

# In a JSON body that is UTF-8, a NUL or a lone surrogate can only arrive as an escape.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _not_utf8_field(encoded: bytes, default: str) -> str | None:
    """Return the name of the first field of a query or form whose bytes are not UTF-8."""
    if encoded.isascii() and b"%" not in encoded:
        return None
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return unquote_to_bytes(name).decode("utf-8", "replace") or default
    return None


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_unstorable() -> None:
    try:
        request.environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise DomainError("the address is not valid UTF-8", "path") from None
    if NUL in request.path:
        raise ValidationFailed("the address contains the NUL character", "path")
    encoded = [(request.query_string, "query")]
    if request.mimetype == _FORMS[0]:
        encoded.append((request.get_data(cache=True), "form"))  # before the form is parsed
    for part, default in encoded:
        field = _not_utf8_field(part, default)
        if field:
            raise DomainError(f"{field} is not valid UTF-8 text", field)
    fields = list(request.args.items(multi=True))
    if request.mimetype in _FORMS:
        fields += list(request.form.items(multi=True))
    for key, value in fields:
        if NUL in key or NUL in value:
            raise ValidationFailed("text may not contain the NUL character", key)
    if request.is_json:
        _refuse_unstorable_json(request.get_data(cache=True))


def _refuse_unstorable_json(raw: bytes) -> None:
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DomainError("the JSON body is not valid UTF-8") from None
    # Parse and walk only the bodies that carry a suspect escape.
    if _SUSPECT_ESCAPE.search(raw):
        body = request.get_json(silent=True)
        found = find_nul(body)
        if found:
            raise ValidationFailed("text may not contain the NUL character", found)
        found = find_text(body, has_lone_surrogate)
        if found:
            raise ValidationFailed(
                "text may not contain a lone surrogate (half of a UTF-16 pair, like \\ud800)",
                found,
            )


def init_app(app: Flask) -> None:
    """Check every request before it reaches a view."""
    app.before_request(_refuse_unstorable)
