"""A request id on every request: kept from a trusted proxy's X-Request-ID, else made here.

The id is in `g.request_id` for the log lines of the request (forecast.infra.logging_setup) and
is echoed in the response's X-Request-ID, where gunicorn's access line reads it. A client's own
header is taken only when the app trusts a proxy (FORECAST_PROXY_COUNT > 0), which sets it.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _assign(trusted: bool) -> None:
    given = request.headers.get(HEADER, "") if trusted else ""
    g.request_id = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex


def _echo(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    return response


def init_app(app: Flask) -> None:
    """Give each request its id first thing, and echo it on every response."""
    trusted = int(app.config["PROXY_COUNT"]) > 0
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: _assign(trusted))
    app.after_request(_echo)
