"""Import an interchange file: validate everything first, then write it in one transaction.

Records are matched by key (username, tournament slug, question key; a forecast by question,
user and time), so importing the same file twice changes nothing; a matched user, tournament
or question whose fields differ from the stored ones is not applied, and the report says which.
Every record is checked with the rules the API uses; the first bad one aborts the import with a
message naming it and nothing is written. Forecasts are validated and linked in bulk with numpy
(a million rows take seconds), then inserted in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.core.distributions import (
    BINARY_MAX,
    BINARY_MIN,
    CDF_POINTS,
    DistributionError,
    cdf_errors,
    validate_cdf,
)
from forecast.core.text import NUL, find_nul
from forecast.errors import ValidationFailed
from forecast.infra.clock import from_epoch, parse_iso, to_epoch, utcnow
from forecast.infra.db import write
from forecast.models import Forecast, Question, QuestionStatus, QuestionType, Tournament, User
from forecast.services.accounts.users import parse_role, validate_username
from forecast.services.interchange.differences import Matched, unapplied
from forecast.services.interchange.export import FORMAT
from forecast.services.questions.input import QuestionDraft, parse_question, scale_of_range
from forecast.services.questions.lifecycle import scheduled_status
from forecast.services.resolution.input import Resolution, parse_resolution

Progress = Callable[[int], None]
BATCH = 20_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ImportError_(ValidationFailed):
    """A record of the file breaks a rule; the message names the record."""


@dataclass
class ImportReport:
    """What an import created, what it found already present, and what it did not apply."""

    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Describe the import in one line, then each stored value kept over the file's."""
        parts = [
            f"{self.created.get(k, 0)} {k} created, {self.existing.get(k, 0)} already present"
            for k in ("users", "tournaments", "questions", "forecasts")
        ]
        return "\n".join(["; ".join(parts), *self.kept])


def _bad(where: str, message: str) -> ImportError_:
    return ImportError_(f"{where}: {message}")


def _list(document: Mapping[str, Any], name: str) -> list[Any]:
    value = document.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(name, "must be a list")
    return value


def _parse_resolution(value: Any, draft: QuestionDraft, where: str) -> Resolution | None:
    if value is None:
        return None
    try:
        return parse_resolution(
            value, qtype=draft.type, range_=draft.range, open_time=draft.open_time
        )
    except ValidationFailed as exc:
        raise _bad(where, f"resolution: {exc.message}") from None


@dataclass
class _Plan:
    users: list[tuple[str, str]] = field(default_factory=list)
    tournaments: list[dict[str, str]] = field(default_factory=list)
    questions: list[tuple[QuestionDraft, Resolution | None]] = field(default_factory=list)
    matched: Matched = field(default_factory=Matched)  # records whose key is stored already


def _plan_entities(session: Session, document: Mapping[str, Any], report: ImportReport) -> _Plan:
    plan = _Plan()
    known_users = set(session.exec(select(col(User.username))).all())
    seen: set[str] = set()
    for i, record in enumerate(_list(document, "users")):
        where = f"users[{i}]"
        if not isinstance(record, Mapping):
            raise _bad(where, "must be an object")
        try:
            name = validate_username(str(record.get("username", "")))
            role = parse_role(str(record.get("role", "forecaster"))).value
        except ValidationFailed as exc:
            raise _bad(f"{where} ({record.get('username')!r})", exc.message) from None
        if name in seen:
            raise _bad(where, f"username {name!r} appears twice")
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
            raise _bad(where, "must be an object")
        slug, title = record.get("slug"), record.get("title")
        if not isinstance(slug, str) or not slug or len(slug) > 80:
            raise _bad(where, "slug must be a non-empty string of at most 80 characters")
        if not isinstance(title, str) or not title.strip():
            raise _bad(f"{where} ({slug!r})", "title is required")
        if slug in seen:
            raise _bad(where, f"slug {slug!r} appears twice")
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
    for i, record in enumerate(_list(document, "questions")):
        where = f"questions[{i}]"
        if not isinstance(record, Mapping):
            raise _bad(where, "must be an object")
        where = f"{where} ({record.get('key')!r})"
        if not record.get("key"):
            raise _bad(where, "key is required in an interchange file")
        try:
            draft = parse_question(record)
        except ValidationFailed as exc:
            raise _bad(where, exc.message) from None
        if draft.tournament is not None and draft.tournament not in all_slugs:
            raise _bad(where, f"unknown tournament {draft.tournament!r}")
        assert draft.key is not None
        if draft.key in seen:
            raise _bad(where, "key appears twice")
        seen.add(draft.key)
        resolution = _parse_resolution(record.get("resolution"), draft, where)
        if draft.key in known_keys:
            report.existing["questions"] = report.existing.get("questions", 0) + 1
            plan.matched.questions.append((record, draft, resolution))
        else:
            plan.questions.append((draft, resolution))
    return plan


@dataclass(frozen=True)
class _QuestionInfo:
    index: int
    id: int | None
    type: str
    open_time: float
    close_time: float
    open_lower: bool
    open_upper: bool


def _question_infos(session: Session, plan: _Plan) -> dict[str, _QuestionInfo]:
    infos: dict[str, _QuestionInfo] = {}
    rows = session.execute(
        sa_select(
            col(Question.key),
            col(Question.id),
            col(Question.type),
            col(Question.open_time),
            col(Question.close_time),
            col(Question.open_lower),
            col(Question.open_upper),
        )
    ).all()
    for key, qid, qtype, open_time, close_time, lower, upper in rows:
        infos[key] = _QuestionInfo(
            len(infos), qid, qtype, to_epoch(open_time), to_epoch(close_time), lower, upper
        )
    for draft, _ in plan.questions:
        assert draft.key is not None
        r = draft.range
        infos[draft.key] = _QuestionInfo(
            len(infos),
            None,
            draft.type.value,
            to_epoch(draft.open_time),
            to_epoch(draft.close_time),
            bool(r and r.open_lower),
            bool(r and r.open_upper),
        )
    return infos


@dataclass
class _ForecastBatch:
    question: np.ndarray  # question index into the infos
    user: np.ndarray  # index into usernames
    time: np.ndarray  # epoch seconds
    withdraw: np.ndarray
    probability: np.ndarray  # nan for continuous / withdrawals
    cdf_row: np.ndarray  # row in cdfs, -1 when none
    cdfs: np.ndarray
    rationale: list[str | None]
    where: list[str]


def _parse_forecasts(
    records: list[Any],
    infos: dict[str, _QuestionInfo],
    users: dict[str, int],
    progress: Progress | None,
) -> _ForecastBatch:
    n = len(records)
    question = np.empty(n, dtype=np.int64)
    user = np.empty(n, dtype=np.int64)
    times = np.empty(n, dtype=np.float64)
    withdraw = np.zeros(n, dtype=bool)
    probability = np.full(n, np.nan)
    cdf_row = np.full(n, -1, dtype=np.int64)
    cdf_lists: list[Any] = []
    rationale: list[str | None] = [None] * n
    binary = QuestionType.BINARY.value
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise _bad(f"forecasts[{i}]", "must be an object")
        key, name = record.get("question"), record.get("user")
        info = infos.get(key) if isinstance(key, str) else None
        if info is None:
            raise _bad(f"forecasts[{i}]", f"unknown question {key!r}")
        uid = users.get(name) if isinstance(name, str) else None
        if uid is None:
            raise _bad(f"forecasts[{i}]", f"unknown user {name!r}")
        question[i], user[i] = info.index, uid
        try:
            times[i] = parse_iso(record["time"]).timestamp()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _bad(f"forecasts[{i}]", "time must be an ISO 8601 timestamp") from None
        if record.get("withdraw"):
            if "probability" in record or "cdf" in record:
                raise _bad(f"forecasts[{i}]", "a withdrawal carries no probability or cdf")
            withdraw[i] = True
        elif info.type == binary:
            if record.get("cdf") is not None:
                raise _bad(f"forecasts[{i}]", "a binary forecast takes a probability, not a cdf")
            p = record.get("probability")
            if isinstance(p, bool) or not isinstance(p, int | float):
                raise _bad(f"forecasts[{i}]", "a binary forecast needs a numeric probability")
            probability[i] = p
        else:
            if record.get("probability") is not None:
                raise _bad(
                    f"forecasts[{i}]", f"a {info.type} forecast takes a cdf, not a probability"
                )
            c = record.get("cdf")
            if not isinstance(c, list) or len(c) != CDF_POINTS:
                raise _bad(
                    f"forecasts[{i}]", f"a continuous forecast needs a cdf of {CDF_POINTS} numbers"
                )
            cdf_row[i] = len(cdf_lists)
            cdf_lists.append(c)
        text = record.get("rationale")
        if text is not None:
            if not isinstance(text, str) or len(text) > 10_000:
                raise _bad(f"forecasts[{i}]", "rationale must be text of at most 10000 characters")
            rationale[i] = text
        if progress and i % BATCH == BATCH - 1:
            progress(BATCH)
    if progress:
        progress(n % BATCH)
    try:
        cdfs = np.array(cdf_lists, dtype=np.float64).reshape(len(cdf_lists), CDF_POINTS)
    except (ValueError, TypeError):
        bad = next(i for i in range(n) if cdf_row[i] >= 0 and not _numeric(cdf_lists[cdf_row[i]]))
        raise _bad(f"forecasts[{bad}]", "cdf must contain only numbers") from None
    return _ForecastBatch(
        question, user, times, withdraw, probability, cdf_row, cdfs, rationale, []
    )


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _validate_forecasts(batch: _ForecastBatch, infos: dict[str, _QuestionInfo]) -> None:
    by_index = sorted(infos.values(), key=lambda info: info.index)
    open_t = np.array([q.open_time for q in by_index])
    close_t = np.array([q.close_time for q in by_index])
    lower = np.array([q.open_lower for q in by_index], dtype=bool)
    upper = np.array([q.open_upper for q in by_index], dtype=bool)
    outside = (batch.time < open_t[batch.question]) | (batch.time > close_t[batch.question])
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise _bad(f"forecasts[{i}]", "time is outside the question's [open_time, close_time]")
    is_p = ~np.isnan(batch.probability)
    bad_p = is_p & ~((batch.probability >= BINARY_MIN) & (batch.probability <= BINARY_MAX))
    if bad_p.any():
        i = int(np.flatnonzero(bad_p)[0])
        raise _bad(f"forecasts[{i}]", f"probability must be in [{BINARY_MIN}, {BINARY_MAX}]")
    has_cdf = np.flatnonzero(batch.cdf_row >= 0)
    if has_cdf.size:
        q_of_cdf = batch.question[has_cdf]
        bad_rows = cdf_errors(batch.cdfs, lower[q_of_cdf], upper[q_of_cdf])
        if len(bad_rows):
            i = int(has_cdf[int(bad_rows[0])])
            info = by_index[int(batch.question[i])]
            from forecast.core.distributions import Scale

            scale = Scale(0.0, 1.0, info.open_lower, info.open_upper)
            try:
                validate_cdf(batch.cdfs[batch.cdf_row[i]], scale)
                message = "invalid cdf"
            except DistributionError as exc:
                message = exc.message
            raise _bad(f"forecasts[{i}]", message)


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
        raise _bad("file", "the top level must be a JSON object")
    if document.get("format") != FORMAT:
        raise _bad("format", f"expected {FORMAT!r}, got {document.get('format')!r}")
    found = _text_with_nul(document)
    if found:
        raise _bad(found, "text may not contain the NUL character")
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
    infos = _question_infos(session, plan)
    usernames = [name for (name,) in session.execute(sa_select(col(User.username))).all()]
    usernames += [name for name, _ in plan.users]
    user_index = {name: i for i, name in enumerate(usernames)}
    records = _list(document, "forecasts")
    batch = _parse_forecasts(records, infos, user_index, progress)
    _validate_forecasts(batch, infos)

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
    _write_forecasts(session, batch, qid_of_index, uid_of_index, report, progress)


def _question_row(
    draft: QuestionDraft, resolution: Resolution | None, slug_ids: dict[str, int], now: datetime
) -> Question:
    r = draft.range
    question = Question(
        key=draft.key or "",
        type=draft.type.value,
        status="",
        title=draft.title,
        description=draft.description,
        resolution_criteria=draft.resolution_criteria,
        source=draft.source,
        open_time=draft.open_time,
        close_time=draft.close_time,
        resolve_time=draft.resolve_time,
        tournament_id=slug_ids[draft.tournament] if draft.tournament else None,
        range_min=r.min if r else None,
        range_max=r.max if r else None,
        open_lower=r.open_lower if r else False,
        open_upper=r.open_upper if r else False,
        zero_point=r.zero_point if r else None,
        hide_aggregate_until_forecast=draft.hide_aggregate_until_forecast,
        aggregate_reveal_time=draft.aggregate_reveal_time,
        aggregate_open_to_leaders=draft.aggregate_open_to_leaders,
    )
    if r is not None:
        scale_of_range(r)
    if resolution is None:
        question.status = scheduled_status(question, now).value
    else:
        annulled = resolution.outcome in ("annulled", "ambiguous")
        question.status = (QuestionStatus.ANNULLED if annulled else QuestionStatus.RESOLVED).value
        question.resolution_outcome = resolution.outcome
        question.resolution_value = resolution.value
        question.resolved_at = resolution.resolved_at
    return question


def _write_forecasts(
    session: Session,
    batch: _ForecastBatch,
    qid_of_index: np.ndarray,
    uid_of_index: np.ndarray,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    n = len(batch.time)
    qids = qid_of_index[batch.question]
    uids = uid_of_index[batch.user]
    # Microsecond integers make time comparisons with stored rows exact.
    micros = np.round(batch.time * 1e6).astype(np.int64)
    order = np.lexsort((micros, uids, qids))
    q_s, u_s, t_s = qids[order], uids[order], micros[order]
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = (q_s[1:] == q_s[:-1]) & (u_s[1:] == u_s[:-1])
        dup = same_next[:-1] & (t_s[1:] == t_s[:-1])
        if dup.any():
            i = int(order[int(np.flatnonzero(dup)[0]) + 1])
            raise _bad(f"forecasts[{i}]", "two records for the same question, user and time")
    first_of_group = np.ones(n, dtype=bool)
    if n > 1:
        first_of_group[1:] = ~same_next[:-1]

    stored = _stored_forecasts(session, set(np.unique(qids).tolist()))
    skip = np.zeros(n, dtype=bool)
    closes_stored = np.zeros(n, dtype=bool)
    close_stored: list[tuple[int, int]] = []  # (forecast id, end micros)
    for j in np.flatnonzero(first_of_group):
        key = (int(q_s[j]), int(u_s[j]))
        rows = stored.get(key)
        if not rows:
            continue
        # rows: list of (id, start_us, end_us or None) sorted by start
        last_id, last_start, last_end = rows[-1]
        # Records already stored are skipped; the first new one must come after them all.
        starts = {s for _, s, _ in rows}
        ends = {e for _, _, e in rows if e is not None}
        k = j
        while True:
            i = int(order[k])
            t = int(t_s[k])
            is_withdraw = bool(batch.withdraw[i])
            known = (t in ends) if is_withdraw else (t in starts)
            if known:
                skip[k] = True
            elif t <= (last_end if last_end is not None else last_start):
                raise _bad(
                    f"forecasts[{i}]",
                    "is earlier than the latest stored forecast of that "
                    "user on that question (forecasts are append-only)",
                )
            else:
                if last_end is None:
                    close_stored.append((last_id, t))
                    closes_stored[k] = True
                break
            if k + 1 >= n or not same_next[k]:
                break
            k += 1

    keep = ~skip
    # A withdrawal ends the row before it; it never becomes a row of its own.
    next_time = np.full(n, -1, dtype=np.int64)
    if n > 1:
        next_time[:-1] = np.where(same_next[:-1], t_s[1:], -1)
    w_s = batch.withdraw[order]
    prev_is_withdraw_or_none = np.ones(n, dtype=bool)
    if n > 1:
        prev_is_withdraw_or_none[1:] = ~same_next[:-1] | w_s[:-1]
    stray = w_s & prev_is_withdraw_or_none & keep & ~closes_stored
    if stray.any():
        i = int(order[int(np.flatnonzero(stray)[0])])
        raise _bad(f"forecasts[{i}]", "a withdrawal with no standing forecast before it")
    for forecast_id, end_us in close_stored:
        session.execute(
            update(Forecast)
            .where(col(Forecast.id) == forecast_id)
            .values(end_time=from_epoch(end_us / 1e6))
        )
    touched = np.unique(q_s[keep]).tolist()
    if touched:
        session.execute(
            update(Question)
            .where(col(Question.id).in_(touched))
            .values(forecasts_version=col(Question.forecasts_version) + 1)
        )
    rows_to_insert = np.flatnonzero(keep & ~w_s)
    report.created["forecasts"] = int(rows_to_insert.size)
    report.existing["forecasts"] = int(skip[~w_s].sum())
    # Gather the columns as plain lists first: per-element numpy access would dominate.
    source = order[rows_to_insert]
    question_ids = q_s[rows_to_insert].tolist()
    user_ids = u_s[rows_to_insert].tolist()
    starts = t_s[rows_to_insert].tolist()
    ends = next_time[rows_to_insert].tolist()
    probabilities = [None if p != p else p for p in batch.probability[source].tolist()]
    cdf_rows = batch.cdf_row[source].tolist()
    rationales = [batch.rationale[i] for i in source.tolist()]
    table = Forecast.__table__  # type: ignore[attr-defined]
    for begin in range(0, len(question_ids), BATCH):
        stop = min(begin + BATCH, len(question_ids))
        values = [
            {
                "question_id": question_ids[j],
                "user_id": user_ids[j],
                "start_time": _EPOCH + timedelta(microseconds=starts[j]),
                "end_time": _EPOCH + timedelta(microseconds=ends[j]) if ends[j] >= 0 else None,
                "probability": probabilities[j],
                "cdf": batch.cdfs[cdf_rows[j]] if cdf_rows[j] >= 0 else None,
                "rationale": rationales[j],
            }
            for j in range(begin, stop)
        ]
        session.execute(insert(table), values)
        if progress:
            progress(stop - begin)


def _stored_forecasts(
    session: Session, question_ids: set[int]
) -> dict[tuple[int, int], list[tuple[int, int, int | None]]]:
    stored: dict[tuple[int, int], list[tuple[int, int, int | None]]] = {}
    if not question_ids:
        return stored
    ids = sorted(question_ids)
    for begin in range(0, len(ids), 500):
        rows = session.execute(
            sa_select(
                col(Forecast.id),
                col(Forecast.question_id),
                col(Forecast.user_id),
                col(Forecast.start_time),
                col(Forecast.end_time),
            ).where(col(Forecast.question_id).in_(ids[begin : begin + 500]))
        ).all()
        for fid, qid, uid, start, end in rows:
            stored.setdefault((qid, uid), []).append(
                (fid, round(start.timestamp() * 1e6), round(end.timestamp() * 1e6) if end else None)
            )
    for rows_of in stored.values():
        rows_of.sort(key=lambda r: r[1])
    return stored
