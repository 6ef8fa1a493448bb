"""Decision-boundary pages: set them, commit them, revise them, read the threshold report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.core.aggregation.methods import METHOD_LABELS
from forecast.core.boundaries import rules
from forecast.errors import DomainError, NotFound
from forecast.http.report_files import report_file
from forecast.http.times import parse_optional_time
from forecast.infra.db import get_session
from forecast.models import Role
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import named_signposts
from forecast.services.boundaries import report as threshold_report
from forecast.services.boundaries.decision_record import decision_record
from forecast.services.boundaries.views import boundary_json, recorded_events
from forecast.services.methods.trust import panel as trust_panel
from forecast.services.questions.views import boundary_questions
from forecast.services.teams.membership import my_teams
from forecast.web.boundary_charts import probability_path_chart
from forecast.web.common import flash_error, login_required, me

bp = Blueprint("boundaries", __name__, url_prefix="/boundaries")
LADDER_ROWS = 4


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
    elif kind == "option":
        event["option"] = (form.get("event_option") or "").strip()
    return event


def _number(raw: str | None) -> Any:
    try:
        return float((raw or "").replace(",", ""))
    except ValueError:
        return raw


def _percent(raw: str | None) -> Any:
    value = _number((raw or "").rstrip("%"))
    return value / 100.0 if isinstance(value, float) else value


FORM_DEFAULTS = {"comparator": ">=", "event_kind": "yes", "blind": "on", "min_forecasters": "3"}


def _form_field(field: str | None) -> str:
    """Return the form input a service error's field names (the first rung for step fields)."""
    if not field:
        return ""
    if field.startswith("event."):
        return "event_" + field.split(".", 1)[1]
    return {"event": "event_kind", "threshold": "threshold_1", "action": "action_1"}.get(
        field, "threshold_1" if field == "steps" else field
    )


def _draft(form: Any) -> list[Any]:
    """Draft the boundary or ladder the form describes."""
    common = {
        "question": form.get("question"),  # an id or a key: the service tells them apart
        "event": _event_from_form(form),
        "comparator": form.get("comparator", ">="),
        "method": form.get("method") or None,
        "blind": bool(form.get("blind")),
        "shared": bool(form.get("shared")),
        "shared_team": form.get("shared_team") or None,
        "min_forecasters": _whole(form.get("min_forecasters") or "1"),
    }
    if (form.get("hysteresis") or "").strip():
        common["hysteresis"] = _percent(form.get("hysteresis"))
    steps = []
    for i in range(1, LADDER_ROWS + 1):
        threshold, action = form.get(f"threshold_{i}"), form.get(f"action_{i}")
        if (threshold or "").strip() or (action or "").strip():
            steps.append(
                {
                    "threshold": _percent(threshold),
                    "action": action or "",
                    "rationale": form.get(f"rationale_{i}") or "",
                }
            )
    session = get_session()
    if len(steps) == 1:
        return [service.create_boundary(session=session, actor=me(), data={**common, **steps[0]})]
    return service.create_ladder(
        session=session,
        actor=me(),
        common={**common, "ladder": form.get("ladder") or None},
        steps=steps,
    )


def _whole(raw: str) -> Any:
    try:
        return int(raw.strip())
    except ValueError:
        return raw


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> str | Response | tuple[str, int]:
    """List my boundaries; draft a boundary or a whole ladder, keeping the input on a mistake."""
    _leader()
    session = get_session()
    form: dict[str, Any] = dict(FORM_DEFAULTS)
    error: dict[str, str] | None = None
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            created = _draft(request.form)
        except DomainError as exc:
            if exc.status == 403:
                abort(403)
            error = {"field": _form_field(exc.field), "message": exc.message}
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
    suggestion, cost_error = _suggest(request.args.get("cost"), request.args.get("loss"))
    if suggestion is not None and request.method == "GET":
        form["threshold_1"] = f"{100 * suggestion.threshold:.4g}"
    return render_template(
        "boundaries/index.html",
        rows=rows,
        questions=boundary_questions(session=session, viewer=me()),
        methods=METHOD_LABELS,
        suggestion=suggestion,
        cost_error=cost_error,
        form=form,
        error=error,
        ladder_rows=LADDER_ROWS,
        record=decision_record(session=session, viewer=me()),
        teams=[team for team, _role in my_teams(session=session, viewer=me())],
    ), (422 if error else 200)


def _suggest(cost: str | None, loss: str | None) -> tuple[Any, str | None]:
    """Return the cost-loss threshold for the helper's inputs, or why there is none."""
    if not (cost or "").strip() and not (loss or "").strip():
        return None, None
    try:
        return rules.threshold_from_costs(_number(cost), _number(loss)), None
    except rules.BoundaryError as exc:
        return None, exc.message


@bp.route("/<int:boundary_id>")
@login_required
def detail(boundary_id: int) -> str:
    """Show a boundary, its versions, its crossings, and the commit or revise form."""
    return _detail_page(boundary_id)


def _detail_page(
    boundary_id: int, signpost_error: dict[str, str] | None = None, signpost_form: Any = None
) -> str:
    """Render the boundary page; a refused signpost change shows its message by the form."""
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
        b=boundary_json(session, boundary, me()),
        now=status,
        events=recorded_events(session, boundary, me())[0],
        trust=trust_panel(session, status["threshold"]) if status else None,
        mine=boundary.owner_id == me().id,
        methods=METHOD_LABELS,
        signpost_error=signpost_error,
        signpost_form=signpost_form or {},
    )


@bp.route("/<int:boundary_id>/signposts", methods=["POST"])
@login_required
def change_signposts(boundary_id: int) -> Response | tuple[str, int]:
    """Name a conditional pair as a signpost, or stop naming one (the boundary's owner).

    A refused change answers its 4xx with the page and the message by the form, the input
    kept; nothing stored changes.
    """
    _leader()
    form = request.form
    item = {
        "condition": (form.get("condition") or "").strip(),
        "outcome": (form.get("outcome") or "").strip() or None,
    }
    remove = form.get("act") == "remove"
    change = named_signposts.remove_signpost if remove else named_signposts.add_signpost
    try:
        change(session=get_session(), actor=me(), boundary_id=boundary_id, item=item)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        if exc.status == 404 and exc.field is None:
            abort(404)  # the boundary itself is out of sight
        error = {"field": exc.field or "condition", "message": exc.message}
        return _detail_page(boundary_id, error, {} if remove else form.to_dict()), exc.status
    flash("Signpost removed." if remove else "Signpost named.", "success")
    return redirect(url_for("boundaries.detail", boundary_id=boundary_id) + "#named-signposts")


@bp.route("/<int:boundary_id>/commit", methods=["GET", "POST"])
@login_required
def commit(boundary_id: int) -> str | Response:
    """Ask to confirm, then commit a draft with the other drafts of its ladder."""
    _leader()
    session = get_session()
    if request.method == "GET":
        boundary = _own_draft(boundary_id)
        together = [boundary_json(session, b) for b in service.ladder_drafts(session, boundary)]
        return render_template(
            "boundaries/confirm.html",
            b=boundary_json(session, boundary),
            drafts=together,
            act="commit",
        )
    try:
        service.commit_boundary(session=session, actor=me(), boundary_id=boundary_id)
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Committed. This version will never change; the report now tracks it.", "success")
    return redirect(url_for("boundaries.detail", boundary_id=boundary_id))


@bp.route("/<int:boundary_id>/delete", methods=["GET", "POST"])
@login_required
def delete(boundary_id: int) -> str | Response:
    """Ask to confirm, then delete a draft."""
    _leader()
    session = get_session()
    if request.method == "GET":
        boundary = _own_draft(boundary_id)
        return render_template(
            "boundaries/confirm.html",
            b=boundary_json(session, boundary),
            drafts=[boundary_json(session, boundary)],
            act="delete",
        )
    try:
        service.delete_draft(session=session, actor=me(), boundary_id=boundary_id)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("boundaries.detail", boundary_id=boundary_id))
    flash("Draft deleted.", "success")
    return redirect(url_for("boundaries.index"))


@bp.route("/<int:boundary_id>/edit", methods=["POST"])
@login_required
def edit_draft(boundary_id: int) -> Response:
    """Change a draft's action, threshold, rationale or alert settings."""
    form = request.form
    data: dict[str, Any] = {}
    for name in ("action", "rationale"):
        if name in form:
            data[name] = form[name]
    if (form.get("threshold") or "").strip():
        data["threshold"] = _percent(form.get("threshold"))
    if (form.get("hysteresis") or "").strip():
        data["hysteresis"] = _percent(form.get("hysteresis"))
    if (form.get("min_forecasters") or "").strip():
        data["min_forecasters"] = _whole(form["min_forecasters"])
    try:
        service.update_draft(session=get_session(), actor=me(), boundary_id=boundary_id, data=data)
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Draft saved.", "success")
    return redirect(url_for("boundaries.detail", boundary_id=boundary_id))


def _own_draft(boundary_id: int) -> Any:
    """Return the viewer's own draft, or answer 404 (not theirs) or 409 (committed)."""
    try:
        boundary = service.get_boundary(get_session(), me(), boundary_id)
    except NotFound:
        abort(404)
    if boundary.owner_id != me().id:
        abort(403)
    if boundary.status != "draft":
        abort(409)
    return boundary


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
def report() -> str | Response:
    """The threshold report, for the screen and for print, or as CSV or JSON (?format=)."""
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
            team=request.args.get("team") or None,
        )
    except DomainError as exc:
        error = exc.message
    fmt = request.args.get("format")
    if fmt in ("csv", "json") and error is None:
        return report_file(rows, fmt)
    for row in rows:
        row["chart"] = probability_path_chart(
            row.get("path") or [], row["threshold"], row.get("committed_at")
        )
    filters: dict[str, Any] = {k: v for k, v in request.args.items() if k != "format" and v}
    return render_template(
        "boundaries/report.html",
        rows=rows,
        error=error,
        args=request.args,
        methods=METHOD_LABELS,
        exports={f: url_for("boundaries.report", **filters, format=f) for f in ("csv", "json")},
    )
