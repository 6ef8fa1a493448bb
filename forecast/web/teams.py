"""Team pages: your teams, a team's members and invitation link, joining by a link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError, NotFound
from forecast.infra.db import get_session
from forecast.services.teams import invitations, membership
from forecast.services.teams.views import team_view
from forecast.web.common import login_required, me

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> tuple[str, int] | Response:
    """List your teams and create one."""
    session = get_session()
    error = None
    if request.method == "POST":
        try:
            team = membership.create_team(
                session=session,
                actor=me(),
                slug=request.form.get("slug", ""),
                name=request.form.get("name", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            flash("Team created. You are its owner.", "success")
            return redirect(url_for("teams.detail", slug=team.slug))
    teams = membership.my_teams(session=session, viewer=me())
    page = render_template("teams/index.html", teams=teams, error=error, form=request.form)
    return page, 422 if error else 200


@bp.route("/<slug>")
@login_required
def detail(slug: str) -> str:
    """Show a team to its members: members and roles, invitation link, private tournaments."""
    try:
        view = team_view(session=get_session(), viewer=me(), slug=slug)
    except NotFound:
        abort(404)
    return render_template(
        "teams/detail.html", view=view, roles=membership.ROLES, error=None, form={}
    )


def _back(slug: str) -> Response:
    return redirect(url_for("teams.detail", slug=slug))


@bp.route("/<slug>/members", methods=["POST"])
@login_required
def add_member(slug: str) -> tuple[str, int] | Response:
    """Add a person by name or change a member's role (owners)."""
    session = get_session()
    try:
        member, new = membership.add_member(
            session=session,
            actor=me(),
            slug=slug,
            username=request.form.get("username", ""),
            role=request.form.get("role") or None,
        )
    except DomainError as exc:
        return _with_error(slug, exc)
    flash(f"{member.username} is {'now a' if new else 'now'} {member.role}.", "success")
    return _back(slug)


def _with_error(slug: str, error: DomainError) -> tuple[str, int]:
    """The team page again with the refusal; a team the actor may not see is a 404 instead (a
    page would confirm that it exists), while a missing member is said on the page."""
    if isinstance(error, NotFound) and error.field == "team":
        abort(404)
    view = team_view(session=get_session(), viewer=me(), slug=slug)
    page = render_template(
        "teams/detail.html", view=view, roles=membership.ROLES, error=error, form=request.form
    )
    return page, 403 if error.status == 403 else 422


@bp.route("/<slug>/members/<username>/remove", methods=["POST"])
@login_required
def remove_member(slug: str, username: str) -> tuple[str, int] | Response:
    """Remove a member (owners) or leave (yourself)."""
    try:
        membership.remove_member(session=get_session(), actor=me(), slug=slug, username=username)
    except DomainError as exc:
        return _with_error(slug, exc)
    if username == me().username:
        flash("You left the team.", "success")
        return redirect(url_for("teams.index"))
    flash(f"{username} was removed from the team.", "success")
    return _back(slug)


@bp.route("/<slug>/invite", methods=["POST"])
@login_required
def invite(slug: str) -> tuple[str, int] | Response:
    """Make a new invitation link, or end it (owners)."""
    try:
        if request.form.get("action") == "revoke":
            invitations.revoke_invite_link(session=get_session(), actor=me(), slug=slug)
            flash("The invitation link no longer works.", "success")
        else:
            invitations.create_invite_link(session=get_session(), actor=me(), slug=slug)
            flash("New invitation link made; the previous one no longer works.", "success")
    except NotFound:
        abort(404)
    except DomainError as exc:
        return _with_error(slug, exc)
    return _back(slug)


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def join(token: str) -> str | Response:
    """Show whose team an invitation is for, and join it."""
    session = get_session()
    try:
        team = invitations.invited_team(session=session, token=token)
    except NotFound:
        abort(404)
    if request.method == "POST":
        invitations.join_by_link(session=session, actor=me(), token=token)
        flash(f"You joined {team.name}.", "success")
        return redirect(url_for("teams.detail", slug=team.slug))
    return render_template("teams/join.html", team=team, token=token)
