"""The user's own account: API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError
from forecast.infra.db import get_session
from forecast.services.accounts import tokens
from forecast.web.common import flash_error, login_required, me

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("")
@login_required
def index() -> str:
    """Show the user's API tokens."""
    return _account_page()


def _account_page(new_token: str | None = None) -> str:
    session = get_session()
    return render_template(
        "account/index.html",
        tokens=tokens.list_tokens(session=session, user=me()),
        new_token=new_token,
    )


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token() -> str:
    """Create an API token and show it once."""
    secret = tokens.create_token(
        session=get_session(), user=me(), label=request.form.get("label", "web")[:100]
    )
    return _account_page(new_token=secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    """Revoke one of the user's tokens."""
    try:
        token = tokens.revoke_token(session=get_session(), user=me(), token_id=token_id)
    except DomainError as exc:
        flash_error(exc)
    else:
        name = f"“{token.label}”" if token.label else f"{token.id}"
        flash(f"Token {name} is revoked: scripts using it are now refused.", "success")
    return redirect(url_for("account.index"))


@bp.route("/tokens/revoke-all", methods=["POST"])
@login_required
def revoke_all_tokens() -> Response:
    """Revoke every live token of the user."""
    count = tokens.revoke_tokens(session=get_session(), user=me())
    flash(f"Revoked {count} token{'' if count == 1 else 's'}.", "success")
    return redirect(url_for("account.index"))
