"""The community prediction: at any instant, over time, and P(X <= x) for continuous questions."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.common import caller, document_errors
from forecast.api.schemas import AggregateArgs, AggregateOut, HistoryArgs, HistoryPage
from forecast.errors import ValidationFailed
from forecast.http.times import parse_optional_time
from forecast.infra.db import get_session
from forecast.models import QuestionType
from forecast.services import methods
from forecast.services.aggregation import reads
from forecast.services.aggregation import values as aggregation
from forecast.services.aggregation.views import (
    axis_point,
    event_probabilities,
    history_records,
    value_json,
)
from forecast.services.questions.lifecycle import get_question

bp = Blueprint("api_aggregates", __name__, url_prefix="/api/v1/questions", description="Aggregates")


@bp.route("/<int:question_id>/aggregate")
class Aggregate(MethodView):
    @bp.arguments(AggregateArgs(), location="query")
    @bp.response(200, AggregateOut)
    @document_errors(bp, 401, 403, 404, 422)
    def get(self, args: dict[str, Any], question_id: int) -> Response:
        """Return the aggregate at `at` under `method`; `x` (or `before`, dates) asks P(X <= x)."""
        session = get_session()
        viewer = caller()
        # The question's own visibility here; the method's source applies the aggregate's rules
        # (the trend line is public data wherever its question is).
        question = get_question(session=session, viewer=viewer, question_id=question_id)
        method = methods.parse_question_method(args.get("method"))
        at = parse_optional_time(args.get("at"), "at")
        value, extra = methods.source(method).question_value(session, viewer, question, method, at)
        body = value_json(value, question) | extra
        point = args.get("x") or args.get("before")
        if point is not None:
            if not question.is_continuous:
                raise ValidationFailed("x and before apply to numeric and date questions", "x")
            if "before" in args and question.type != QuestionType.DATE.value:
                raise ValidationFailed("before applies to date questions; use x", "before")
            field = "before" if "before" in args else "x"
            if value.cdf is not None:
                answers = event_probabilities(value, question, axis_point(question, point, field))
                if field == "before":
                    answers["p_before"] = answers["p_below"]
                body.update(answers)
        return jsonify(body)


@bp.route("/<int:question_id>/aggregate/history")
class AggregateHistory(MethodView):
    @bp.arguments(HistoryArgs(), location="query")
    @bp.response(200, HistoryPage)
    @document_errors(bp, 401, 403, 404, 422)
    def get(self, args: dict[str, Any], question_id: int) -> Response:
        """Return the aggregate history, one entry per change point, a page at a time."""
        session = get_session()
        viewer = caller()
        question = reads.visible_question(session=session, viewer=viewer, question_id=question_id)
        method = aggregation.parse_method(args.get("method"))
        cached = reads.read_history(
            session=session, viewer=viewer, question=question, method=method
        )
        total = len(cached.history.start)
        first = (args["page"] - 1) * args["per_page"]
        items = history_records(cached.history, question, first, first + args["per_page"])
        return jsonify(
            items=items, page=args["page"], per_page=args["per_page"], total=total, method=method
        )
