"""Decision boundaries: draft, commit, revise, and the threshold report."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlmodel import Session

from forecast.api.common import BEARER, caller, created, document_errors
from forecast.api.schemas import (
    CSV_DOC,
    BoundaryEventList,
    BoundaryIn,
    BoundaryOut,
    BoundaryPatch,
    LadderIn,
    ReportArgs,
    ReportOut,
    RevisionIn,
)
from forecast.api.schemas.signposts import SignpostIn, SignpostsIn
from forecast.http.report_files import report_file
from forecast.http.times import parse_optional_time
from forecast.infra.db import get_session
from forecast.models import User
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import named_signposts
from forecast.services.boundaries import report as threshold_report
from forecast.services.boundaries.views import boundary_json, recorded_events

bp = Blueprint(
    "api_boundaries", __name__, url_prefix="/api/v1/boundaries", description="Decision boundaries"
)


def _boundary_as_seen(session: Session, viewer: User | None, boundary_id: int) -> Response:
    """The boundary as this viewer may see it: the reply of a read, and of every signpost
    change (which re-reads it so the reply shows what the viewer is shown, not the raw row)."""
    boundary = service.get_boundary(session, viewer, boundary_id)
    return jsonify(boundary_json(session, boundary, viewer))


@bp.route("")
class Boundaries(MethodView):
    @bp.response(200, BoundaryOut(many=True))
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403)
    def get(self) -> Response:
        """List the boundaries you own or that are shared with you."""
        session = get_session()
        viewer = caller(required=True)
        rows = service.list_boundaries(session=session, viewer=viewer)
        return jsonify([boundary_json(session, b, viewer) for b in rows])

    @bp.arguments(BoundaryIn())
    @bp.response(201, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Draft a boundary (leaders): commit it before you look."""
        session = get_session()
        boundary = service.create_boundary(session=session, actor=caller(required=True), data=body)
        return created(boundary_json(session, boundary))


@bp.route("/ladders")
class Ladders(MethodView):
    @bp.arguments(LadderIn())
    @bp.response(201, BoundaryOut(many=True))
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Draft a ladder: boundaries on one question with rising thresholds and own actions."""
        session = get_session()
        steps = body.pop("steps")
        rows = service.create_ladder(
            session=session, actor=caller(required=True), common=body, steps=steps
        )
        response = jsonify([boundary_json(session, b) for b in rows])
        response.status_code = 201
        return response


@bp.route("/report")
class Report(MethodView):
    @bp.arguments(ReportArgs(), location="query")
    @bp.response(200, ReportOut(many=True))
    @bp.doc(security=BEARER, responses={200: CSV_DOC})
    @document_errors(bp, 401, 403, 404, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """The threshold report: crossed boundaries first, then by distance to the threshold."""
        session = get_session()
        rows = threshold_report.report(
            session=session,
            viewer=caller(required=True),
            at=parse_optional_time(args.get("at"), "at"),
            owner=args.get("owner"),
            tournament=args.get("tournament"),
            verdict=args.get("verdict"),
            team=args.get("team"),
        )
        as_csv = args.get("format") == "csv" or request.accept_mimetypes.best == "text/csv"
        return report_file(rows, "csv" if as_csv else "json", attachment=False)


@bp.route("/<int:boundary_id>")
class BoundaryDetail(MethodView):
    @bp.response(200, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def get(self, boundary_id: int) -> Response:
        """Read a boundary with all its versions."""
        session = get_session()
        viewer = caller(required=True)
        return _boundary_as_seen(session, viewer, boundary_id)

    @bp.response(204)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409)
    def delete(self, boundary_id: int) -> Response:
        """Delete a draft (a committed boundary stays on record: revise it)."""
        service.delete_draft(
            session=get_session(), actor=caller(required=True), boundary_id=boundary_id
        )
        return Response(status=204)

    @bp.arguments(BoundaryPatch())
    @bp.response(200, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def patch(self, body: dict[str, Any], boundary_id: int) -> Response:
        """Edit a draft (a committed boundary never changes: revise it)."""
        session = get_session()
        boundary = service.update_draft(
            session=session, actor=caller(required=True), boundary_id=boundary_id, data=body
        )
        return jsonify(boundary_json(session, boundary))


@bp.route("/<int:boundary_id>/commit")
class Commit(MethodView):
    @bp.response(200, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 403, 404, 409)
    def post(self, boundary_id: int) -> Response:
        """Commit a draft, with the other drafts of its ladder: each gets a commit time and a
        content hash, and is final."""
        session = get_session()
        boundary, _ = service.commit_boundary(
            session=session, actor=caller(required=True), boundary_id=boundary_id
        )
        return jsonify(boundary_json(session, boundary))


@bp.route("/<int:boundary_id>/revisions")
class Revisions(MethodView):
    @bp.arguments(RevisionIn())
    @bp.response(201, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], boundary_id: int) -> Response:
        """Commit a new version of a committed boundary, with a reason."""
        session = get_session()
        boundary, _ = service.revise_boundary(
            session=session, actor=caller(required=True), boundary_id=boundary_id, data=body
        )
        return created(boundary_json(session, boundary))


@bp.route("/<int:boundary_id>/signposts")
class Signposts(MethodView):
    @bp.arguments(SignpostsIn())
    @bp.response(200, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def put(self, body: dict[str, Any], boundary_id: int) -> Response:
        """Name exactly these conditional pairs as the boundary's signposts (its owner; all or
        none). Not part of the committed content: it changes at any time, on record."""
        session = get_session()
        viewer = caller(required=True)
        named_signposts.set_signposts(
            session=session, actor=viewer, boundary_id=boundary_id, items=body["signposts"]
        )
        return _boundary_as_seen(session, viewer, boundary_id)

    @bp.arguments(SignpostIn())
    @bp.response(200, BoundaryOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], boundary_id: int) -> Response:
        """Name one more conditional pair as a signpost (its owner)."""
        session = get_session()
        viewer = caller(required=True)
        named_signposts.add_signpost(
            session=session, actor=viewer, boundary_id=boundary_id, item=body
        )
        return _boundary_as_seen(session, viewer, boundary_id)


@bp.route("/<int:boundary_id>/signposts/<string:condition>")
class Signpost(MethodView):
    @bp.response(200, BoundaryOut)
    @bp.doc(
        security=BEARER,
        parameters=[
            {
                "in": "query",
                "name": "outcome",
                "schema": {"type": "string"},
                "description": "the pair's outcome, id or key, when not the boundary's question",
            }
        ],
    )
    @document_errors(bp, 401, 403, 404, 409, 422)
    def delete(self, boundary_id: int, condition: str) -> Response:
        """Stop naming a pair as a signpost (its owner); the record of it stays."""
        session = get_session()
        viewer = caller(required=True)
        named_signposts.remove_signpost(
            session=session,
            actor=viewer,
            boundary_id=boundary_id,
            item={"condition": condition, "outcome": request.args.get("outcome")},
        )
        return _boundary_as_seen(session, viewer, boundary_id)


@bp.route("/<int:boundary_id>/events")
class Events(MethodView):
    @bp.response(200, BoundaryEventList)
    @bp.doc(security=BEARER)
    @document_errors(bp, 401, 404)
    def get(self, boundary_id: int) -> Response:
        """List the boundary's recorded changes of state (crossings), oldest first."""
        session = get_session()
        viewer = caller(required=True)
        boundary = service.get_boundary(session, viewer, boundary_id)
        items, hidden = recorded_events(session, boundary, viewer)
        return jsonify(items=items, hidden=hidden)
