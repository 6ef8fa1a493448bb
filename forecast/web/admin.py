"""Admin pages: users, their roles and their API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError
from forecast.infra.db import get_session
from forecast.models import Role
from forecast.services.accounts import tokens
from forecast.services.accounts import users as accounts
from forecast.services.paging import page_number
from forecast.web.common import flash_error, login_required, me

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@login_required
def users() -> str:
    """Find users by name and role; change their role or revoke their API tokens."""
    if not me().has_role(Role.ADMIN):
        abort(403)
    session = get_session()
    text = request.args.get("q", "")[:40]
    role = request.args.get("role", "")
    number = page_number(request.args.get("page"))
    try:
        found = accounts.search_users(
            session=session, actor=me(), text=text, role=role, page=number
        )
    except DomainError as exc:
        flash_error(exc)
        role = ""
        found = accounts.search_users(session=session, actor=me(), text=text, page=number)
    return render_template(
        "admin/users.html",
        page=found,
        text=text,
        role=role,
        roles=[r.value for r in Role],
        live_tokens=tokens.live_token_counts(session=session),
    )


@bp.route("/users/<username>/role", methods=["POST"])
@login_required
def set_role(username: str) -> Response:
    """Change a user's role (which logs them out everywhere)."""
    try:
        accounts.set_role(
            session=get_session(), actor=me(), username=username, role=request.form.get("role", "")
        )
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        flash_error(exc)
    else:
        flash(f"{username} is now {request.form.get('role')}.", "success")
    return redirect(_back_to_list())


@bp.route("/users/<username>/tokens/revoke", methods=["POST"])
@login_required
def revoke_tokens(username: str) -> Response:
    """Revoke every live API token of a user and log them out everywhere."""
    try:
        count = tokens.revoke_user_tokens(session=get_session(), actor=me(), username=username)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        flash_error(exc)
    else:
        plural = "" if count == 1 else "s"
        revoked = f"Revoked {count} API token{plural} of {username}. " if count else ""
        flash(f"{revoked}{username} is logged out everywhere.", "success")
    return redirect(_back_to_list())


def _back_to_list() -> str:
    """The users page as the admin left it: the same filters and page."""
    kept: dict[str, Any] = {}
    for name in ("q", "role", "page"):
        value = request.form.get(f"back_{name}", "")[:40]
        if value:
            kept[name] = value
    return url_for("admin.users", **kept)
