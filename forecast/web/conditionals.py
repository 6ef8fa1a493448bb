"""Conditional pairs on the web: an organizer links a condition and an outcome; anyone reads the
two branches side by side with P(C) and forecasts both in one form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forecast.errors import DomainError
from forecast.http.auth import web_user
from forecast.infra.db import get_session
from forecast.models import QuestionType
from forecast.services.accounts.permissions import is_organizer
from forecast.services.conditionals.create import create_pair
from forecast.services.conditionals.views import pair_view, submit_both
from forecast.services.forecasts import standing_forecast
from forecast.services.kinds import kind_of
from forecast.services.questions.views import boundary_questions
from forecast.web.common import login_required, me
from forecast.web.forecast_form import starting_state

bp = Blueprint("conditionals", __name__)

LEVELS = ("5", "50", "95")
CONTINUOUS = (QuestionType.NUMERIC.value, QuestionType.DATE.value)


def _number(raw: str) -> Any:
    text = raw.strip().rstrip("%").replace(",", "")
    try:
        return float(text)
    except ValueError:
        return text  # the service says what is wrong with it


def _value(question: Any, branch: str, form: Any) -> dict[str, Any]:
    """Read one branch's forecast from the form: a percentage, or three percentiles."""
    if question.type == QuestionType.BINARY.value:
        percent = _number(form.get(f"{branch}_probability", ""))
        return {"probability": percent / 100.0 if isinstance(percent, float) else percent}
    pairs = []
    for level in LEVELS:
        raw = form.get(f"{branch}_p{level}", "").strip()
        pairs.append([int(level) / 100.0, kind_of(question).typed_point(raw)])
    return {"quantiles": pairs}


def _standing(session: Any, view: Any) -> dict[str, str]:
    """Return the form filled with the viewer's standing forecasts on the branches, as the
    question page's own form would show each."""
    user = web_user()
    form: dict[str, str] = {}
    if user is None or user.id is None:
        return form
    for branch, question in (("yes", view.pair.yes), ("no", view.pair.no)):
        if question is None or question.type not in (*CONTINUOUS, QuestionType.BINARY.value):
            continue
        standing = standing_forecast(session=session, user_id=user.id, question_id=question.id)
        if standing is None:
            continue
        values = starting_state(question, standing).values
        if question.type == QuestionType.BINARY.value:
            form[f"{branch}_probability"] = values["probability"]
        else:
            form.update({f"{branch}_p{level}": values.get(f"q{level}", "") for level in LEVELS})
    return form


def _render(question_id: int, form: dict[str, str] | None, error: str | None = None) -> Any:
    session = get_session()
    view = pair_view(session=session, viewer=web_user(), question_id=question_id)
    if view is None:
        abort(404)
    if form is None:
        form = _standing(session, view)
    return render_template(
        "questions/pair.html",
        view=view,
        pair=view.pair,
        current=question_id,
        form=form,
        error=error,
        levels=LEVELS,
    )


@bp.route("/questions/<int:question_id>/pair")
def pair(question_id: int) -> Any:
    """Show both branches of a conditional pair side by side with P(C) and the joint form."""
    return _render(question_id, None)


@bp.route("/questions/<int:question_id>/pair", methods=["POST"])
@login_required
def forecast_both(question_id: int) -> Any:
    """Record forecasts on both branches; a refusal shows the form again as typed."""
    session = get_session()
    view = pair_view(session=session, viewer=web_user(), question_id=question_id)
    if view is None or view.pair.yes is None or view.pair.no is None:
        abort(404)
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    data = {
        "yes": _value(view.pair.yes, "yes", request.form),
        "no": _value(view.pair.no, "no", request.form),
        "rationale": request.form.get("rationale") or None,
    }
    try:
        submit_both(session=session, actor=me(), question_id=question_id, data=data)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _render(question_id, form, exc.message), exc.status
    flash("Both forecasts saved.", "success")
    return redirect(url_for("conditionals.pair", question_id=question_id))


@bp.route("/conditionals/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Let an organizer link a binary condition and an outcome into a conditional pair."""
    if not is_organizer(me()):
        abort(403)
    session = get_session()
    choices = boundary_questions(session=session, viewer=me())
    form = dict(request.form) if request.method == "POST" else dict(request.args)
    error = None
    if request.method == "POST":
        try:
            made = create_pair(
                session=session,
                actor=me(),
                condition=form.get("condition") or None,
                outcome=form.get("outcome") or None,
            )
        except DomainError as exc:
            error = exc
        else:
            flash("Conditional pair created: forecasts open with the outcome's window.", "success")
            assert made.yes is not None
            return redirect(url_for("conditionals.pair", question_id=made.yes.id))
    conditions = [q for q in choices if q.type == QuestionType.BINARY.value]
    page = render_template(
        "questions/pair_new.html",
        conditions=conditions,
        outcomes=choices,
        form=form,
        error=error,
    )
    return (page, 422) if error else page


@bp.app_template_global("conditional_of")
def conditional_of(question: Any) -> Any:
    """Return a question's conditional link for its page (None for other questions)."""
    from forecast.services.questions.conditions import link_of

    return link_of(get_session(), question.id) if question.id is not None else None
