"""The community-prediction panel of the question page, and its CSV download."""

from __future__ import annotations

from typing import Any

import numpy as np
from flask import Blueprint, Response, abort, request
from sqlmodel import Session

from forecast.core.aggregation.methods import DEFAULT_METHOD, METHOD_LABELS, METHODS
from forecast.core.distributions import cdf_at, quantile_of
from forecast.errors import DomainError, Forbidden, NotFound
from forecast.http.auth import web_user
from forecast.http.csv_files import csv_response
from forecast.infra.clock import to_epoch, utcnow
from forecast.infra.db import get_session
from forecast.models import Forecast, Question, User
from forecast.services.aggregation import values as aggregation
from forecast.services.aggregation.reads import aggregate_view, read_history
from forecast.services.aggregation.views import axis_point, history_records
from forecast.services.aggregation.visibility import hiding_rules
from forecast.services.kinds import kind_of
from forecast.services.questions import lifecycle as question_service
from forecast.services.questions.input import question_scale
from forecast.web.aggregate_charts import (
    axis_kind,
    binary_history_chart,
    chart_window,
    density_chart,
    median_history_chart,
)
from forecast.web.choice_panel import choice_context, choice_csv
from forecast.web.formatting import axis_value
from forecast.web.trend_panel import trend_panel

DAY_S = 86400.0
bp = Blueprint("question_aggregate", __name__, url_prefix="/questions")


def panel(
    session: Session, question: Question, viewer: User | None, history: list[Forecast]
) -> dict[str, Any]:
    """Build everything the page shows about the community prediction."""
    method = request.args.get("method") or DEFAULT_METHOD
    if method not in METHODS:
        method = DEFAULT_METHOD
    view = aggregate_view(session=session, viewer=viewer, question=question, method=method)
    context: dict[str, Any] = {
        "hidden": view.hidden,
        "method": method,
        "methods": {m: METHOD_LABELS[m] for m in METHODS},
        "rules": hiding_rules(question),
        **trend_panel(session, question, viewer),
    }
    if view.hidden:
        return context
    cached, value = view.cached, view.value
    assert cached is not None and value is not None
    h = cached.history
    context.update(value=value, entries=len(h.start))
    if value.forecaster_count == 0:
        return context
    t_from, t_to = chart_window(
        h.start,
        h.forecaster_count,
        to_epoch(question.open_time),
        min(to_epoch(utcnow()), to_epoch(question.close_time)),
    )
    if question.option_labels:
        context.update(choice_context(question, value, h, (t_from, t_to), history))
        return context
    if not question.is_continuous:
        mine = [
            (f.start_time.timestamp(), f.probability) for f in history if f.probability is not None
        ]
        context["chart"] = binary_history_chart(
            starts=h.start,
            values=h.value,
            lower=h.lower,
            upper=h.upper,
            t_from=t_from,
            t_to=t_to,
            mine=mine,
            interval=(cached.band_time, cached.band_low, cached.band_high),
            counts=h.forecaster_count,
        )
        return context
    scale = question_scale(question)

    def label(x: float) -> str:
        return axis_value(x, question.type)

    def tick(x: float) -> str:
        # An evenly spaced tick falls between days by a rounding error (2040-12-31T23:59):
        # its label names the nearest day, which is where it is drawn to the pixel.
        return label(round(x / DAY_S) * DAY_S if kind_of(question).is_date else x)

    assert value.cdf is not None
    mine_cdf = next((f.cdf for f in history if f.end_time is None and f.cdf is not None), None)
    median_u = float(scale.to_u(quantile_of(value.cdf, scale, 0.5)))
    band = (
        float(scale.to_u(quantile_of(value.cdf, scale, 0.25))),
        float(scale.to_u(quantile_of(value.cdf, scale, 0.75))),
    )
    context["chart"] = density_chart(
        cdf=value.cdf,
        scale=scale,
        kind=axis_kind(scale, question.type),
        axis_label=tick,
        median_u=median_u,
        band_u=band,
        mine=mine_cdf,
        reference=np.asarray(context["trend"]["cdf"]) if context["trend"] else None,
    )
    context["median_chart"] = median_history_chart(
        starts=h.start,
        median_u=aggregation.medians(h),
        lower_u=h.lower,
        upper_u=h.upper,
        t_from=t_from,
        t_to=t_to,
        scale=scale,
        kind=axis_kind(scale, question.type),
        axis_label=label,
    )
    context["median"] = label(quantile_of(value.cdf, scale, 0.5))
    context["quartiles"] = (
        label(quantile_of(value.cdf, scale, 0.25)),
        label(quantile_of(value.cdf, scale, 0.75)),
    )
    raw_x = (request.args.get("x") or "").strip()
    if raw_x:
        try:
            x = axis_point(question, raw_x, "x")
        except DomainError as exc:
            context["x_error"] = exc.message
        else:
            below = float(cdf_at(value.cdf, scale, x))
            context["question_x"] = {
                "raw": raw_x,
                "below": below,
                "above": 1.0 - below,
                "is_date": kind_of(question).is_date,
            }
    return context


@bp.route("/<int:question_id>/aggregate.csv")
def download(question_id: int) -> Response:
    """Download the aggregate history under a method as CSV."""
    session = get_session()
    viewer = web_user()
    try:
        question = question_service.get_question(
            session=session, viewer=viewer, question_id=question_id
        )
    except NotFound:
        abort(404)
    try:
        cached = read_history(
            session=session, viewer=viewer, question=question, method=request.args.get("method")
        )
    except Forbidden:
        abort(403)
    method = aggregation.parse_method(request.args.get("method"))
    records = history_records(cached.history, question)
    bands = zip(records, cached.history.lower, cached.history.upper, strict=True)
    if question.option_labels:
        columns, rows = choice_csv(question, records)
    elif question.is_continuous:
        scale = question_scale(question)
        columns = ["start", "end", "forecaster_count", "median", "lower_quartile", "upper_quartile"]
        rows = []
        for record, lo, hi in bands:
            cdf = record.get("cdf")
            median = quantile_of(np.asarray(cdf), scale, 0.5) if cdf else None
            rows.append(
                [
                    record["start"],
                    record["end"],
                    record["forecaster_count"],
                    median,
                    None if np.isnan(lo) else float(scale.from_u(lo)),
                    None if np.isnan(hi) else float(scale.from_u(hi)),
                ]
            )
    else:
        columns = [
            "start",
            "end",
            "forecaster_count",
            "probability",
            "lower_quartile",
            "upper_quartile",
        ]
        rows = [
            [
                record["start"],
                record["end"],
                record["forecaster_count"],
                record["probability"],
                None if np.isnan(lo) else float(lo),
                None if np.isnan(hi) else float(hi),
            ]
            for record, lo, hi in bands
        ]
    return csv_response(columns, rows, f"{question.key}-{method}.csv")
