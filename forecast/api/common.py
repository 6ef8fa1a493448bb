"""Helpers shared by the API blueprints: the caller, the error responses."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from forecast.errors import NotAuthenticated
from forecast.http.auth import bearer_user, has_bad_token
from forecast.models import User
from forecast.services.paging import Page

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
ERRORS = (400, 401, 403, 404, 409, 422)


def caller(*, required: bool = False) -> User | None:
    """Return the token's user; a malformed or unknown token is always refused."""
    user = bearer_user()
    if user is None and has_bad_token():
        raise NotAuthenticated("the API token is invalid or revoked")
    if required and user is None:
        raise NotAuthenticated("send an API token: Authorization: Bearer <token>")
    return user


def created(body: dict[str, Any]) -> Response:
    """Answer 201 with a JSON body."""
    response = jsonify(body)
    response.status_code = 201
    return response


def paged(entries: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """Cut one page out of a list, in the contract's list shape."""
    first = (args["page"] - 1) * args["per_page"]
    return {
        "items": entries[first : first + args["per_page"]],
        "page": args["page"],
        "per_page": args["per_page"],
        "total": len(entries),
    }


def page_json(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    """A page a service cut (items rendered for the reply), in the contract's list shape."""
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total}


def document_errors(blp: Any, *codes: int) -> Any:
    """Declare the error responses of an endpoint in the OpenAPI document.

    Only the document changes: the view itself is returned, not wrapped. (Each alt_response
    wraps the view in a function that does nothing but call it, and five of them cost every
    request of the endpoint about 10 us.)
    """
    from forecast.api.schemas import ApiErrorSchema

    def decorate(view: Any) -> Any:
        documented = view
        for code in codes or ERRORS:
            documented = blp.alt_response(code, schema=ApiErrorSchema, description="error")(
                documented
            )
        view._apidoc = documented._apidoc
        return view

    return decorate
