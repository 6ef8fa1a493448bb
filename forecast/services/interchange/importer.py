"""Import an interchange file: validate everything first, then write it in one transaction.

Records are matched by key (username, tournament slug, question key; a forecast by question,
user and time), so importing the same file twice changes nothing; a matched user, tournament
or question whose fields differ from the stored ones is not applied, and the report says which.
Every record is checked with the rules the API uses; the first bad one aborts the import with a
message naming it and nothing is written. Forecasts are validated and linked in bulk with numpy
(a million rows take seconds), then inserted in batches (import_forecasts.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.core.text import NUL, find_nul
from forecast.errors import ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import write
from forecast.models import Question, QuestionStatus, Tournament, User
from forecast.services.accounts.users import parse_role, validate_username
from forecast.services.conditionals.follow import follow
from forecast.services.conditionals.interchange import (
    ConditionError,
    PlannedLink,
    complete_records,
    write_links,
)
from forecast.services.interchange.differences import Matched, unapplied
from forecast.services.interchange.export import FORMAT
from forecast.services.interchange.import_forecasts import (
    parse_forecasts,
    question_infos,
    validate_forecasts,
    write_forecasts,
)
from forecast.services.interchange.import_report import ImportReport, Progress, bad
from forecast.services.interchange.teams import import_teams
from forecast.services.questions.input import (
    QuestionDraft,
    parse_question,
    scale_of_range,
)
from forecast.services.questions.lifecycle import question_from_draft, scheduled_status
from forecast.services.resolution.input import Resolution, parse_resolution


def _list(document: Mapping[str, Any], name: str) -> list[Any]:
    value = document.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad(name, "must be a list")
    return value


def _parse_resolution(value: Any, draft: QuestionDraft, where: str) -> Resolution | None:
    if value is None:
        return None
    try:
        return parse_resolution(
            value,
            qtype=draft.type,
            range_=draft.range,
            open_time=draft.open_time,
            options=draft.options,
        )
    except ValidationFailed as exc:
        raise bad(where, f"resolution: {exc.message}") from None


@dataclass
class _Plan:
    users: list[tuple[str, str]] = field(default_factory=list)
    tournaments: list[dict[str, str]] = field(default_factory=list)
    questions: list[tuple[QuestionDraft, Resolution | None]] = field(default_factory=list)
    matched: Matched = field(default_factory=Matched)  # records whose key is stored already
    links: list[PlannedLink] = field(default_factory=list)  # new conditional questions


def _plan_entities(session: Session, document: Mapping[str, Any], report: ImportReport) -> _Plan:
    plan = _Plan()
    known_users = set(session.exec(select(col(User.username))).all())
    seen: set[str] = set()
    for i, record in enumerate(_list(document, "users")):
        where = f"users[{i}]"
        if not isinstance(record, Mapping):
            raise bad(where, "must be an object")
        try:
            name = validate_username(str(record.get("username", "")))
            role = parse_role(str(record.get("role", "forecaster"))).value
        except ValidationFailed as exc:
            raise bad(f"{where} ({record.get('username')!r})", exc.message) from None
        if name in seen:
            raise bad(where, f"username {name!r} appears twice")
        seen.add(name)
        if name in known_users:
            report.existing["users"] = report.existing.get("users", 0) + 1
            plan.matched.users.append((name, record, role))
        else:
            plan.users.append((name, role))
    known_slugs = set(session.exec(select(col(Tournament.slug))).all())
    seen = set()
    for i, record in enumerate(_list(document, "tournaments")):
        where = f"tournaments[{i}]"
        if not isinstance(record, Mapping):
            raise bad(where, "must be an object")
        slug, title = record.get("slug"), record.get("title")
        if not isinstance(slug, str) or not slug or len(slug) > 80:
            raise bad(where, "slug must be a non-empty string of at most 80 characters")
        if not isinstance(title, str) or not title.strip():
            raise bad(f"{where} ({slug!r})", "title is required")
        if slug in seen:
            raise bad(where, f"slug {slug!r} appears twice")
        seen.add(slug)
        parsed = {"title": title.strip(), "description": str(record.get("description") or "")}
        if slug in known_slugs:
            report.existing["tournaments"] = report.existing.get("tournaments", 0) + 1
            plan.matched.tournaments.append((slug, record, parsed))
        else:
            plan.tournaments.append({"slug": slug, **parsed})
    all_slugs = known_slugs | seen
    known_keys = set(session.exec(select(col(Question.key))).all())
    seen = set()
    try:
        question_records, conditional = complete_records(session, _list(document, "questions"))
    except ConditionError as exc:
        raise bad("questions", str(exc)) from None
    for i, record in enumerate(question_records):
        where = f"questions[{i}]"
        if not isinstance(record, Mapping):
            raise bad(where, "must be an object")
        where = f"{where} ({record.get('key')!r})"
        if not record.get("key"):
            raise bad(where, "key is required in an interchange file")
        try:
            draft = parse_question(record)
        except ValidationFailed as exc:
            raise bad(where, exc.message) from None
        if draft.tournament is not None and draft.tournament not in all_slugs:
            raise bad(where, f"unknown tournament {draft.tournament!r}")
        assert draft.key is not None
        if draft.key in seen:
            raise bad(where, "key appears twice")
        seen.add(draft.key)
        resolution = _parse_resolution(record.get("resolution"), draft, where)
        if draft.key in known_keys:
            report.existing["questions"] = report.existing.get("questions", 0) + 1
            plan.matched.questions.append((record, draft, resolution))
        else:
            plan.questions.append((draft, resolution))
            if i in conditional:
                plan.links.append(conditional[i])
    return plan


def _text_with_nul(document: Mapping[str, Any]) -> str | None:
    """Return where the document holds a NUL character (forecasts' value arrays are numbers and
    are checked by their own validation, so only their text fields are looked at)."""
    for name, part in document.items():
        if name != "forecasts":
            found = find_nul(part, str(name))
        elif isinstance(part, list):
            found = next(
                (
                    f"forecasts[{i}].{key}"
                    for i, record in enumerate(part)
                    if isinstance(record, Mapping)
                    for key, value in record.items()
                    if isinstance(value, str) and NUL in value
                ),
                None,
            )
        else:
            found = None
        if found:
            return found
    return None


def import_document(
    *,
    session: Session,
    document: Any,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Validate and load an interchange document in one transaction; nothing is written on error."""
    if not isinstance(document, Mapping):
        raise bad("file", "the top level must be a JSON object")
    if document.get("format") != FORMAT:
        raise bad("format", f"expected {FORMAT!r}, got {document.get('format')!r}")
    found = _text_with_nul(document)
    if found:
        raise bad(found, "text may not contain the NUL character")
    now = now or utcnow()
    report = ImportReport()
    with write(session):
        _import(session, document, report, progress, now)
    return report


def _import(
    session: Session,
    document: Mapping[str, Any],
    report: ImportReport,
    progress: Progress | None,
    now: datetime,
) -> None:
    plan = _plan_entities(session, document, report)
    report.kept = unapplied(session, plan.matched)
    infos = question_infos(session, [draft for draft, _ in plan.questions])
    usernames = [name for (name,) in session.execute(sa_select(col(User.username))).all()]
    usernames += [name for name, _ in plan.users]
    user_index = {name: i for i, name in enumerate(usernames)}
    records = _list(document, "forecasts")
    batch = parse_forecasts(records, infos, user_index, progress)
    validate_forecasts(batch, infos)

    # Entities first, so forecasts can refer to their ids.
    if plan.users:
        session.execute(
            insert(User),
            [
                {
                    "username": n,
                    "role": r,
                    "password_hash": None,
                    "is_demo": False,
                    "created_at": now,
                }
                for n, r in plan.users
            ],
        )
    if plan.tournaments:
        session.execute(insert(Tournament), [dict(t, created_at=now) for t in plan.tournaments])
    slug_ids: dict[str, int] = {
        slug: tid
        for slug, tid in session.execute(sa_select(col(Tournament.slug), col(Tournament.id)))
    }
    for draft, resolution in plan.questions:
        session.add(_question_row(draft, resolution, slug_ids, now))
    session.flush()
    teams = import_teams(session, document)
    if teams:
        report.created["teams"] = teams
    report.created.update(
        users=len(plan.users), tournaments=len(plan.tournaments), questions=len(plan.questions)
    )
    question_ids: dict[str, int] = {
        key: qid for key, qid in session.execute(sa_select(col(Question.key), col(Question.id)))
    }
    user_ids: dict[str, int] = {
        name: uid for name, uid in session.execute(sa_select(col(User.username), col(User.id)))
    }
    qid_of_index = np.zeros(len(infos), dtype=np.int64)
    for key, info in infos.items():
        qid_of_index[info.index] = question_ids[key]
    uid_of_index = np.array([user_ids[name] for name in usernames], dtype=np.int64)
    write_forecasts(session, batch, qid_of_index, uid_of_index, report, progress)
    if plan.links:
        # Scored by the scoring job, as the file's other resolved questions are.
        follow(session, write_links(session, plan.links), actor=None, score=False, now=now)


def _question_row(
    draft: QuestionDraft, resolution: Resolution | None, slug_ids: dict[str, int], now: datetime
) -> Question:
    tournament_id = slug_ids[draft.tournament] if draft.tournament else None
    question = question_from_draft(draft, draft.key or "", tournament_id)
    if draft.range is not None:
        scale_of_range(draft.range)
    if resolution is None:
        question.status = scheduled_status(question, now).value
    else:
        annulled = resolution.outcome in ("annulled", "ambiguous")
        question.status = (QuestionStatus.ANNULLED if annulled else QuestionStatus.RESOLVED).value
        question.resolution_outcome = resolution.outcome
        question.resolution_value = resolution.value
        question.resolved_at = resolution.resolved_at
    return question
