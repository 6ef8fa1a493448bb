"""Teams: private workspaces, their members and invitation links."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlmodel import Session

from forecast.api.common import BEARER, caller, created, document_errors
from forecast.api.schemas.teams import (
    InviteOut,
    JoinIn,
    MemberIn,
    MemberOut,
    TeamIn,
    TeamList,
    TeamOut,
)
from forecast.infra.clock import format_iso
from forecast.infra.db import get_session
from forecast.models import User
from forecast.services.teams import invitations, membership
from forecast.services.teams.views import team_view

bp = Blueprint("api_teams", __name__, url_prefix="/api/v1/teams", description="Teams")


def _member(m: membership.Membership) -> dict[str, Any]:
    return {"username": m.username, "role": m.role, "joined_at": format_iso(m.joined_at)}


def _team(session: Session, viewer: User | None, slug: str) -> dict[str, Any]:
    """The team as this viewer sees it: the reply of a read, a creation and a join."""
    view = team_view(session=session, viewer=viewer, slug=slug)
    return {
        "slug": view.team.slug,
        "name": view.team.name,
        "role": view.role,
        "members": [_member(m) for m in view.members],
        "tournaments": [t.slug for t in view.tournaments],
    }


@bp.route("")
class Teams(MethodView):
    @bp.response(200, TeamList)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401)
    def get(self) -> Response:
        """The teams you belong to, with your role in each."""
        viewer = caller(required=True)
        rows = membership.my_teams(session=get_session(), viewer=viewer)
        return jsonify({"items": [{"slug": t.slug, "name": t.name, "role": r} for t, r in rows]})

    @bp.arguments(TeamIn())
    @bp.response(201, TeamOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 409, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Create a team; you become its owner."""
        session = get_session()
        actor = caller(required=True)
        team = membership.create_team(
            session=session, actor=actor, slug=body["slug"], name=body["name"]
        )
        return created(_team(session, actor, team.slug))


@bp.route("/<slug>")
class TeamDetail(MethodView):
    @bp.response(200, TeamOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def get(self, slug: str) -> Response:
        """A team with its members and private tournaments (members only; 404 otherwise)."""
        return jsonify(_team(get_session(), caller(required=True), slug))


@bp.route("/<slug>/members")
class Members(MethodView):
    @bp.arguments(MemberIn())
    @bp.response(201, MemberOut)
    @bp.alt_response(200, schema=MemberOut, description="an existing member's role changed")
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], slug: str) -> Response:
        """Add a person by name, or change a member's role (team owners)."""
        member, new = membership.add_member(
            session=get_session(),
            actor=caller(required=True),
            slug=slug,
            username=body["username"],
            role=body.get("role"),
        )
        return created(_member(member)) if new else jsonify(_member(member))


@bp.route("/<slug>/members/<username>")
class Member(MethodView):
    @bp.response(204)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409)
    def delete(self, slug: str, username: str) -> Response:
        """Remove a member (team owners), or leave (your own name); the last owner stays."""
        membership.remove_member(
            session=get_session(), actor=caller(required=True), slug=slug, username=username
        )
        return Response(status=204)


@bp.route("/<slug>/invite")
class Invite(MethodView):
    @bp.response(201, InviteOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404)
    def post(self, slug: str) -> Response:
        """Make a new invitation link (the previous one stops working); team owners."""
        token = invitations.create_invite_link(
            session=get_session(), actor=caller(required=True), slug=slug
        )
        return created({"token": token, "path": f"/teams/join/{token}"})

    @bp.response(204)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404)
    def delete(self, slug: str) -> Response:
        """End the invitation link; team owners."""
        invitations.revoke_invite_link(
            session=get_session(), actor=caller(required=True), slug=slug
        )
        return Response(status=204)


@bp.route("/join")
class Join(MethodView):
    @bp.arguments(JoinIn())
    @bp.response(200, TeamOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 404, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Join the team of an invitation token as a member."""
        session = get_session()
        actor = caller(required=True)
        team = invitations.join_by_link(session=session, actor=actor, token=body["token"])
        return jsonify(_team(session, actor, team.slug))
