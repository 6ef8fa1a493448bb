"""One parser for a question's fields, shared by the API, the web form and the importer."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from forecast.core.choices import validate_options
from forecast.core.distributions import DistributionError
from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch
from forecast.models import Question, QuestionType
from forecast.services.kinds import kind_of
from forecast.services.kinds.ranges import QuestionRange as QuestionRange
from forecast.services.kinds.ranges import question_range as question_range
from forecast.services.kinds.ranges import question_scale as question_scale
from forecast.services.kinds.ranges import scale_of_range as scale_of_range
from forecast.services.kinds.ranges import store_range as store_range

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
TEXT_LIMITS = {"title": 300, "description": 20_000, "resolution_criteria": 20_000, "source": 2_000}
# Each field as a message names it (the API's `field` keeps the exact name).
FIELD_WORDS = {
    "description": "background",
    "resolution_criteria": "resolution criteria",
    "open_time": "open time",
    "close_time": "close time",
    "resolve_time": "resolve-by time",
    "aggregate_reveal_time": "reveal time",
    "range.min": "minimum",
    "range.max": "maximum",
    "range.zero_point": "zero point",
    "range.open_lower": "open lower bound setting",
    "range.open_upper": "open upper bound setting",
    "hide_aggregate_until_forecast": "hide-until-forecast setting",
    "aggregate_open_to_leaders": "open-to-leaders setting",
}


def field_words(field: str) -> str:
    """Name a field in words: 'close_time' -> 'close time'."""
    return FIELD_WORDS.get(field, field)


def words(field: str) -> str:
    """Name a field as a sentence does: 'close_time' -> 'the close time'."""
    return f"the {field_words(field)}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class QuestionDraft:
    """A question's validated fields, before it is stored."""

    key: str | None
    tournament: str | None
    type: QuestionType
    title: str
    description: str
    resolution_criteria: str
    source: str | None
    open_time: datetime
    close_time: datetime
    resolve_time: datetime
    range: QuestionRange | None
    # Anti-herding: the community prediction stays hidden until the viewer forecasts / a time.
    hide_aggregate_until_forecast: bool = False
    aggregate_reveal_time: datetime | None = None
    # Leaders see the hidden community prediction too, to act on their boundaries.
    aggregate_open_to_leaders: bool = False
    # Multiple-choice questions: the option labels in order.
    options: tuple[str, ...] = ()


def _text(data: Mapping[str, Any], name: str, *, required: bool) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_sentence(f"{words(name)} must be text"), name)
    value = value.strip()
    if required and not value:
        raise ValidationFailed(_sentence(f"{words(name)} is required"), name)
    if len(value) > TEXT_LIMITS[name]:
        raise ValidationFailed(
            _sentence(f"{words(name)} is longer than {TEXT_LIMITS[name]:,} characters"), name
        )
    return value


def parse_time(value: Any, name: str) -> datetime:
    """Parse an ISO 8601 timestamp field, naming the field when it is not one."""
    if isinstance(value, datetime):
        return parse_iso(value.isoformat())
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(_sentence(f"{words(name)} must be a date and time"), name)
    try:
        return parse_iso(value)
    except ValueError:
        raise ValidationFailed(
            _sentence(f"{words(name)} is not a date and time (ISO 8601): {value!r}"), name
        ) from None


def _bound(value: Any, name: str, qtype: QuestionType) -> float:
    if qtype is QuestionType.DATE:
        return to_epoch(parse_time(value, f"range.{name}"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(
            _sentence(f"{words(f'range.{name}')} must be a number"), f"range.{name}"
        )
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationFailed(
            _sentence(f"{words(f'range.{name}')} must be finite"), f"range.{name}"
        )
    return number


def parse_range(value: Any, qtype: QuestionType) -> QuestionRange | None:
    """Validate the range object of a continuous question (None for binary)."""
    if qtype in (QuestionType.BINARY, QuestionType.MULTIPLE_CHOICE):
        if value not in (None, {}):
            kind = "Binary" if qtype is QuestionType.BINARY else "Multiple-choice"
            raise ValidationFailed(f"{kind} questions have no range", "range")
        return None
    if not isinstance(value, Mapping):
        raise ValidationFailed(
            _sentence(f"{qtype.value} questions need a range with a minimum and a maximum"), "range"
        )
    for name in ("min", "max"):
        if value.get(name) is None:
            raise ValidationFailed(
                _sentence(f"{words(f'range.{name}')} is required"), f"range.{name}"
            )
    flags = {}
    for name in ("open_lower", "open_upper"):
        flag = value.get(name, False)
        if not isinstance(flag, bool):
            raise ValidationFailed(
                _sentence(f"{words(f'range.{name}')} must be true or false"), f"range.{name}"
            )
        flags[name] = flag
    zero_point = value.get("zero_point")
    if zero_point is not None:
        if qtype is QuestionType.DATE:
            raise ValidationFailed("Date questions have no zero point", "range.zero_point")
        zero_point = _bound(zero_point, "zero_point", qtype)
    parsed = QuestionRange(
        min=_bound(value["min"], "min", qtype),
        max=_bound(value["max"], "max", qtype),
        open_lower=flags["open_lower"],
        open_upper=flags["open_upper"],
        zero_point=zero_point,
    )
    try:
        scale_of_range(parsed)
    except DistributionError as exc:
        raise ValidationFailed(_sentence(exc.message), exc.field or "range") from None
    return parsed


def parse_type(value: Any) -> QuestionType:
    """Return the question type named, or refuse it."""
    try:
        return QuestionType(value)
    except ValueError:
        raise ValidationFailed(
            "The type must be binary, numeric, date or multiple_choice", "type"
        ) from None


def parse_key(value: Any) -> str | None:
    """Validate an optional question key."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        raise ValidationFailed(
            "The key must be 1-100 lowercase letters, digits, '.', '-' or '_'", "key"
        )
    return value


def parse_question(data: Mapping[str, Any]) -> QuestionDraft:
    """Validate an interchange-shaped question mapping into a draft."""
    if not isinstance(data, Mapping):
        raise ValidationFailed("A question must be a JSON object")
    qtype = parse_type(data.get("type"))
    tournament = data.get("tournament")
    if tournament is not None and (not isinstance(tournament, str) or not tournament.strip()):
        raise ValidationFailed("The tournament must be a tournament's slug", "tournament")
    open_time = parse_time(data.get("open_time"), "open_time")
    close_time = parse_time(data.get("close_time"), "close_time")
    resolve_time = parse_time(data.get("resolve_time") or data.get("close_time"), "resolve_time")
    if not open_time < close_time:
        raise ValidationFailed("The close time must be after the open time", "close_time")
    if resolve_time < close_time:
        raise ValidationFailed(
            "The resolve-by time must not be before the close time", "resolve_time"
        )
    source = _text(data, "source", required=False) or None
    return QuestionDraft(
        key=parse_key(data.get("key")),
        tournament=tournament.strip() if tournament else None,
        type=qtype,
        title=_text(data, "title", required=True),
        description=_text(data, "description", required=False),
        resolution_criteria=_text(data, "resolution_criteria", required=True),
        source=source,
        open_time=open_time,
        close_time=close_time,
        resolve_time=resolve_time,
        range=parse_range(data.get("range"), qtype),
        hide_aggregate_until_forecast=_flag(data, "hide_aggregate_until_forecast"),
        aggregate_reveal_time=(
            parse_time(data["aggregate_reveal_time"], "aggregate_reveal_time")
            if data.get("aggregate_reveal_time")
            else None
        ),
        aggregate_open_to_leaders=_flag(data, "aggregate_open_to_leaders"),
        options=parse_options(data.get("options"), qtype),
    )


def stored_options(options: tuple[str, ...]) -> str | None:
    """Return option labels as the questions table keeps them (JSON), None without options."""
    return json.dumps(list(options), ensure_ascii=False) if options else None


def parse_options(value: Any, qtype: QuestionType) -> tuple[str, ...]:
    """Validate a multiple-choice question's option labels (none for other kinds)."""
    if qtype is not QuestionType.MULTIPLE_CHOICE:
        if value not in (None, [], ()):
            raise ValidationFailed("Only multiple-choice questions have options", "options")
        return ()
    try:
        return tuple(validate_options(value))
    except DistributionError as exc:
        raise ValidationFailed(_sentence(exc.message), "options") from None


def _flag(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationFailed(_sentence(f"{words(name)} must be true or false"), name)
    return value


def new_key(title: str) -> str:
    """Make a key from a title plus a short random suffix."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "question"
    return f"{stem}-{secrets.token_hex(3)}"


def range_to_json(question: Question) -> dict[str, Any] | None:
    """Render a question's range as the interchange object."""
    r = question_range(question)
    if r is None:
        return None
    kind = kind_of(question)
    return {
        "min": kind.render_point(r.min),
        "max": kind.render_point(r.max),
        "open_lower": r.open_lower,
        "open_upper": r.open_upper,
        "zero_point": None if r.zero_point is None else kind.render_point(r.zero_point),
    }
