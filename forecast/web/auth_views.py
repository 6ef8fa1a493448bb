"""Log in, register, log out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from forecast.errors import DomainError
from forecast.http.auth import web_user
from forecast.http.rate_limits import password_limit
from forecast.infra.db import get_session
from forecast.services.accounts import logins
from forecast.services.accounts import users as accounts
from forecast.web.common import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@password_limit
def login() -> str | Response:
    """Show the login form and log the user in."""
    error = None
    if request.method == "POST":
        try:
            user = accounts.authenticate(
                session=get_session(),
                username=request.form.get("username", ""),
                password=request.form.get("password", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            login_user(user, remember=bool(request.form.get("remember")))
            flash(f"Welcome back, {user.username}.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    status = 401 if error else 200
    return render_template(
        "auth/login.html", error=error, username=request.form.get("username", "")
    ), status  # type: ignore[return-value]


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    """Show the registration form and create a forecaster account."""
    error = None
    field = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            error, field = "the two passwords differ", "confirm"
        else:
            try:
                user = accounts.register(
                    session=get_session(),
                    username=request.form.get("username", ""),
                    password=password,
                )
            except DomainError as exc:
                error, field = exc.message, exc.field
            else:
                login_user(user)
                flash(f"Welcome, {user.username}! Start with an open question below.", "success")
                return redirect(url_for("pages.home"))
    status = 422 if error else 200
    return render_template(
        "auth/register.html", error=error, field=field, username=request.form.get("username", "")
    ), status  # type: ignore[return-value]


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Log out of every browser (a POST, so another site cannot do it for you)."""
    user = web_user()
    if user is not None:
        # A copied session or remember cookie must not outlive the logout.
        logins.end_logins(session=get_session(), user=user)
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("pages.home"))
