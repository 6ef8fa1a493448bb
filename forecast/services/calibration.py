"""Calibration training: sets of known-answer items, answering them, and the running record."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from forecast.core.calibration import (
    CERTIFY_BINARY,
    CERTIFY_GAP_POINTS,
    CERTIFY_HIT_RANGE,
    CERTIFY_INTERVAL,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    certificate_progress,
    grade_binary,
    grade_interval,
    sessions,
    summarize_binary,
    summarize_interval,
)
from forecast.core.text import find_nul
from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import format_iso, from_epoch
from forecast.infra.db import MAX_ROW_ID, write
from forecast.models import (
    CalibrationAnswer,
    CalibrationItem,
    CalibrationSet,
    PastcastAnswer,
    Role,
    User,
)
from forecast.services.accounts.permissions import require_role, require_user
from forecast.services.pastcasting.answers import answered_rows
from forecast.services.pastcasting.record import pastcast_record
from forecast.services.training_answers import bounded, interval, store_once

FORMAT = "forecast-calibration/1"
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "1"), ("false", "no", "0")


def _item(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationFailed(f"{where}: must be an object")
    kind, prompt, source = raw.get("kind"), raw.get("prompt"), raw.get("source") or ""
    if kind not in ("binary", "interval"):
        raise ValidationFailed(f"{where}: kind must be binary or interval")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > 2000:
        raise ValidationFailed(f"{where}: prompt must be 1-2000 characters of text")
    answer = raw.get("answer")
    item: dict[str, Any] = {
        "kind": kind,
        "prompt": prompt.strip(),
        "source": str(source).strip(),
        "unit": None,
        "answer_bool": None,
        "answer_value": None,
    }
    if kind == "binary":
        if isinstance(answer, str) and answer.strip().lower() in TRUE_WORDS + FALSE_WORDS:
            answer = answer.strip().lower() in TRUE_WORDS
        if not isinstance(answer, bool):
            raise ValidationFailed(f"{where}: a binary item's answer is true or false")
        item["answer_bool"] = answer
    else:
        try:
            value = float(answer)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationFailed(f"{where}: an interval item's answer is a number") from None
        if isinstance(answer, bool) or not math.isfinite(value):
            raise ValidationFailed(f"{where}: an interval item's answer is a finite number")
        item["answer_value"] = value
        item["unit"] = str(raw.get("unit") or "").strip() or None
    return item


def parse_set(document: Any) -> dict[str, Any]:
    """Validate a set in the JSON format, naming the first bad item."""
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise ValidationFailed(f"a calibration set is a JSON object with format {FORMAT!r}")
    slug, title = document.get("slug"), document.get("title")
    if not isinstance(slug, str) or not slug or len(slug) > 80:
        raise ValidationFailed("slug must be 1-80 characters", "slug")
    if not isinstance(title, str) or not title.strip():
        raise ValidationFailed("title is required", "title")
    raw_items = document.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ValidationFailed("items must be a non-empty list", "items")
    items = [_item(raw, f"items[{i}]") for i, raw in enumerate(raw_items)]
    return {
        "slug": slug,
        "title": title.strip(),
        "description": str(document.get("description") or ""),
        "items": items,
    }


def parse_csv(text: str, *, slug: str, title: str, description: str = "") -> dict[str, Any]:
    """Validate a set given as CSV with columns kind,prompt,answer,unit,source."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"kind", "prompt", "answer"} <= set(reader.fieldnames):
        raise ValidationFailed("the CSV needs the columns kind, prompt, answer (unit, source)")
    raw = []
    for i, row in enumerate(reader, start=2):
        item = _item(row, f"row {i}")  # validated here so that errors name the CSV row
        answer = item["answer_bool"] if item["kind"] == "binary" else item["answer_value"]
        raw.append(
            {
                "kind": item["kind"],
                "prompt": item["prompt"],
                "answer": answer,
                "unit": item["unit"],
                "source": item["source"],
            }
        )
    return parse_set(
        {"format": FORMAT, "slug": slug, "title": title, "description": description, "items": raw}
    )


def import_set(
    *, session: Session, actor: User | None, document: Any, system: bool = False
) -> tuple[CalibrationSet, bool]:
    """Store a set (organizers; seeds pass system=True); return it and whether it was new."""
    if not system:
        require_role(actor, Role.ORGANIZER)
    parsed = parse_set(document)
    found = find_nul(parsed)
    if found:
        raise ValidationFailed("text may not contain the NUL character", found)
    with write(session):
        existing = session.exec(
            select(CalibrationSet).where(col(CalibrationSet.slug) == parsed["slug"])
        ).first()
        if existing is not None:
            stored_items = list(
                session.exec(
                    select(CalibrationItem)
                    .where(col(CalibrationItem.set_id) == existing.id)
                    .order_by(col(CalibrationItem.position))
                )
            )
            stored = [(i.kind, i.prompt, i.answer_bool, i.answer_value) for i in stored_items]
            given = [
                (i["kind"], i["prompt"], i["answer_bool"], i["answer_value"])
                for i in parsed["items"]
            ]
            if stored != given and system:
                # Seeds grow: items are matched by prompt, and new ones join the stored set.
                _add_new_items(session, existing, stored_items, parsed["items"])
            elif stored != given:
                raise Conflict(f"a different set with slug {parsed['slug']!r} exists", "slug")
            return existing, False
        new = CalibrationSet(
            slug=parsed["slug"],
            title=parsed["title"],
            description=parsed["description"],
            created_by_id=actor.id if actor else None,
        )
        session.add(new)
        session.flush()
        for position, item in enumerate(parsed["items"]):
            session.add(CalibrationItem(set_id=new.id, position=position, **item))  # type: ignore[arg-type]
    return new, True


def _add_new_items(
    session: Session,
    training: CalibrationSet,
    stored: list[CalibrationItem],
    given: list[dict[str, Any]],
) -> None:
    """Append the given items whose prompt the set lacks; a changed answer is a conflict."""
    by_prompt = {i.prompt: i for i in stored}
    position = max((i.position for i in stored), default=-1) + 1
    for item in given:
        known = by_prompt.get(item["prompt"])
        if known is None:
            session.add(CalibrationItem(set_id=training.id, position=position, **item))  # type: ignore[arg-type]
            position += 1
        elif (known.kind, known.answer_bool, known.answer_value) != (
            item["kind"],
            item["answer_bool"],
            item["answer_value"],
        ):
            raise Conflict(f"set {training.slug!r} already holds {item['prompt']!r} otherwise")


def list_sets(*, session: Session, user: User | None) -> list[dict[str, Any]]:
    """Return every set with its size and how many items the user has answered."""
    sizes = dict(
        session.exec(
            select(CalibrationItem.set_id, func.count()).group_by(col(CalibrationItem.set_id))
        ).all()
    )
    done: dict[int, int] = {}
    if user is not None:
        done = dict(
            session.exec(
                select(CalibrationItem.set_id, func.count())
                .join(CalibrationAnswer, col(CalibrationAnswer.item_id) == col(CalibrationItem.id))
                .where(col(CalibrationAnswer.user_id) == user.id)
                .group_by(col(CalibrationItem.set_id))
            ).all()
        )
    return [
        {
            "slug": s.slug,
            "title": s.title,
            "description": s.description,
            "items": int(sizes.get(s.id or 0, 0)),
            "answered": int(done.get(s.id or 0, 0)),
        }
        for s in session.exec(select(CalibrationSet).order_by(col(CalibrationSet.title)))
    ]


def shuffle_key(user_id: int, item_id: int) -> bytes:
    """Return where an item falls in one person's order: the same on every visit, theirs alone."""
    return hashlib.sha256(f"calibration:{user_id}:{item_id}".encode()).digest()


def next_item(*, session: Session, user: User | None, slug: str) -> CalibrationItem | None:
    """Return the user's next unanswered item of the set, in their own order (None when done).

    Sets are written grouped (true statements first, then false, then intervals); each person
    meets them shuffled instead, in an order that holds across visits.
    """
    user = require_user(user)
    training = session.exec(select(CalibrationSet).where(col(CalibrationSet.slug) == slug)).first()
    if training is None:
        raise NotFound(f"no calibration set {slug!r}", "slug")
    answered = select(CalibrationAnswer.item_id).where(col(CalibrationAnswer.user_id) == user.id)
    left = [
        item_id
        for item_id in session.exec(
            select(col(CalibrationItem.id)).where(
                col(CalibrationItem.set_id) == training.id,
                col(CalibrationItem.id).not_in(answered),
            )
        )
        if item_id is not None
    ]
    if not left:
        return None
    user_id = user.id or 0
    return session.get(CalibrationItem, min(left, key=lambda item: shuffle_key(user_id, item)))


def answer(
    *, session: Session, user: User | None, item_id: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Grade and store an answer; a second answer to the same item is a conflict."""
    user = require_user(user)
    item = session.get(CalibrationItem, item_id) if 0 < item_id <= MAX_ROW_ID else None
    if item is None:
        raise NotFound(f"no calibration item {item_id}")
    row = CalibrationAnswer(item_id=item_id, user_id=user.id, correct=False, score=0.0)  # type: ignore[arg-type]
    if item.kind == "binary":
        given = data.get("answer")
        if not isinstance(given, bool):
            raise ValidationFailed("answer must be true or false", "answer")
        confidence = bounded(
            data.get("confidence"),
            "confidence",
            CONFIDENCE_MIN,
            CONFIDENCE_MAX,
            "confidence must be between 0.5 and 0.99",
        )
        assert item.answer_bool is not None
        right, brier, log = grade_binary(given, confidence, item.answer_bool)
        row.answer_bool, row.confidence, row.correct, row.score = given, confidence, right, brier
        result: dict[str, Any] = {
            "correct": right,
            "truth": item.answer_bool,
            "score": brier,
            "log_score": log,
        }
    else:
        lower, upper = interval(data.get("lower"), data.get("upper"))
        assert item.answer_value is not None
        hit, score = grade_interval(lower, upper, item.answer_value)
        row.lower, row.upper, row.correct, row.score = lower, upper, hit, score
        result = {"correct": hit, "truth": item.answer_value, "score": score}
    store_once(session, row, "you have already answered this item", "item")
    result.update(source=item.source, unit=item.unit)
    return result


def summary(*, session: Session, user: User | None) -> dict[str, Any]:
    """Return the user's training record: calibration of true/false, intervals, the badge."""
    user = require_user(user)
    rows = session.exec(
        select(CalibrationAnswer, CalibrationItem.kind)
        .join(CalibrationItem, col(CalibrationItem.id) == col(CalibrationAnswer.item_id))
        .where(col(CalibrationAnswer.user_id) == user.id)
    ).all()
    binary = [a for a, kind in rows if kind == "binary"]
    intervals = [a for a, kind in rows if kind == "interval"]
    b = summarize_binary([a.confidence or 0.0 for a in binary], [a.correct for a in binary])
    i = summarize_interval([a.correct for a in intervals], [a.score for a in intervals])
    progress = certificate_progress(b, i)
    # Pastcasts join the history and have their own calibration; the badge counts only sets.
    pastcasts = answered_rows(session, user)
    ordered: list[CalibrationAnswer | PastcastAnswer] = sorted(
        [*(a for a, _ in rows), *pastcasts], key=lambda a: a.answered_at
    )
    sittings = sessions(
        [a.answered_at.timestamp() for a in ordered],
        [a.correct for a in ordered],
        [a.confidence if a.confidence is not None else float("nan") for a in ordered],
    )
    for sitting in sittings:
        sitting["started"] = format_iso(from_epoch(float(sitting["started"] or 0)))  # type: ignore[assignment]
    return {
        "sessions": sittings,
        "answered": len(rows) + len(pastcasts),
        "pastcast": pastcast_record(session, user, pastcasts),
        "binary": {
            "answered": b.answered,
            "bins": b.bins,
            "hit_rate": b.hit_rate,
            "mean_confidence": b.mean_confidence,
            "brier": b.brier,
            "log": b.log,
            "overconfidence_points": b.overconfidence_points,
        },
        "interval": i,
        "certified": progress.earned,
        "certificate": {
            "binary_needed": progress.binary_needed,
            "interval_needed": progress.interval_needed,
            "gap_points": progress.gap_points,
            "gap_ok": progress.gap_ok,
            "interval_hit_rate": progress.interval_hit_rate,
            "hit_rate_ok": progress.hit_rate_ok,
            "binary_required": CERTIFY_BINARY,
            "interval_required": CERTIFY_INTERVAL,
            "gap_limit_points": CERTIFY_GAP_POINTS,
            "hit_range": list(CERTIFY_HIT_RANGE),
        },
    }
