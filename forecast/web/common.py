"""Helpers shared by the page blueprints."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlparse

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError
from forecast.http.auth import web_user
from forecast.models import User

F = TypeVar("F", bound=Callable[..., Any])


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, then back."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if web_user() is None:
            flash("Log in to continue.", "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def me() -> User:
    """Return the logged-in user (only inside login_required views)."""
    user = web_user()
    assert user is not None
    return user


def safe_next(target: str | None, default: str) -> str:
    """Return target if it is a local path, else default (no open redirects)."""
    if target:
        parsed = urlparse(target)
        if (
            not parsed.scheme
            and not parsed.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return default


def flash_error(error: DomainError) -> None:
    """Show a refused action's message on the next page; a missing role is a 403 page."""
    if error.status == 403:
        # Not a mistake the form can fix: the same answer the API and role-checked pages give.
        abort(403)
    # Messages name their field in words; the field's code name would say it twice.
    flash(error.message, "error")


def back(default: str) -> Response:
    """Redirect to the referring page when it is ours, else to default."""
    return redirect(
        safe_next(
            request.form.get("next") or (request.referrer and urlparse(request.referrer).path),
            default,
        )
    )
