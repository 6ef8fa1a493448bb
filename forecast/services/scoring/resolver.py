"""The resolver: scores for resolved questions, gathered in bulk, computed by forecast.core.scoring.

Rows are read with one statement per chunk of questions, turned into flat arrays (CDFs decoded
in bulk), scored by one call to `forecast.core.scoring.score`, and written with one bulk insert.
Scoring is idempotent: a question's score rows are replaced as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.core.distributions import CDF_POINTS
from forecast.core.scoring import (
    ForecastArrays,
    QuestionArrays,
    binary_outcome_probability,
    choice_brier,
    choice_outcome_probability,
    continuous_outcome_probability,
    score,
)
from forecast.infra.clock import to_epoch, utcnow
from forecast.infra.db import write
from forecast.models import Forecast, Question, QuestionStatus, Score
from forecast.services.aggregation.data_versions import SCORES, move_data_version
from forecast.services.kinds.ranges import question_scale
from forecast.services.trends.scoring import write_reference_scores

CHUNK = 2_000
_F = Forecast.__table__  # type: ignore[attr-defined]
_S = Score.__table__  # type: ignore[attr-defined]


def _bucket(question: Question) -> int:
    """Return the resolution bucket (0..201) of a continuous question."""
    from forecast.core.distributions import resolution_bucket

    if question.resolution_outcome == "below_lower_bound":
        return 0
    if question.resolution_outcome == "above_upper_bound":
        return 201  # the "above max" bucket
    assert question.resolution_value is not None
    return resolution_bucket(question.resolution_value, question_scale(question))


def _choice_inputs(
    rows: Sequence[Any],
    q_idx: NDArray[np.int64],
    choice_rows: NDArray[np.int64],
    targets: Sequence[Question],
    p_outcome: NDArray[np.float64],
    brier: NDArray[np.float64],
) -> None:
    """Fill the probability of the option that happened and the multi-category Brier of every
    multiple-choice forecast, one question (one K) at a time."""
    if not len(choice_rows):
        return
    by_question = choice_rows[np.argsort(q_idx[choice_rows], kind="stable")]
    splits = np.flatnonzero(np.diff(q_idx[by_question])) + 1
    for group in np.split(by_question, splits):
        question = targets[int(q_idx[group[0]])]
        k = len(question.option_labels)
        assert question.resolution_value is not None
        outcome = int(question.resolution_value)
        stored = np.frombuffer(b"".join(rows[i][5] for i in group.tolist()), dtype="<f8")
        probabilities = stored.reshape(len(group), k)
        p_outcome[group] = choice_outcome_probability(probabilities, outcome)
        brier[group] = choice_brier(probabilities, outcome)


def scoreable(question: Question) -> bool:
    """Tell whether a question gets scores (resolved, not annulled or ambiguous)."""
    return question.status == QuestionStatus.RESOLVED.value and question.resolution_outcome not in (
        None,
        "annulled",
        "ambiguous",
    )


def write_scores(session: Session, questions: Sequence[Question]) -> int:
    """Replace the score rows of the given questions (the caller holds the write transaction)."""
    ids = [q.id for q in questions]
    if ids:
        session.execute(delete(_S).where(_S.c.question_id.in_(ids)))
        move_data_version(session, SCORES)
        write_reference_scores(session, questions)  # the trend lines, apart from people
    targets = [q for q in questions if scoreable(q)]
    if not targets:
        return 0
    index = {q.id: i for i, q in enumerate(targets)}
    rows = session.execute(
        sa_select(
            _F.c.question_id,
            _F.c.user_id,
            _F.c.start_time,
            _F.c.end_time,
            _F.c.probability,
            _F.c.cdf,
        ).where(_F.c.question_id.in_(list(index)))
    ).all()
    n = len(rows)
    if n == 0:
        return 0
    q_idx = np.fromiter((index[r[0]] for r in rows), dtype=np.int64, count=n)
    user = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
    start = np.fromiter((r[2].timestamp() for r in rows), dtype=np.float64, count=n)
    end = np.fromiter(
        (r[3].timestamp() if r[3] is not None else np.inf for r in rows), dtype=np.float64, count=n
    )
    continuous = np.array([q.is_continuous for q in targets], dtype=np.bool_)
    options = np.array([len(q.option_labels) for q in targets], dtype=np.int64)
    yes = np.array([q.resolution_outcome == "yes" for q in targets])
    buckets = np.array(
        [_bucket(q) if c else -1 for q, c in zip(targets, continuous, strict=True)], dtype=np.int64
    )
    p_yes = np.fromiter(
        (r[4] if r[4] is not None else np.nan for r in rows), dtype=np.float64, count=n
    )
    p_outcome = np.empty(n)
    brier = np.full(n, np.nan)
    is_cont = continuous[q_idx]
    is_choice = options[q_idx] > 0
    binary_rows = np.flatnonzero(~is_cont & ~is_choice)
    p_outcome[binary_rows] = binary_outcome_probability(p_yes[binary_rows], yes[q_idx[binary_rows]])
    _choice_inputs(rows, q_idx, np.flatnonzero(is_choice), targets, p_outcome, brier)
    cont_rows = np.flatnonzero(is_cont)
    if len(cont_rows):
        cdfs = np.frombuffer(b"".join(rows[i][5] for i in cont_rows.tolist()), dtype="<f8")
        p_outcome[cont_rows] = continuous_outcome_probability(
            cdfs.reshape(len(cont_rows), CDF_POINTS), buckets[q_idx[cont_rows]]
        )
    questions_arrays = QuestionArrays(
        open_time=np.array([to_epoch(q.open_time) for q in targets]),
        scheduled_close=np.array([to_epoch(q.close_time) for q in targets]),
        actual_close=np.array(
            [min(to_epoch(q.resolved_at or q.close_time), to_epoch(q.close_time)) for q in targets]
        ),
        continuous=continuous,
        open_bounds=np.array(
            [int(q.open_lower) + int(q.open_upper) for q in targets], dtype=np.int64
        ),
        outcome_bucket=buckets,
        options=options,
    )
    table = score(
        questions_arrays,
        ForecastArrays(
            question=q_idx,
            user=user,
            start=start,
            end=end,
            p_outcome=p_outcome,
            p_yes=p_yes,
            brier=brier,
        ),
    )
    now = utcnow()
    ids_of = np.array([q.id for q in targets], dtype=np.int64)
    values = [
        {
            "question_id": int(qid),
            "user_id": int(uid),
            "baseline": float(b),
            "peer": float(p),
            "coverage": float(c),
            "brier": None if np.isnan(br) else float(br),
            "log": None if np.isnan(lg) else float(lg),
            "computed_at": now,
        }
        for qid, uid, b, p, c, br, lg in zip(
            ids_of[table.question].tolist(),
            table.user.tolist(),
            table.baseline.tolist(),
            table.peer.tolist(),
            table.coverage.tolist(),
            table.brier.tolist(),
            table.log.tolist(),
            strict=True,
        )
    ]
    if values:
        session.execute(insert(_S), values)
    return len(values)


def score_all(
    *, session: Session, progress: Callable[[int], None] | None = None, only_missing: bool = False
) -> int:
    """Recompute the scores of every resolved question (idempotent); return the rows written.

    With only_missing, questions that already have score rows are left as they are.
    """
    query = sa_select(col(Question.id)).where(col(Question.status) == QuestionStatus.RESOLVED.value)
    if only_missing:
        query = query.where(~col(Question.id).in_(sa_select(col(Score.question_id)).distinct()))
    ids = list(session.execute(query.order_by(col(Question.id))).scalars())
    total = 0
    for begin in range(0, len(ids), CHUNK):
        chunk = ids[begin : begin + CHUNK]
        with write(session):
            questions = list(
                session.exec(  # type: ignore[call-overload]
                    sa_select(Question).where(col(Question.id).in_(chunk))
                ).scalars()
            )
            total += write_scores(session, questions)
        if progress:
            progress(len(chunk))
    return total
