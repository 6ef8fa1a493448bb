"""Organizers' pages on a scheduled question: edit it, close it early, confirm a resolution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import get_session
from forecast.models import SCHEDULED_STATUSES, Question, QuestionStatus, QuestionType
from forecast.services.accounts.permissions import is_organizer
from forecast.services.kinds import kind_of
from forecast.services.questions import lifecycle as question_service
from forecast.services.questions.changes import (
    FIXED_ONCE_FORECAST,
    close_early,
    edit_question,
    editable_input,
    has_forecasts,
)
from forecast.services.questions.input import field_words, question_range
from forecast.services.questions.views import forecaster_counts
from forecast.services.resolution.input import OUTCOMES, parse_resolution
from forecast.web.common import flash_error, login_required, me
from forecast.web.question_form import form_to_input, question_to_form
from forecast.web.question_form_page import render_question_form

bp = Blueprint("question_admin", __name__, url_prefix="/questions")
SCHEDULED = frozenset(s.value for s in SCHEDULED_STATUSES)
# The questions whose edit page an organizer reaches (proposals are changed in review).
ORGANIZER_EDITS = SCHEDULED | {QuestionStatus.RESOLVED.value, QuestionStatus.ANNULLED.value}

# Each field of the question form and the interchange field it feeds.
FORM_FIELDS = {
    "type": "type",
    "tournament": "tournament",
    "title": "title",
    "description": "description",
    "resolution_criteria": "resolution_criteria",
    "source": "source",
    "open_time": "open_time",
    "close_time": "close_time",
    "resolve_time": "resolve_time",
    "range_min": "range",
    "range_max": "range",
    "open_lower": "range",
    "open_upper": "range",
    "log_scale": "range",
    "zero_point": "range",
    "options": "options",
    "hide_aggregate_until_forecast": "hide_aggregate_until_forecast",
    "aggregate_reveal_time": "aggregate_reveal_time",
    "aggregate_open_to_leaders": "aggregate_open_to_leaders",
}


def _organizer_question(question_id: int) -> Question:
    if not is_organizer(me()):
        abort(403)
    try:
        return question_service.get_question(
            session=get_session(), viewer=me(), question_id=question_id
        )
    except DomainError:
        abort(404)


CHECKBOXES = frozenset(
    {
        "open_lower",
        "open_upper",
        "log_scale",
        "hide_aggregate_until_forecast",
        "aggregate_open_to_leaders",
    }
)


def _changes(original: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any]:
    """Return the interchange fields whose form fields differ from what the page showed.

    A field the form did not send at all is unchanged, except a checkbox: unticked ones are
    never sent.
    """
    full = {**original, **sent}
    for name in CHECKBOXES:
        full[name] = sent.get(name, "")
    typed = form_to_input(full)
    names = {
        key
        for name, key in FORM_FIELDS.items()
        if str(full.get(name) or "").strip() != str(original.get(name) or "").strip()
    }
    return {key: typed[key] for key in sorted(names)}


def edit_scheduled(question: Question) -> str | Response:
    """Show and save the organizer's edit form of an upcoming, open or closed question."""
    if question.status not in SCHEDULED:
        flash(
            f"The question is {question.status}: take its resolution back before editing it.",
            "error",
        )
        return redirect(url_for("questions.detail", question_id=question.id) + "#resolve")
    session = get_session()
    locked = has_forecasts(session, question.id)  # type: ignore[arg-type]
    original = question_to_form(editable_input(session, question))
    error = None
    form: dict[str, Any] = dict(original)
    if request.method == "POST":
        form = dict(request.form)
        if locked:
            # The fixed fields are shown disabled, so the browser does not send them back.
            for name, key in FORM_FIELDS.items():
                if key in FIXED_ONCE_FORECAST:
                    form[name] = original.get(name, "")
        form = {**original, **form, **{name: form.get(name, "") for name in CHECKBOXES}}
        try:
            _, changed = edit_question(
                session=session,
                actor=me(),
                question_id=question.id,  # type: ignore[arg-type]
                changes=_changes(original, form),
                reason=form.get("reason"),
            )
        except DomainError as exc:
            error = exc
        else:
            if changed:
                said = ", ".join(field_words(name) for name in changed)
                flash(f"Saved; the question's history records the change ({said}).", "success")
            else:
                flash("Nothing changed.", "info")
            return redirect(url_for("questions.detail", question_id=question.id))
    return render_question_form(  # type: ignore[return-value]
        session,
        me(),
        form,
        error,
        organizer=True,
        mode="change",
        locked=locked,
        fixed=[name for name, key in FORM_FIELDS.items() if key in FIXED_ONCE_FORECAST],
        q=question,
    )


@bp.route("/<int:question_id>/close", methods=["GET", "POST"])
@login_required
def close(question_id: int) -> str | Response:
    """Ask, then close an open question before its close time (organizers)."""
    question = _organizer_question(question_id)
    if request.method == "POST":
        try:
            close_early(
                session=get_session(),
                actor=me(),
                question_id=question_id,
                reason=request.form.get("reason"),
            )
        except DomainError as exc:
            flash_error(exc)
        else:
            flash("Closed: the question takes no more forecasts.", "success")
        return redirect(url_for("questions.detail", question_id=question_id))
    status = question_service.effective_status(question).value
    if status != "open":
        flash(f"Only an open question can be closed early; this one is {status}.", "error")
        return redirect(url_for("questions.detail", question_id=question_id))
    return render_template(
        "questions/close.html",
        q=question,
        forecaster_count=forecaster_counts(get_session(), [question_id]).get(question_id, 0),
    )


def resolution_data(question: Question, form: Mapping[str, str]) -> dict[str, Any]:
    """Read the resolve form's answer as a resolution object for the service."""
    data: dict[str, Any] = {"reason": form.get("reason") or None}
    answer = (form.get("answer") or "").strip()
    if answer in OUTCOMES:
        data["outcome"] = answer
    else:
        data.update(kind_of(question).typed_resolution(answer))
    return data


def _check(question: Question, form: Mapping[str, str]) -> None:
    """Refuse before asking what the service would refuse after."""
    reason = (form.get("reason") or "").strip()
    if form.get("action") == "unresolve":
        if question.resolution_outcome is None:
            raise ValidationFailed("The question is not resolved")
        if not reason:
            raise ValidationFailed("Say why the resolution is taken back", "reason")
        return
    if question.resolution_outcome is not None and not reason:
        raise ValidationFailed(
            "The question is already resolved; to change its resolution, give a reason", "reason"
        )
    parse_resolution(
        resolution_data(question, form),
        qtype=QuestionType(question.type),
        range_=question_range(question),
        open_time=question.open_time,
        default_resolved_at=utcnow(),
        options=question.option_labels,
    )


def confirm_resolution(question: Question, form: Mapping[str, str]) -> str | Response:
    """Ask the organizer to confirm a resolution (or its withdrawal) before it is made."""
    if not is_organizer(me()):
        abort(403)
    try:
        _check(question, form)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("questions.detail", question_id=question.id) + "#resolve")
    return render_template(
        "questions/resolve_confirm.html",
        q=question,
        form=form,
        answer=(form.get("answer") or "").strip(),
        forecaster_count=forecaster_counts(get_session(), [question.id or 0]).get(
            question.id or 0, 0
        ),
    )
