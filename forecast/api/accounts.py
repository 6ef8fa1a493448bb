"""Registration, tokens and the health check."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import BEARER, caller, created, document_errors, paged
from forecast.api.schemas import (
    Credentials,
    HealthOut,
    PageArgs,
    RevokedOut,
    TokenInfo,
    TokenOut,
    TokenPage,
    UserOut,
)
from forecast.http.auth import bearer_token_id
from forecast.http.rate_limits import password_limit
from forecast.infra.clock import format_iso
from forecast.infra.db import get_session
from forecast.models import ApiToken
from forecast.services.accounts import tokens
from forecast.services.accounts import users as accounts

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens")


@bp.route("/health")
class Health(MethodView):
    @bp.response(200, HealthOut)
    def get(self) -> Response:
        """Tell a load balancer the process answers (touches nothing)."""
        return jsonify(status="ok")


@bp.route("/register")
class Register(MethodView):
    # Each registration hashes a password: as costly as a login, so limited like one.
    decorators = [password_limit]

    @bp.arguments(Credentials())
    @bp.response(201, UserOut)
    @document_errors(bp, 400, 409, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Create a forecaster account."""
        user = accounts.register(
            session=get_session(), username=body["username"], password=body["password"]
        )
        return created(
            {
                "id": user.id,
                "username": user.username,
                "role": user.role,
                "created_at": format_iso(user.created_at),
            }
        )


@bp.route("/tokens")
class Tokens(MethodView):
    decorators = [password_limit]

    @bp.arguments(Credentials())
    @bp.response(201, TokenOut)
    @document_errors(bp, 400, 401, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Exchange a username and password for a new API token (shown once)."""
        session = get_session()
        user = accounts.authenticate(
            session=session, username=body["username"], password=body["password"]
        )
        secret = tokens.create_token(session=session, user=user, label=body.get("label", "api"))
        return created({"token": secret, "username": user.username})

    @bp.arguments(PageArgs(), location="query")
    @bp.response(200, TokenPage)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """List the caller's tokens, live and revoked, newest first (never their secrets)."""
        user = caller(required=True)
        assert user is not None
        session = get_session()
        current = bearer_token_id()
        entries = [token_info(t, current) for t in tokens.list_tokens(session=session, user=user)]
        return jsonify(paged(entries, args))

    @bp.response(200, RevokedOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def delete(self) -> Response:
        """Revoke every live token of the caller, the one this request uses included."""
        user = caller(required=True)
        assert user is not None
        return jsonify(revoked=tokens.revoke_tokens(session=get_session(), user=user))


@bp.route("/tokens/<int:token_id>")
class OneToken(MethodView):
    @bp.response(200, TokenInfo)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def delete(self, token_id: int) -> Response:
        """Revoke one of the caller's tokens; revoking it again changes nothing."""
        user = caller(required=True)
        assert user is not None
        current = bearer_token_id()
        token = tokens.revoke_token(session=get_session(), user=user, token_id=token_id)
        return jsonify(token_info(token, current))


@bp.route("/tokens/current")
class CurrentToken(MethodView):
    @bp.response(200, TokenInfo)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def delete(self) -> Response:
        """Revoke the token this request is sent with (a script signing out)."""
        user = caller(required=True)
        current = bearer_token_id()
        assert user is not None and current is not None
        token = tokens.revoke_token(session=get_session(), user=user, token_id=current)
        return jsonify(token_info(token, current))


def token_info(token: ApiToken, current_id: int | None) -> dict[str, Any]:
    """Describe a token as the API shows it: everything but the secret."""
    return {
        "id": token.id,
        "label": token.label,
        "hint": token.hint,
        "created_at": format_iso(token.created_at),
        "revoked_at": format_iso(token.revoked_at) if token.revoked_at else None,
        "current": token.id == current_id,
    }
