"""Forecasts of an interchange file: read into arrays, validated and linked to the stored
forecasts in bulk with numpy (a million rows take seconds), then inserted in batches.

A record already stored (same question, user and time) is skipped; the first new record of a
user on a question must come after everything stored, since forecasts are append-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.core.choices import validate_probabilities
from forecast.core.distributions import (
    BINARY_MAX,
    BINARY_MIN,
    CDF_POINTS,
    DistributionError,
    cdf_errors,
    validate_cdf,
)
from forecast.infra.clock import from_epoch, parse_iso, to_epoch
from forecast.models import Forecast, Question, QuestionType
from forecast.models.questions import option_list
from forecast.services.interchange.import_report import BATCH, ImportReport, Progress, bad
from forecast.services.questions.input import QuestionDraft

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class QuestionInfo:
    """What checking a forecast needs of its question, stored or in the file."""

    index: int
    id: int | None
    type: str
    open_time: float
    close_time: float
    open_lower: bool
    open_upper: bool
    options: int = 0  # multiple choice: K


def question_infos(session: Session, new: Iterable[QuestionDraft]) -> dict[str, QuestionInfo]:
    """Index every stored question and every new one of the file by key."""
    infos: dict[str, QuestionInfo] = {}
    rows = session.execute(
        sa_select(
            col(Question.key),
            col(Question.id),
            col(Question.type),
            col(Question.open_time),
            col(Question.close_time),
            col(Question.open_lower),
            col(Question.open_upper),
            col(Question.options),
        )
    ).all()
    for key, qid, qtype, open_time, close_time, lower, upper, options in rows:
        infos[key] = QuestionInfo(
            len(infos),
            qid,
            qtype,
            to_epoch(open_time),
            to_epoch(close_time),
            lower,
            upper,
            len(option_list(options)),
        )
    for draft in new:
        assert draft.key is not None
        r = draft.range
        infos[draft.key] = QuestionInfo(
            len(infos),
            None,
            draft.type.value,
            to_epoch(draft.open_time),
            to_epoch(draft.close_time),
            bool(r and r.open_lower),
            bool(r and r.open_upper),
            len(draft.options),
        )
    return infos


@dataclass
class ForecastBatch:
    """The file's forecasts as arrays, one entry per record in file order."""

    question: np.ndarray  # question index into the infos
    user: np.ndarray  # index into usernames
    time: np.ndarray  # epoch seconds
    withdraw: np.ndarray
    probability: np.ndarray  # nan for continuous / withdrawals
    cdf_row: np.ndarray  # row in cdfs, -1 when none
    cdfs: np.ndarray
    rationale: list[str | None]
    where: list[str]
    # Multiple-choice records: their validated option probabilities, by record index.
    choices: dict[int, np.ndarray] = field(default_factory=dict)


def parse_forecasts(
    records: list[Any],
    infos: dict[str, QuestionInfo],
    users: dict[str, int],
    progress: Progress | None,
) -> ForecastBatch:
    """Read the forecast records into arrays, refusing the first malformed one."""
    n = len(records)
    question = np.empty(n, dtype=np.int64)
    user = np.empty(n, dtype=np.int64)
    times = np.empty(n, dtype=np.float64)
    withdraw = np.zeros(n, dtype=bool)
    probability = np.full(n, np.nan)
    cdf_row = np.full(n, -1, dtype=np.int64)
    cdf_lists: list[Any] = []
    rationale: list[str | None] = [None] * n
    choices: dict[int, np.ndarray] = {}
    binary = QuestionType.BINARY.value
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise bad(f"forecasts[{i}]", "must be an object")
        key, name = record.get("question"), record.get("user")
        info = infos.get(key) if isinstance(key, str) else None
        if info is None:
            raise bad(f"forecasts[{i}]", f"unknown question {key!r}")
        uid = users.get(name) if isinstance(name, str) else None
        if uid is None:
            raise bad(f"forecasts[{i}]", f"unknown user {name!r}")
        question[i], user[i] = info.index, uid
        try:
            times[i] = parse_iso(record["time"]).timestamp()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise bad(f"forecasts[{i}]", "time must be an ISO 8601 timestamp") from None
        if record.get("withdraw"):
            if "probability" in record or "cdf" in record or "probabilities" in record:
                raise bad(f"forecasts[{i}]", "a withdrawal carries no probability or cdf")
            withdraw[i] = True
        elif info.options:
            choices[i] = _choice(record, info, i)
        elif info.type == binary:
            if record.get("cdf") is not None:
                raise bad(f"forecasts[{i}]", "a binary forecast takes a probability, not a cdf")
            p = record.get("probability")
            if isinstance(p, bool) or not isinstance(p, int | float):
                raise bad(f"forecasts[{i}]", "a binary forecast needs a numeric probability")
            probability[i] = p
        else:
            if record.get("probability") is not None:
                raise bad(
                    f"forecasts[{i}]", f"a {info.type} forecast takes a cdf, not a probability"
                )
            c = record.get("cdf")
            if not isinstance(c, list) or len(c) != CDF_POINTS:
                raise bad(
                    f"forecasts[{i}]", f"a continuous forecast needs a cdf of {CDF_POINTS} numbers"
                )
            cdf_row[i] = len(cdf_lists)
            cdf_lists.append(c)
        text = record.get("rationale")
        if text is not None:
            if not isinstance(text, str) or len(text) > 10_000:
                raise bad(f"forecasts[{i}]", "rationale must be text of at most 10000 characters")
            rationale[i] = text
        if progress and i % BATCH == BATCH - 1:
            progress(BATCH)
    if progress:
        progress(n % BATCH)
    try:
        cdfs = np.array(cdf_lists, dtype=np.float64).reshape(len(cdf_lists), CDF_POINTS)
    except (ValueError, TypeError):
        culprit = next(
            i for i in range(n) if cdf_row[i] >= 0 and not _numeric(cdf_lists[cdf_row[i]])
        )
        raise bad(f"forecasts[{culprit}]", "cdf must contain only numbers") from None
    return ForecastBatch(
        question, user, times, withdraw, probability, cdf_row, cdfs, rationale, [], choices
    )


def _choice(record: dict[str, Any], info: QuestionInfo, i: int) -> np.ndarray:
    """Validate a multiple-choice record's probabilities, one per option."""
    if record.get("probability") is not None or record.get("cdf") is not None:
        raise bad(f"forecasts[{i}]", "a multiple-choice forecast takes probabilities")
    values = record.get("probabilities")
    if not isinstance(values, list):
        raise bad(f"forecasts[{i}]", f"probabilities must be a list of {info.options} numbers")
    try:
        return validate_probabilities(values, info.options)
    except DistributionError as exc:
        raise bad(f"forecasts[{i}]", exc.message) from None


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def validate_forecasts(batch: ForecastBatch, infos: dict[str, QuestionInfo]) -> None:
    """Check every forecast against its question at once; the first bad one is named."""
    by_index = sorted(infos.values(), key=lambda info: info.index)
    open_t = np.array([q.open_time for q in by_index])
    close_t = np.array([q.close_time for q in by_index])
    lower = np.array([q.open_lower for q in by_index], dtype=bool)
    upper = np.array([q.open_upper for q in by_index], dtype=bool)
    outside = (batch.time < open_t[batch.question]) | (batch.time > close_t[batch.question])
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise bad(f"forecasts[{i}]", "time is outside the question's [open_time, close_time]")
    is_p = ~np.isnan(batch.probability)
    bad_p = is_p & ~((batch.probability >= BINARY_MIN) & (batch.probability <= BINARY_MAX))
    if bad_p.any():
        i = int(np.flatnonzero(bad_p)[0])
        raise bad(f"forecasts[{i}]", f"probability must be in [{BINARY_MIN}, {BINARY_MAX}]")
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
            raise bad(f"forecasts[{i}]", message)


def write_forecasts(
    session: Session,
    batch: ForecastBatch,
    qid_of_index: np.ndarray,
    uid_of_index: np.ndarray,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    """Append the new forecasts, skip those stored already and close the rows they follow."""
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
            raise bad(f"forecasts[{i}]", "two records for the same question, user and time")
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
                raise bad(
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
        raise bad(f"forecasts[{i}]", "a withdrawal with no standing forecast before it")
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
    sources = source.tolist()
    rationales = [batch.rationale[i] for i in sources]
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
                "cdf": batch.cdfs[cdf_rows[j]]
                if cdf_rows[j] >= 0
                else batch.choices.get(sources[j]),
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
