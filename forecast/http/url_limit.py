"""Addresses longer than MAX_TARGET bytes are refused by the app: a 414 in the usual error shape.

gunicorn refuses a request line longer than its `limit_request_line` with an HTML page of its
own, before the app sees the request, so an API client would get HTML instead of the JSON
error. gunicorn's limit is raised to the most it allows (GUNICORN_REQUEST_LINE, in
deploy/gunicorn.conf.py and forecast/http/serving.py) and the app refuses long addresses first,
well below it: JSON under /api, a page elsewhere. Only request lines past 8190 bytes (which no
proxy in front of gunicorn passes by default either) still meet gunicorn's page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from forecast.errors import DomainError

MAX_TARGET = 4096
# The largest finite limit_request_line gunicorn takes (0, unlimited, would let a client make
# a worker buffer a request line of any length).
GUNICORN_REQUEST_LINE = 8190


class UriTooLong(DomainError):
    """The address (path and query) is longer than the app reads."""

    status = 414
    code = "uri_too_long"


def target_length(environ: dict[str, Any]) -> int:
    """Return the length in bytes of the request's address as the client sent it."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is not None:
        return len(raw)
    query = environ.get("QUERY_STRING", "")
    return len(environ.get("PATH_INFO", "")) + (len(query) + 1 if query else 0)


def _refuse_long_address() -> None:
    if target_length(request.environ) > MAX_TARGET:
        raise UriTooLong(f"the address is longer than {MAX_TARGET} bytes", "path")


def init_app(app: Flask) -> None:
    """Check every request's address before anything else reads it."""
    app.before_request(_refuse_long_address)
