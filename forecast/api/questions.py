"""Questions: list, create or propose, read, review, preview a distribution."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from forecast.api.common import BEARER, caller, created, document_errors, page_json
from forecast.api.question_changes import EditedOut, QuestionEditIn
from forecast.api.schemas import (
    PreviewIn,
    PreviewOut,
    QuestionIn,
    QuestionListArgs,
    QuestionOut,
    QuestionPage,
    ReviewIn,
)
from forecast.core.distributions import density
from forecast.errors import ValidationFailed
from forecast.infra.db import get_session
from forecast.services.aggregation.now import community_json, community_now
from forecast.services.aggregation.reads import value_if_visible
from forecast.services.aggregation.views import value_json
from forecast.services.forecasts import parse_value
from forecast.services.questions import lifecycle as question_service
from forecast.services.questions.changes import edit_question
from forecast.services.questions.lists import MAX_SEARCH, list_questions
from forecast.services.questions.views import question_payload, question_payloads

bp = Blueprint("api_questions", __name__, url_prefix="/api/v1/questions", description="Questions")

WORDS = "words that must each appear in the title, key or description, in any order and any case"


class QuestionSearchArgs(QuestionListArgs):
    """The list's filters, with q as the short name of search."""

    search = fields.String(
        validate=validate.Length(max=MAX_SEARCH), metadata={"description": WORDS}
    )
    q = fields.String(
        validate=validate.Length(max=MAX_SEARCH), metadata={"description": "the same as search"}
    )


@bp.route("")
class Questions(MethodView):
    @bp.arguments(QuestionSearchArgs(), location="query")
    @bp.response(200, QuestionPage)
    @document_errors(bp, 401, 404, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """List the questions you may see, filtered and ordered as asked, a page at a time."""
        session = get_session()
        viewer = caller()
        page = list_questions(
            session=session,
            viewer=viewer,
            tournament=args.get("tournament"),
            status=args.get("status"),
            search=args.get("search", args.get("q")),
            mine=args.get("mine"),
            sort=args.get("sort"),
            page=args["page"],
            per_page=args["per_page"],
        )
        items = question_payloads(session, page.items)
        community = community_now(session=session, questions=page.items, viewer=viewer)
        for question, item in zip(page.items, items, strict=True):
            item["community"] = community_json(community.get(question.id or 0), question)
        return jsonify(page_json(page, items))

    @bp.arguments(QuestionIn())
    @bp.response(201, QuestionOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 404, 409, 422)
    def post(self, body: dict[str, Any]) -> Response:
        """Create a question (organizers) or propose one for review (forecasters)."""
        session = get_session()
        question = question_service.create_question(
            session=session, actor=caller(required=True), data=body
        )
        return created(question_payload(session, question))


@bp.route("/<int:question_id>")
class QuestionDetail(MethodView):
    @bp.response(200, QuestionOut)
    @document_errors(bp, 401, 404)
    def get(self, question_id: int) -> Response:
        """Read one question."""
        session = get_session()
        viewer = caller()
        question = question_service.get_question(
            session=session, viewer=viewer, question_id=question_id
        )
        payload = question_payload(session, question)
        value = value_if_visible(session=session, viewer=viewer, question=question)
        if value is not None:
            payload["aggregate"] = value_json(value, question)
        return jsonify(payload)

    @bp.arguments(QuestionEditIn())
    @bp.response(200, EditedOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def patch(self, body: dict[str, Any], question_id: int) -> Response:
        """Edit an upcoming, open or closed question (organizers); the audit trail says what."""
        session = get_session()
        reason = body.pop("reason", None)
        question, changed = edit_question(
            session=session,
            actor=caller(required=True),
            question_id=question_id,
            changes=body,
            reason=reason,
        )
        payload = question_payload(session, question)
        payload["changed"] = changed
        return jsonify(payload)


@bp.route("/<int:question_id>/review")
class Review(MethodView):
    @bp.arguments(ReviewIn())
    @bp.response(200, QuestionOut)
    @bp.doc(security=BEARER)
    @document_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Approve, return or reject a proposed question (organizers)."""
        session = get_session()
        question = question_service.review_question(
            session=session,
            actor=caller(required=True),
            question_id=question_id,
            decision=body["decision"],
            comment=body.get("comment"),
            tournament=body.get("tournament"),
            changes=body.get("changes"),
        )
        return jsonify(question_payload(session, question))


@bp.route("/<int:question_id>/preview")
class Preview(MethodView):
    @bp.arguments(PreviewIn())
    @bp.response(200, PreviewOut)
    @document_errors(bp, 400, 404, 422)
    def post(self, body: dict[str, Any], question_id: int) -> Response:
        """Turn quantiles into the CDF and density a forecast would store (nothing is saved)."""
        session = get_session()
        question = question_service.get_question(
            session=session, viewer=caller(), question_id=question_id
        )
        if not question.is_continuous:
            raise ValidationFailed("only numeric and date questions take quantiles", "quantiles")
        value = parse_value(question, quantiles=body["quantiles"])
        assert value.cdf is not None
        from forecast.services.questions.input import question_scale

        x, dens = density(value.cdf, question_scale(question))
        return jsonify(cdf=value.cdf.tolist(), x=x.tolist(), density=dens.tolist())
