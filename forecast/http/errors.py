"""App-wide error answers: JSON under /api/, HTML pages elsewhere; no stack traces."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from forecast.errors import DomainError
from forecast.infra import storage_full
from forecast.infra.db import end_failed_transaction

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def wants_json() -> bool:
    """Tell whether the client should get a JSON error rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """Return the one JSON error shape."""
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """Answer an error as JSON or as a page, by what the client accepts."""
    if wants_json():
        response = jsonify(error_body(code, message, field))
    else:
        response = Response(
            render_template("errors/error.html", status=status, message=message),
            mimetype="text/html",
        )
    response.status_code = status
    return response


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


def _first_message(messages: Any, path: str = "") -> tuple[str, str | None]:
    """Flatten a webargs/marshmallow error tree into its first (message, field)."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "headers", "view_args", "files"):
                return _first_message(value, path)
            sub = f"{path}.{key}" if path else str(key)
            if key == "_schema":
                sub = path
            return _first_message(value, sub)
    if isinstance(messages, list) and messages:
        if all(isinstance(m, str) for m in messages):
            return "; ".join(messages), path or None
        return _first_message(messages[0], path)
    return str(messages), path or None


def handle_http_exception(error: HTTPException) -> Response:
    """Answer werkzeug and webargs errors in the project's shape."""
    status = error.code or 500
    code = _HTTP_CODES.get(status, "error")
    data = getattr(error, "data", None) or {}
    if status in (400, 422) and "messages" in data:
        message, field = _first_message(data["messages"])
        if field:
            message = f"{field}: {message}"
        return error_response(status, code, message, field)
    if status == 413:
        return error_response(413, code, "the request body is too large")
    if status == 429:
        return error_response(429, code, "too many attempts; wait a minute and try again")
    response = error_response(status, code, error.description or error.name)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:  # say what is allowed
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def handle_domain_error(error: DomainError) -> Response:
    """Answer a refused action with its status and message."""
    return error_response(error.status, error.code, error.message, error.field)


def handle_unexpected(error: Exception) -> Response:
    """Log the failure; tell the client only that it happened (on a full disk, to retry)."""
    if storage_full.is_storage_full(error):
        log.error("no storage space left for %s %s: %s", request.method, request.path, error)
        end_failed_transaction()
        response = error_response(503, "storage_full", storage_full.MESSAGE)
        response.headers["Retry-After"] = str(storage_full.RETRY_AFTER_S)
        return response
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal", "something went wrong on our side")


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers and security headers."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.after_request(_security_headers)
