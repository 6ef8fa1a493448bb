"""Question pages: list, detail with the forecast editor, propose, review, resubmit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError, NotFound
from forecast.http.auth import web_user
from forecast.infra.clock import from_epoch
from forecast.infra.db import get_session
from forecast.models import QuestionStatus
from forecast.services import forecasts as forecast_service
from forecast.services.accounts.permissions import is_organizer
from forecast.services.aggregation.now import community_now
from forecast.services.discussion import rationale as published
from forecast.services.kinds import kind_of
from forecast.services.paging import page_number
from forecast.services.questions import lifecycle as question_service
from forecast.services.questions.lists import list_questions
from forecast.services.questions.serialize import name_maps
from forecast.services.questions.views import forecaster_counts, question_events
from forecast.services.tournaments.catalog import list_tournaments
from forecast.web.comments import comments_panel
from forecast.web.common import flash_error, login_required, me
from forecast.web.forecast_form import (
    FormState,
    refused,
    sent_value,
    starting_state,
    typed_state,
)
from forecast.web.my_forecasts import my_forecasts
from forecast.web.question_aggregate import panel as aggregate_panel
from forecast.web.question_form import form_to_input, question_to_form
from forecast.web.question_form_page import render_question_form

bp = Blueprint("questions", __name__, url_prefix="/questions")
SORT_LABELS = {
    "close": "Closing soonest",
    "newest": "Newest",
    "forecasters": "Most forecasters",
    "title": "Title",
}


@bp.route("")
def index() -> str:
    """List questions: filter by tournament, status, words and your forecasts; choose the order."""
    session = get_session()
    viewer = web_user()
    names = ("tournament", "status", "search", "mine", "sort")
    filters = {name: (request.args.get(name) or "").strip() or None for name in names}
    if viewer is None:
        filters["mine"] = None  # the choice is not offered to anonymous visitors
    try:
        page = list_questions(
            session=session,
            viewer=viewer,
            tournament=filters["tournament"],
            status=filters["status"],
            search=filters["search"],
            mine=filters["mine"],
            sort=filters["sort"],
            page=page_number(request.args.get("page")),
            per_page=25,
        )
    except DomainError as exc:
        flash_error(exc)
        filters = dict.fromkeys(names)
        page = list_questions(session=session, viewer=viewer, per_page=25)
    slugs, _ = name_maps(session, page.items)
    tournaments = list_tournaments(session=session, viewer=web_user())
    ids = [q.id for q in page.items if q.id]
    counts = forecaster_counts(session, ids)
    mine = my_forecasts(session, viewer, page.items) if viewer is not None else None
    return render_template(
        "questions/index.html",
        page=page,
        slugs=slugs,
        counts=counts,
        mine=mine,
        community=community_now(session=session, questions=page.items, viewer=viewer),
        shown_status={q.id: question_service.effective_status(q).value for q in page.items},
        tournaments=tournaments,
        filters=filters,
        statuses=[s.value for s in QuestionStatus],
        sorts=SORT_LABELS,
    )


def _load(question_id: int) -> Any:
    try:
        return question_service.get_question(
            session=get_session(), viewer=web_user(), question_id=question_id
        )
    except NotFound:
        abort(404)


@bp.route("/<int:question_id>")
def detail(question_id: int) -> str:
    """Show a question, its criteria, the forecast editor and the user's history."""
    return _page(question_id)


def _page(question_id: int, form: FormState | None = None) -> str:
    """Render the question page; form: the forecast form as sent, when it was refused."""
    session = get_session()
    question = _load(question_id)
    user = web_user()
    history = []
    standing = None
    if user is not None:
        history = forecast_service.user_history(
            session=session,
            user_id=user.id,  # type: ignore[arg-type]
            question_id=question_id,
        )
        standing = next((f for f in history if f.end_time is None), None)
    slugs, names = name_maps(session, [question])
    events = question_events(session=session, viewer=user, question_id=question_id)
    scale = None
    if question.is_continuous:
        scale = {
            "min": question.range_min,
            "max": question.range_max,
            "open_lower": question.open_lower,
            "open_upper": question.open_upper,
        }
    tournaments = list_tournaments(session=session, viewer=web_user())
    community = aggregate_panel(session, question, user, history)
    from forecast.services.questions.serialize import resolution_json
    from forecast.services.resolution.resolve import scores_json

    scores = scores_json(session, question) if question.resolution_outcome else []
    return render_template(
        "questions/detail.html",
        community=community,
        discussion=comments_panel(session, question, user),
        scores=scores,
        resolution=resolution_json(question),
        can_resolve=is_organizer(user),
        q=question,
        kind=kind_of(question),
        status=question_service.effective_status(question).value,
        history=history,
        standing=standing,
        tournament=slugs.get(question.tournament_id or 0),
        proposer=names.get(question.proposer_id or 0),
        events=events,
        scale=scale,
        form=form or starting_state(question, standing),
        withdrawn=_withdrawn(history),
        forecaster_count=forecaster_counts(session, [question_id]).get(question_id, 0),
        can_review=is_organizer(user) and question.status == QuestionStatus.PENDING.value,
        tournaments=tournaments,
        from_epoch=from_epoch,
    )


def _withdrawn(history: list[Any]) -> set[int]:
    """Return the ids of the rows that ended without a successor: withdrawals."""
    following = [*history[1:], None]  # one longer than history when history is empty
    return {
        f.id
        for f, after in zip(history, following, strict=False)
        if f.end_time is not None and (after is None or after.start_time != f.end_time)
    }


@bp.route("/<int:question_id>/forecast", methods=["POST"])
@login_required
def submit(question_id: int) -> Response | tuple[str, int]:
    """Record the forecast from the question page's editor; a refusal shows it again as typed."""
    question = _load(question_id)
    form = typed_state(question, request.form)
    value, sent = sent_value(question, form)
    publish = form.values.get("publish_rationale") == "yes"
    try:
        if publish:
            published.check_publishable(form.values["rationale"])
        record = forecast_service.submit_forecast(
            session=get_session(),
            actor=me(),
            question_id=question_id,
            rationale=form.values["rationale"],
            **value,
        )
        if publish:
            published.publish_rationale(session=get_session(), actor=me(), forecast=record)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _page(question_id, refused(question, form, exc, sent)), exc.status
    flash("Forecast saved.", "success")
    return redirect(url_for("questions.detail", question_id=question_id))


@bp.route("/<int:question_id>/withdraw", methods=["POST"])
@login_required
def withdraw(question_id: int) -> str | Response:
    """Withdraw the user's standing forecast once confirmed; ask first when it is not."""
    if request.form.get("confirmed") != "yes":
        question = _load(question_id)
        standing = forecast_service.standing_forecast(
            session=get_session(),
            user_id=me().id,  # type: ignore[arg-type]
            question_id=question_id,
        )
        if standing is not None:
            shown = starting_state(question, standing)
            return render_template(
                "questions/withdraw.html", q=question, kind=kind_of(question), form=shown
            )
    try:
        forecast_service.withdraw_forecast(
            session=get_session(), actor=me(), question_id=question_id
        )
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Forecast withdrawn.", "success")
    return redirect(url_for("questions.detail", question_id=question_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Propose a question (forecasters) or create one (organizers)."""
    session = get_session()
    form: dict[str, Any] = (
        dict(request.form)
        if request.method == "POST"
        else {
            "type": request.args.get("type", "binary"),
            "tournament": request.args.get("tournament", ""),
            "title": request.args.get("title", ""),
            "description": request.args.get("description", ""),
        }
    )
    error = None
    if request.method == "POST":
        try:
            question = question_service.create_question(
                session=session, actor=me(), data=form_to_input(request.form)
            )
        except DomainError as exc:
            error = exc
        else:
            if question.status == QuestionStatus.PENDING.value:
                flash(
                    "Thank you: your question waits for an organizer's review. "
                    "You will be notified of the decision.",
                    "success",
                )
            else:
                flash("Question created.", "success")
            return redirect(url_for("questions.detail", question_id=question.id))
    return render_question_form(  # type: ignore[return-value]
        session, web_user(), form, error, organizer=is_organizer(me()), mode="new"
    )


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit(question_id: int) -> str | Response:
    """Let a proposer revise a returned question; organizers edit a scheduled one."""
    from forecast.web.question_admin import ORGANIZER_EDITS, edit_scheduled

    session = get_session()
    question = _load(question_id)
    if is_organizer(me()) and question.status in ORGANIZER_EDITS:
        return edit_scheduled(question)
    if question.proposer_id != me().id or question.status != QuestionStatus.RETURNED.value:
        abort(403)
    error = None
    if request.method == "POST":
        form: dict[str, Any] = dict(request.form)
        try:
            question_service.resubmit_question(
                session=session,
                actor=me(),
                question_id=question_id,
                data=form_to_input(request.form),
            )
        except DomainError as exc:
            error = exc
        else:
            flash("Resubmitted for review.", "success")
            return redirect(url_for("questions.detail", question_id=question_id))
    else:
        form = question_to_form(question_service.question_as_input(session, question))
    return render_question_form(  # type: ignore[return-value]
        session, web_user(), form, error, organizer=False, mode="edit", q=question
    )


@bp.route("/<int:question_id>/review", methods=["POST"])
@login_required
def review(question_id: int) -> Response:
    """Approve, return or reject a proposal (organizers)."""
    try:
        question_service.review_question(
            session=get_session(),
            actor=me(),
            question_id=question_id,
            decision=request.form.get("decision", ""),
            comment=request.form.get("comment"),
            tournament=request.form.get("tournament") or None,
        )
    except DomainError as exc:
        flash_error(exc)
    else:
        flash("Review recorded; the proposer has been notified.", "success")
    return redirect(url_for("questions.detail", question_id=question_id))


@bp.route("/<int:question_id>/resolve", methods=["POST"])
@login_required
def resolve_view(question_id: int) -> str | Response:
    """Resolve, re-resolve or un-resolve from the question page (organizers), once confirmed."""
    from forecast.services.resolution.resolve import resolve, unresolve
    from forecast.web.formatting import plural
    from forecast.web.question_admin import confirm_resolution, resolution_data

    form = request.form
    if form.get("confirm") != "yes":
        return confirm_resolution(_load(question_id), form)
    try:
        if form.get("action") == "unresolve":
            unresolve(
                session=get_session(),
                actor=me(),
                question_id=question_id,
                reason=form.get("reason"),
            )
            flash(
                "Resolution taken back; scores removed, the audit trail keeps the entry.", "success"
            )
        else:
            data = resolution_data(_load(question_id), form)
            _, written = resolve(
                session=get_session(), actor=me(), question_id=question_id, data=data
            )
            flash(f"Resolved; {plural(written, 'forecaster')} scored.", "success")
    except DomainError as exc:
        flash_error(exc)
    return redirect(url_for("questions.detail", question_id=question_id))
