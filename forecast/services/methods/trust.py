"""Whose forecasts to trust at a threshold: every forecaster's elementary (cost-loss) score at a
boundary's threshold over their resolved questions (`forecast.core.elementary`), and the
"best at your threshold" aggregate that weights a question's standing forecasts by it.

A resolved binary question contributes its outcome; a resolved numeric or date question
contributes one event, "above the middle of its range" (u = 0.5 on its axis: P = 1 - cdf[100],
happened when the resolution falls in a bucket past 100), so every question asks the same kind of
yes/no call of everyone. Multiple-choice, annulled and ambiguous questions count for nothing,
and so do a team's private questions (a public panel or diagram must not draw on them). A
forecaster is ranked from MIN_QUESTIONS resolved questions on, and flagged below FEW_QUESTIONS.

The aggregate's weight for a forecaster is their relative economic value at the threshold,
floored at 0 (no better than the better fixed policy: no say); forecasters without
MIN_QUESTIONS resolved questions weigh nothing. The track records this reads are public; the
aggregate drawn from a question's forecasts is hidden wherever the question's community
prediction is (`forecast.services.boundaries.visibility`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from forecast.core import elementary
from forecast.core.boundaries import rules
from forecast.core.distributions import CDF_POINTS, resolution_bucket
from forecast.infra.clock import to_epoch
from forecast.models import Question, QuestionStatus, QuestionType, User
from forecast.services.aggregation.arrays import QuestionForecasts, load_forecasts
from forecast.services.kinds import kind_of
from forecast.services.questions.input import question_scale

MIN_QUESTIONS = 3
FEW_QUESTIONS = 10
PANEL_SIZE = 10
MIDDLE = (CDF_POINTS - 1) // 2
_MEMO = "methods.trust"


@dataclass(frozen=True)
class Resolved:
    """Every forecast on the resolved questions, as one yes/no call per question."""

    pair: np.ndarray  # (N,) (question, user) pair of each forecast
    p: np.ndarray  # (N,) probability of the question's event
    y: np.ndarray  # (N,) whether it happened, per forecast
    weight: np.ndarray  # (N,) seconds standing inside the window
    pair_user: np.ndarray  # (P,)
    pair_outcome: np.ndarray  # (P,)
    pair_resolved: np.ndarray  # (P,) Unix seconds of the question's resolution


# Kinds whose forecasts read as P(yes): binary ones, and continuous ones above their middle.
_YES_NO_KINDS = ("binary", "continuous")


def _happened(question: Question) -> float:
    if question.type == QuestionType.BINARY.value:
        return float(question.resolution_outcome == "yes")
    if question.resolution_outcome == "above_upper_bound":
        return 1.0
    if question.resolution_outcome == "below_lower_bound" or question.resolution_value is None:
        return 0.0
    return float(resolution_bucket(question.resolution_value, question_scale(question)) > MIDDLE)


def _resolved(session: Session) -> Resolved:
    """Read the forecasts of every scored question once per session."""
    memo: dict[str, Any] = session.info.setdefault(_MEMO, {})
    if "resolved" in memo:
        return memo["resolved"]
    questions = session.exec(
        select(Question).where(
            col(Question.status) == QuestionStatus.RESOLVED.value,
            col(Question.resolution_outcome).not_in(("annulled", "ambiguous")),
            col(Question.team_id).is_(None),  # a team's questions stay inside the team
        )
    ).all()
    parts: list[tuple[np.ndarray, ...]] = []
    pair_user: list[np.ndarray] = []
    pair_outcome: list[float] = []
    pair_resolved: list[float] = []
    offset = 0
    for question in questions:
        if kind_of(question).value_kind not in _YES_NO_KINDS:
            continue  # a multiple-choice question is no single yes/no call at a threshold
        f = load_forecasts(session, question)
        if not len(f.start):
            continue
        open_t = to_epoch(question.open_time)
        close_t = to_epoch(question.close_time)
        close_t = min(to_epoch(question.resolved_at or question.close_time), close_t)
        weight = np.clip(np.minimum(f.end, close_t) - np.maximum(f.start, open_t), 0.0, None)
        p = 1.0 - f.values[:, MIDDLE] if f.continuous else f.values
        users, index = np.unique(f.user, return_inverse=True)
        y = _happened(question)
        parts.append((index + offset, p, np.full(len(p), y), weight))
        pair_user.append(users)
        pair_outcome += [y] * len(users)
        pair_resolved += [to_epoch(question.resolved_at or question.close_time)] * len(users)
        offset += len(users)
    if not parts:
        empty = np.zeros(0)
        found = Resolved(
            empty.astype(np.int64), empty, empty, empty, empty.astype(np.int64), empty, empty
        )
    else:
        found = Resolved(
            np.concatenate([x[0] for x in parts]).astype(np.int64),
            np.concatenate([x[1] for x in parts]),
            np.concatenate([x[2] for x in parts]),
            np.concatenate([x[3] for x in parts]),
            np.concatenate(pair_user).astype(np.int64),
            np.array(pair_outcome),
            np.array(pair_resolved),
        )
    memo["resolved"] = found
    return found


def _known(data: Resolved, theta: float, before: float | None) -> tuple[Any, np.ndarray]:
    """Return the memo key of theta over the questions resolved before `before` (all without
    it), and which (question, user) pairs those are."""
    known = np.ones(len(data.pair_user), dtype=bool)
    if before is not None:
        known = data.pair_resolved < before
    # The sets {resolved < before} are nested, so their size names one.
    return (round(theta, 9), int(known.sum())), known


def skills(session: Session, theta: float, before: float | None = None) -> list[elementary.Skill]:
    """Return every forecaster's record at theta with MIN_QUESTIONS or more, best first.

    With `before` (Unix seconds) only the questions resolved before it count: a report as of
    a past instant weighs forecasters by what was known then.
    """
    memo: dict[Any, Any] = session.info.setdefault(_MEMO, {})
    data = _resolved(session)
    key, known = _known(data, theta, before)
    if ("skills", key) in memo:
        return memo[("skills", key)]
    rows = known[data.pair]
    scores = elementary.question_scores(
        data.pair[rows], data.p[rows], data.y[rows], data.weight[rows], theta, len(data.pair_user)
    )
    live = ~np.isnan(scores) & known
    found = elementary.skills(
        data.pair_user[live],
        scores[live],
        data.pair_outcome[live],
        theta,
        min_questions=MIN_QUESTIONS,
    )
    memo[("skills", key)] = found
    return found


def weights(session: Session, theta: float, before: float | None = None) -> dict[int, float]:
    """Return each ranked forecaster's aggregation weight at theta (`elementary.skill_weights`
    of `skills`), built once per threshold and set of known questions in a session: every row
    and every instant of a path at that threshold reads the same weights."""
    memo: dict[Any, Any] = session.info.setdefault(_MEMO, {})
    key, _known_pairs = _known(_resolved(session), theta, before)
    if ("weights", key) not in memo:
        memo[("weights", key)] = elementary.skill_weights(skills(session, theta, before))
    found: dict[int, float] = memo[("weights", key)]
    return found


def panel(session: Session, theta: float) -> dict[str, Any]:
    """Return the top forecasters at theta for a boundary's page, with their counts."""
    found = skills(session, theta)
    top = found[:PANEL_SIZE]
    names = {
        u.id: u.username
        for u in session.exec(select(User).where(col(User.id).in_([k.user for k in top])))
    }
    return {
        "threshold": theta,
        "ranked": len(found),
        "min_questions": MIN_QUESTIONS,
        "few_below": FEW_QUESTIONS,
        "rows": [
            {
                "user": names.get(k.user),
                "questions": k.questions,
                "score": k.score,
                "interval": [k.low, k.high],
                "base_rate": k.base_rate,
                "value": k.value,
                "few": k.questions < FEW_QUESTIONS,
            }
            for k in top
        ],
    }


def best_at_threshold(
    session: Session,
    question: Question,
    event: Any,
    threshold: float,
    forecasts: QuestionForecasts,
    t: float,
    *,
    with_interval: bool = True,
) -> dict[str, Any] | None:
    """Return P(event) weighted by each standing forecaster's skill at the threshold (over the
    questions resolved before t), with a 90% bootstrap interval over forecasters when asked
    (None otherwise); None when nobody standing has a say."""
    active = forecasts.active_at(t)
    if not active.any():
        return None
    by_user = weights(session, threshold, before=t)
    users = forecasts.user[active]
    w = np.array([by_user.get(int(u), 0.0) for u in users.tolist()])
    if w.sum() <= 0:
        return None
    scale = question_scale(question) if question.is_continuous else None
    values = forecasts.values[active]
    p = np.asarray(
        rules.event_probabilities(
            event, values, question_type=question.type, scale=scale, t=np.full(len(users), t)
        ),
        dtype=np.float64,
    )
    probability = elementary.weighted_probability(p, w)
    interval = elementary.weighted_interval(p, w) if with_interval else None
    return {
        "probability": probability,
        "interval": list(interval) if interval else None,
        "forecasters": int((w > 0).sum()),
    }


def murphy_diagram(session: Session, user_id: int) -> dict[str, Any] | None:
    """Return a forecaster's mean elementary score at every threshold of MURPHY_THETAS, with
    never and always acting on the same questions; None without a resolved question."""
    data = _resolved(session)
    mine_pairs = np.flatnonzero(data.pair_user == user_id)
    if not len(mine_pairs):
        return None
    rows = np.isin(data.pair, mine_pairs)
    remap = np.full(len(data.pair_user), -1, dtype=np.int64)
    remap[mine_pairs] = np.arange(len(mine_pairs))
    thetas = elementary.MURPHY_THETAS
    scores = elementary.question_scores(
        remap[data.pair[rows]],
        data.p[rows],
        data.y[rows],
        data.weight[rows],
        thetas,
        len(mine_pairs),
    )
    live = ~np.isnan(scores[0])
    if not live.any():
        return None
    base = float(data.pair_outcome[mine_pairs][live].mean())
    never, always = elementary.reference_scores(base, thetas)
    return {
        "theta": thetas.tolist(),
        "score": np.nanmean(scores[:, live], axis=1).tolist(),
        "never": never.tolist(),
        "always": always.tolist(),
        "questions": int(live.sum()),
    }
