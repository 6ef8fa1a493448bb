"""Conventions every operation of the OpenAPI document follows, applied in one place.

Each operation gets an `operationId` named after its endpoint, and the error responses that its
shape implies, in the one error shape (`ApiError`):

| status | documented on |
|---|---|
| 400 | operations with a JSON body (the body is not JSON) |
| 401 | operations that take a token (`security`): none, or an invalid or revoked one |
| 404 | operations with a path parameter: nothing there, or nothing you may see |
| 413 | operations with a body (larger than the app's MAX_CONTENT_LENGTH) |
| 422 | operations with a body or query arguments: a field is invalid |
| 429 | operations of a rate-limited view (forecast/http/rate_limits.py), for its methods |
| 503 | state-changing operations: the server's storage is full (with `Retry-After`) |

403 and 409 depend on what a service refuses, so the endpoints declare them themselves (with
`document_errors`); whatever they declare is kept, with the standard wording below.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import fields

from forecast.api.schemas.shapes import ShapedDict
from forecast.http.rate_limits import password_limit

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
WRITES = ("put", "post", "patch", "delete")
ERROR_REF = {"$ref": "#/components/schemas/ApiError"}

DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "No API token, or an invalid or revoked one (Authorization: Bearer <token>).",
    403: "Your role does not allow this.",
    404: "Nothing with this identifier, or nothing you may see.",
    409: "The action conflicts with the current state (already done, closed, committed...).",
    413: "The request body is larger than the server accepts.",
    422: "A field is invalid: `error.field` names it and `error.message` says why.",
    429: "Too many attempts from this address: wait a minute and try again.",
    503: "The server's storage is full: nothing was stored; retry after `Retry-After` seconds.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}


def operation_id(endpoint: str, method: str) -> str:
    """Name an operation after its Flask endpoint: `api_boundaries.BoundaryDetail` + patch ->
    `boundaries_BoundaryDetail_patch` (unique, as Flask's endpoints are)."""
    blueprint, _, view = endpoint.rpartition(".")
    blueprint = blueprint.removeprefix("api_")
    return f"{blueprint}_{view}_{method}" if blueprint else f"{view}_{method}"


def limited_methods(view: Any) -> tuple[str, ...]:
    """Return the methods a view's rate limit applies to (none when it has none)."""
    decorators = getattr(getattr(view, "view_class", None), "decorators", ())
    if password_limit in decorators:
        return tuple(m.lower() for m in password_limit.methods or HTTP_METHODS)
    return ()


def implied_errors(
    path: str, method: str, operation: dict[str, Any], limited: tuple[str, ...]
) -> set[int]:
    """Return the error statuses an operation's shape implies (see the module's table)."""
    codes: set[int] = set()
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    has_query = any(isinstance(p, dict) and p.get("in") == "query" for p in parameters)
    if has_body:
        codes |= {400, 413, 422}
    if has_query:
        codes.add(422)
    if operation.get("security"):
        codes.add(401)
    if "{" in path:
        codes.add(404)
    if method in limited:
        codes.add(429)
    if method in WRITES:
        codes.add(503)
    return codes


def error_response(status: int) -> dict[str, Any]:
    """Return the documented response of one error status."""
    response: dict[str, Any] = {
        "description": DESCRIPTIONS.get(status, "Error."),
        "content": {"application/json": {"schema": dict(ERROR_REF)}},
    }
    if status in (429, 503):
        response["headers"] = dict(RETRY_AFTER)
    return response


def shaped_dict(
    converter: Any, field: fields.Field, ret: dict[str, Any], **_: Any
) -> dict[str, Any]:
    """Document a ShapedDict as its shape (it is loaded as a plain object)."""
    if not isinstance(field, ShapedDict):
        return {}
    ret.pop("type", None)
    ret.pop("additionalProperties", None)
    return {"allOf": [converter.resolve_nested_schema(field.shape)]}


class ConventionsPlugin(BasePlugin):
    """apispec plugin: operationIds and the implied error responses on every operation, and
    the shapes of ShapedDict fields."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def init_spec(self, spec: APISpec) -> None:
        """Teach the marshmallow plugin's converter to draw ShapedDict fields."""
        super().init_spec(spec)
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin) and plugin.converter is not None:
                plugin.converter.add_attribute_function(shaped_dict)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        """Complete each operation of a path as it is added to the document."""
        rule = kwargs.get("rule")
        if rule is None or not operations or path is None:
            return
        view = self.app.view_functions.get(rule.endpoint)
        limited = limited_methods(view)
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            operation.setdefault("operationId", operation_id(rule.endpoint, method))
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if str(code).isdigit()}
            for status in sorted(declared | implied_errors(path, method, operation, limited)):
                if status < 400:
                    continue
                current = responses.get(str(status), responses.get(status))
                if current is None or current.get("description") in ("error", "", None):
                    responses.pop(status, None)
                    responses[str(status)] = error_response(status)
