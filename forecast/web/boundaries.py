"""Decision-boundary pages: set them, commit them, revise them, read the threshold report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import col, select
from werkzeug.wrappers import Response

from forecast import boundaries as rules
from forecast.db import get_session
from forecast.errors import DomainError, NotFound
from forecast.models import Question, QuestionStatus, Role
from forecast.question_times import parse_optional_time
from forecast.services import boundaries as service
from forecast.services import threshold_report
from forecast.services.boundary_views import boundary_json, recorded_events
from forecast.web.boundary_charts import probability_path_chart
from forecast.web.common import flash_error, login_required, me
from forecast.web.question_aggregate import METHOD_LABELS

bp = Blueprint("boundaries", __name__, url_prefix="/boundaries")


def _leader() -> None:
    if not me().has_role(Role.LEADER):
        abort(403)


def _event_from_form(form: Any) -> dict[str, Any]:
    kind = form.get("event_kind", "yes")
    event: dict[str, Any] = {"kind": kind}
    if kind == "before":
        event["date"] = (form.get("event_date") or "") + "T00:00:00Z"
    elif kind == "within":
        event["years"] = _number(form.get("event_years"))
    elif kind in ("at_least", "at_most"):
        event["value"] = _number(form.get("event_value"))
    return event


def _number(raw: str | None) -> Any:
    try:
        return float((raw or "").replace(",", ""))
    except ValueError:
        return raw


def _percent(raw: str | None) -> Any:
    value = _number((raw or "").rstrip("%"))
    return value / 100.0 if isinstance(value, float) else value


def _open_questions() -> list[Question]:
    statuses = [
        QuestionStatus.OPEN.value,
        QuestionStatus.UPCOMING.value,
        QuestionStatus.CLOSED.value,
    ]
    return list(
        get_session().exec(
            select(Question).where(col(Question.status).in_(statuses)).order_by(col(Question.title))
        )
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> str | Response:
    """List my boundaries; draft a boundary or a whole ladder."""
    _leader()
    session = get_session()
    if request.method == "POST":
        form = request.form
        common = {
            "question": form.get("question"),  # an id or a key: the service tells them apart
            "event": _event_from_form(form),
            "comparator": form.get("comparator", ">="),
            "method": form.get("method") or None,
            "blind": bool(form.get("blind")),
            "shared": bool(form.get("shared")),
            "hysteresis": _percent(form.get("hysteresis") or "0"),
        }
        steps = []
        for i in range(1, 7):
            threshold, action = form.get(f"threshold_{i}"), form.get(f"action_{i}")
            if (threshold or "").strip() or (action or "").strip():
                steps.append(
                    {
                        "threshold": _percent(threshold),
                        "action": action or "",
                        "rationale": form.get(f"rationale_{i}") or "",
                    }
                )
        try:
            if len(steps) == 1:
                created = [
                    service.create_boundary(
                        session=session, actor=me(), data={**common, **steps[0]}
                    )
                ]
            else:
                created = service.create_ladder(
                    session=session,
                    actor=me(),
                    common={**common, "ladder": form.get("ladder") or None},
                    steps=steps,
                )
        except DomainError as exc:
            flash_error(exc)
        else:
            flash(
                f"Drafted {len(created)} boundar{'y' if len(created) == 1 else 'ies'}. "
                "Commit before you look.",
                "success",
            )
            return redirect(url_for("boundaries.index"))
    rows = [
        boundary_json(session, b) for b in service.list_boundaries(session=session, viewer=me())
    ]
    suggestion = None
    cost, loss = request.args.get("cost"), request.args.get("loss")
    if cost and loss:
        try:
            suggestion = rules.threshold_from_costs(float(cost), float(loss))
        except (ValueError, rules.BoundaryError) as exc:
            flash(getattr(exc, "message", str(exc)), "error")
    return render_template(
        "boundaries/index.html",
        rows=rows,
        questions=_open_questions(),
        methods=METHOD_LABELS,
        suggestion=suggestion,
    )


@bp.route("/<int:boundary_id>")
@login_required
def detail(boundary_id: int) -> str:
    """Show a boundary, its versions, its crossings, and the commit or revise form."""
    _leader()
    session = get_session()
    try:
        boundary = service.get_boundary(session, me(), boundary_id)
    except NotFound:
        abort(404)
    status = threshold_report.boundary_status(session=session, viewer=me(), boundary_id=boundary_id)
    if status is not None:
        status["chart"] = probability_path_chart(
            status.get("path") or [], status["threshold"], status.get("committed_at"), large=True
        )
    return render_template(
        "boundaries/detail.html",
        b=boundary_json(session, boundary),
        now=status,
        events=recorded_events(session, boundary, me())[0],
        mine=boundary.owner_id == me().id,
        methods=METHOD_LABELS,
    )


@bp.route("/<int:boundary_id>/commit", methods=["POST"])
@login_required
def commit(boundary_id: int) -> Response:
    """Commit a draft."""
    try:
        service.commit_boundary(session=get_session(), actor=me(), boundary_id=boundary_id)
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Committed. This version will never change; the report now tracks it.", "success")
    return redirect(url_for("boundaries.detail", boundary_id=boundary_id))


@bp.route("/<int:boundary_id>/revise", methods=["POST"])
@login_required
def revise(boundary_id: int) -> Response:
    """Commit a new version with a reason."""
    data: dict[str, Any] = {"reason": request.form.get("reason", "")}
    if (request.form.get("threshold") or "").strip():
        data["threshold"] = _percent(request.form.get("threshold"))
    if (request.form.get("action") or "").strip():
        data["action"] = request.form["action"]
    try:
        service.revise_boundary(
            session=get_session(), actor=me(), boundary_id=boundary_id, data=data
        )
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Revision committed; earlier versions stay on record.", "success")
    return redirect(url_for("boundaries.detail", boundary_id=boundary_id))


@bp.route("/report")
@login_required
def report() -> str:
    """The threshold report, for the screen and for print."""
    _leader()
    session = get_session()
    error = None
    rows: list[dict[str, Any]] = []
    try:
        rows = threshold_report.report(
            session=session,
            viewer=me(),
            at=parse_optional_time(request.args.get("at"), "at"),
            owner=request.args.get("owner") or None,
            tournament=request.args.get("tournament") or None,
            verdict=request.args.get("verdict") or None,
        )
    except DomainError as exc:
        error = exc.message
    for row in rows:
        row["chart"] = probability_path_chart(
            row.get("path") or [], row["threshold"], row.get("committed_at")
        )
    return render_template(
        "boundaries/report.html", rows=rows, error=error, args=request.args, methods=METHOD_LABELS
    )
