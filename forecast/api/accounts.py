"""Registration, tokens and the health check."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import created, document_errors
from forecast.api.schemas import Credentials, HealthOut, TokenOut, UserOut
from forecast.clock import format_iso
from forecast.db import get_session
from forecast.rate_limits import password_limit
from forecast.services import accounts, tokens

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens")


@bp.route("/health")
class Health(MethodView):
    @bp.response(200, HealthOut)
    def get(self) -> Response:
        """Tell a load balancer the process answers (touches nothing)."""
        return jsonify(status="ok")


@bp.route("/register")
class Register(MethodView):
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
