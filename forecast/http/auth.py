"""Who is calling: a bearer token for the API, a login session for the web."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import LoginManager, current_user

from forecast.infra.db import get_session
from forecast.models import User
from forecast.services.accounts.logins import user_of_login
from forecast.services.accounts.tokens import token_owner

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to continue."
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(login_id: str) -> User | None:
    # Every request with a session or remember cookie: an ended login names no one.
    return user_of_login(session=get_session(), login_id=login_id)


def bearer_token() -> str:
    """Return the secret the request sent as its bearer token ("" without one)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _bearer() -> tuple[int, User] | None:
    """The id and owner of the request's live bearer token, looked up once per request."""
    if "bearer" not in g:
        token = bearer_token()
        g.bearer = token_owner(session=get_session(), token=token) if token else None
    found: tuple[int, User] | None = g.bearer
    return found


def bearer_user() -> User | None:
    """Return the user of the request's bearer token (None without a valid one)."""
    found = _bearer()
    return found[1] if found else None


def bearer_token_id() -> int | None:
    """Return the id of the request's bearer token (None without a valid one)."""
    found = _bearer()
    return found[0] if found else None


def has_bad_token() -> bool:
    """Tell whether the request sent an Authorization header that names no live token."""
    return bool(request.headers.get("Authorization")) and bearer_user() is None


def web_user() -> User | None:
    """Return the logged-in user of the web session (None when anonymous)."""
    if current_user and current_user.is_authenticated:
        user: User = current_user._get_current_object()
        return user
    return None


def init_app(app: Flask) -> None:
    """Attach the login manager."""
    login_manager.init_app(app)
