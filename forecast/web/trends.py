"""The trend series form: an organizer pastes or uploads a dated series (CSV or JSON) and picks
the fit; a refusal shows the form again as typed, with the field named."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forecast.errors import DomainError, NotFound, ValidationFailed
from forecast.infra.db import get_session
from forecast.services.accounts.permissions import is_organizer
from forecast.services.questions import lifecycle as question_service
from forecast.services.trends.series import attach_series, trend_of
from forecast.services.trends.text import points_from_text, points_to_text
from forecast.web.common import login_required, me

bp = Blueprint("trends", __name__, url_prefix="/questions")
MAX_UPLOAD = 200_000


def _number(raw: str) -> Any:
    text = raw.strip()
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text  # the service names the field


def _render(question: Any, form: dict[str, str], error: DomainError | None = None) -> Any:
    page = render_template(
        "trends/form.html",
        q=question,
        form=form,
        error=error.message if error else None,
        field=error.field if error else None,
    )
    return (page, error.status) if error else page


@bp.route("/<int:question_id>/series/edit", methods=["GET", "POST"])
@login_required
def edit(question_id: int) -> Any:
    """Attach or replace a numeric or date question's trend series (organizers)."""
    session = get_session()
    try:
        question = question_service.get_question(
            session=session, viewer=me(), question_id=question_id
        )
    except NotFound:
        abort(404)
    if not is_organizer(me()):
        abort(403)
    if request.method == "GET":
        form: dict[str, str] = {}
        current = trend_of(session, question) if question.is_continuous else None
        if current is not None:
            form = {
                "points_text": points_to_text(current["points"]),
                "fit": current["fit"],
                "window": "" if current["window"] is None else str(current["window"]),
                "level": "" if current["level"] is None else str(current["level"]),
            }
        return _render(question, form)
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    upload = request.files.get("points_file")
    try:
        text = form.get("points_text", "")
        if upload is not None and upload.filename:
            raw = upload.stream.read(MAX_UPLOAD + 1)
            if len(raw) > MAX_UPLOAD:
                raise ValidationFailed(f"the file is larger than {MAX_UPLOAD} bytes", "points_text")
            text = raw.decode("utf-8-sig", errors="replace")
            form["points_text"] = text
        data = {
            "points": points_from_text(text),
            "fit": form.get("fit"),
            "window": _number(form.get("window", "")),
            "level": _number(form.get("level", "")),
        }
        attach_series(session=session, actor=me(), question_id=question_id, data=data)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _render(question, form, exc)
    flash("Trend series saved: the line and its reference forecast are on the page.", "success")
    return redirect(url_for("questions.detail", question_id=question_id, _anchor="trend"))
