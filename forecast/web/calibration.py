"""Calibration training pages: pick a set, answer one item at a time, see your calibration."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from forecast.errors import DomainError, NotFound, ValidationFailed
from forecast.infra.db import get_session
from forecast.models import CalibrationItem
from forecast.services import calibration as training
from forecast.services.accounts.permissions import is_organizer
from forecast.services.kinds import kind_named
from forecast.services.pastcasting import answers as pastcasts
from forecast.web.common import flash_error, login_required, me
from forecast.web.record_charts import calibration_chart

bp = Blueprint("calibration", __name__, url_prefix="/calibration")


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> str | Response:
    """List the sets; organizers can upload one (JSON or CSV)."""
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed("choose a file to upload", "file")
            text = upload.read(2_000_000).decode("utf-8", errors="replace")
            if upload.filename.endswith(".csv"):
                parsed = training.parse_csv(
                    text, slug=request.form.get("slug", ""), title=request.form.get("title", "")
                )
                document: Any = {
                    "format": training.FORMAT,
                    **parsed,
                    "items": [
                        {
                            "kind": i["kind"],
                            "prompt": i["prompt"],
                            "source": i["source"],
                            "unit": i["unit"],
                            "answer": i["answer_bool"]
                            if i["kind"] == "binary"
                            else i["answer_value"],
                        }
                        for i in parsed["items"]
                    ],
                }
            else:
                import orjson

                document = orjson.loads(text)
            stored, new = training.import_set(session=get_session(), actor=me(), document=document)
            flash(f"Set {stored.slug} {'added' if new else 'was already there'}.", "success")
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError):
                flash_error(exc)
            else:
                flash("the file is not valid JSON", "error")
        return redirect(url_for("calibration.index"))
    return render_template(
        "calibration/index.html",
        pastcasts_left=pastcasts.remaining_for(session=get_session(), user=me()),
        sets=training.list_sets(session=get_session(), user=me()),
        can_upload=is_organizer(me()),
        record=training.summary(session=get_session(), user=me()),
    )


@bp.route("/pastcasts")
@login_required
def pastcast_next() -> str:
    """Show the next pastcast: a resolved question as of its vantage date (or the empty state)."""
    item = pastcasts.next_pastcast(session=get_session(), user=me())
    return render_template("calibration/pastcast.html", item=item, typed={}, error=None)


def _answer_data(item: dict[str, Any], typed: dict[str, str]) -> dict[str, Any]:
    """Read the form as the service takes it: a percent of yes, or an interval's two ends
    (numbers, or on a date question the dates as typed)."""
    if item["kind"] != "interval":
        try:
            percent = float(typed["probability"].rstrip("%"))
        except ValueError:
            raise ValidationFailed(
                "give your probability as a number from 1 to 99", "probability"
            ) from None
        return {"probability": percent / 100}
    kind = kind_named("date" if item["is_date"] else "numeric")
    for end in ("lower", "upper"):
        unreadable = kind.unreadable(typed[end]) if typed[end] else f"give the {end} end"
        if unreadable:
            raise ValidationFailed(unreadable, end)
    return {end: kind.typed_point(typed[end]) for end in ("lower", "upper")}


@bp.route("/pastcasts/<int:question_id>", methods=["GET", "POST"])
@login_required
def pastcast(question_id: int) -> str | Response | tuple[str, int]:
    """Show one pastcast; on answer, grade it and show the reveal (bad values stay typed)."""
    db = get_session()
    try:
        item = pastcasts.pastcast(session=db, user=me(), question_id=question_id)
    except NotFound:
        abort(404)
    if request.method == "POST":
        typed = {k: request.form.get(k, "").strip() for k in ("probability", "lower", "upper")}
        try:
            data = _answer_data(item, typed)
            pastcasts.answer(session=db, user=me(), question_id=question_id, data=data)
        except NotFound:
            abort(404)
        except DomainError as exc:
            if exc.status == 409:
                flash(exc.message, "error")
                return redirect(url_for("calibration.pastcast", question_id=question_id))
            page = render_template(
                "calibration/pastcast.html",
                item=item,
                typed=typed,
                error=exc.message,
                error_field=exc.field,
            )
            return page, 422
        return redirect(url_for("calibration.pastcast", question_id=question_id))
    return render_template("calibration/pastcast.html", item=item, typed={}, error=None)


@bp.route("/<slug>", methods=["GET", "POST"])
@login_required
def train(slug: str) -> str | Response:
    """Show the next item; on answer, show the feedback right away."""
    db = get_session()
    if request.method == "POST":
        data: dict[str, Any] = {}
        try:
            item_id = int(request.form.get("item_id", "0"))
            if request.form.get("kind") == "binary":
                data = {
                    "answer": request.form.get("answer") == "true",
                    "confidence": float(request.form.get("confidence", "0")) / 100,
                }
            else:
                data = {
                    "lower": float(request.form.get("lower", "")),
                    "upper": float(request.form.get("upper", "")),
                }
            result = training.answer(session=db, user=me(), item_id=item_id, data=data)
            item = db.get(CalibrationItem, item_id)
            session["last_feedback"] = {
                "prompt": item.prompt if item else "",
                **result,
                "given": data,
            }
        except ValueError:
            flash("give numbers for your answer", "error")
        except DomainError as exc:
            flash_error(exc)
        return redirect(url_for("calibration.train", slug=slug))
    try:
        item = training.next_item(session=db, user=me(), slug=slug)
    except NotFound:
        abort(404)
    feedback = session.pop("last_feedback", None)
    return render_template(
        "calibration/train.html",
        slug=slug,
        item=item,
        feedback=feedback,
        record=training.summary(session=db, user=me()),
    )


@bp.route("/me")
@login_required
def summary() -> str:
    """Show my calibration: the chart, over- or under-confidence, scores, the badge."""
    record = training.summary(session=get_session(), user=me())
    bins = [
        {
            "count": b["count"],
            "mean_forecast": b["mean_confidence"],
            "mean_outcome": b["hit_rate"],
            "interval": [b["interval_low"], b["interval_high"]],
        }
        for b in record["binary"]["bins"]
    ]
    return render_template("calibration/summary.html", record=record, chart=calibration_chart(bins))
