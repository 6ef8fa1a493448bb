"""Admin pages: users, their roles and their API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.db import get_session
from forecast.errors import DomainError
from forecast.models import Role
from forecast.services import accounts, tokens
from forecast.web.common import flash_error, login_required, me

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@login_required
def users() -> str:
    """List users with a role selector and their live API tokens."""
    if not me().has_role(Role.ADMIN):
        abort(403)
    session = get_session()
    return render_template(
        "admin/users.html",
        users=accounts.list_users(session=session),
        roles=[r.value for r in Role],
        live_tokens=tokens.live_token_counts(session=session),
    )


@bp.route("/users/<username>/role", methods=["POST"])
@login_required
def set_role(username: str) -> Response:
    """Change a user's role."""
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
    return redirect(url_for("admin.users"))


@bp.route("/users/<username>/tokens/revoke", methods=["POST"])
@login_required
def revoke_tokens(username: str) -> Response:
    """Revoke every live API token of a user."""
    try:
        count = tokens.revoke_user_tokens(session=get_session(), actor=me(), username=username)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        flash_error(exc)
    else:
        plural = "" if count == 1 else "s"
        flash(f"Revoked {count} API token{plural} of {username}.", "success")
    return redirect(url_for("admin.users"))
