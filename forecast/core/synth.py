"""Synthetic interchange documents for benchmarks, load tests and demos."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from forecast.core.instants import format_iso

FORMAT = "forecast-interchange/1"
DAY = 86_400.0
GRID = np.linspace(0.0, 1.0, 201)
CHOICES = 4
CHOICE_LABELS = ("Option A", "Option B", "Option C", "Option D")


def synthetic_cdf(mu: float, spread: float) -> np.ndarray:
    """Return a valid open-bounded CDF: a logistic bump in u mixed with a little uniform mass."""
    logistic = 1.0 / (1.0 + np.exp(-(GRID - mu) / spread))
    logistic = (logistic - logistic[0]) / (logistic[-1] - logistic[0])
    return 0.001 + 0.998 * (0.9 * logistic + 0.1 * GRID)


def synthesize(
    *,
    n_questions: int,
    n_forecasts: int,
    n_users: int,
    continuous_share: float = 0.3,
    choice_share: float = 0.0,
    resolved: bool = False,
    seed: int = 0,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Build a document with questions, users and forecasts (with updates) drawn at random.

    choice_share: the share of questions that are multiple choice (CHOICES options), drawn
    among the non-continuous ones; 0 leaves the random stream as it always was.
    """
    rng = np.random.default_rng(seed)
    now_s = (now or datetime.now(UTC)).timestamp()
    if resolved:
        open_t = now_s - rng.uniform(400, 800, n_questions) * DAY
        close_t = open_t + rng.uniform(60, 300, n_questions) * DAY
    else:
        open_t = now_s - rng.uniform(10, 60, n_questions) * DAY
        close_t = now_s + rng.uniform(60, 720, n_questions) * DAY
    open_t, close_t = np.floor(open_t), np.floor(close_t)
    continuous = rng.random(n_questions) < continuous_share
    is_date = continuous & (rng.random(n_questions) < 0.5)
    truth_p = rng.beta(0.8, 0.8, n_questions)
    truth_u = rng.uniform(0.1, 0.9, n_questions)
    choice = np.zeros(n_questions, dtype=bool)
    truth_v = np.zeros((n_questions, CHOICES))
    if choice_share > 0:
        odds = choice_share / max(1e-9, 1.0 - continuous_share)
        choice = ~continuous & (rng.random(n_questions) < odds)
        truth_v = rng.dirichlet(np.ones(CHOICES), n_questions)
    questions = []
    for q in range(n_questions):
        record: dict[str, Any] = {
            "key": f"synth-{q:06d}",
            "tournament": "synthetic",
            "type": "binary",
            "title": f"Synthetic question {q}",
            "description": "Generated for benchmarks.",
            "resolution_criteria": "Synthetic.",
            "open_time": format_iso(datetime.fromtimestamp(open_t[q], UTC)),
            "close_time": format_iso(datetime.fromtimestamp(close_t[q], UTC)),
            "resolve_time": format_iso(datetime.fromtimestamp(close_t[q] + DAY, UTC)),
            "range": None,
            "resolution": None,
        }
        if choice[q]:
            record.update(type="multiple_choice", options=list(CHOICE_LABELS))
        if is_date[q]:
            lo, hi = now_s - 100 * DAY, now_s + 3650 * DAY
            record.update(
                type="date",
                range={
                    "min": format_iso(datetime.fromtimestamp(np.floor(lo), UTC)),
                    "max": format_iso(datetime.fromtimestamp(np.floor(hi), UTC)),
                    "open_lower": True,
                    "open_upper": True,
                    "zero_point": None,
                },
            )
        elif continuous[q]:
            record.update(
                type="numeric",
                range={
                    "min": 0.0,
                    "max": 100.0,
                    "open_lower": True,
                    "open_upper": True,
                    "zero_point": None,
                },
            )
        if resolved:
            resolved_at = format_iso(datetime.fromtimestamp(close_t[q], UTC))
            if choice[q]:
                happened = CHOICE_LABELS[int(rng.choice(CHOICES, p=truth_v[q]))]
                record["resolution"] = {"option": happened, "resolved_at": resolved_at}
            elif not continuous[q]:
                outcome = "yes" if rng.random() < truth_p[q] else "no"
                record["resolution"] = {"outcome": outcome, "resolved_at": resolved_at}
            elif is_date[q]:
                lo, hi = np.floor(now_s - 100 * DAY), np.floor(now_s + 3650 * DAY)
                when = datetime.fromtimestamp(np.floor(lo + truth_u[q] * (hi - lo)), UTC)
                record["resolution"] = {"date": format_iso(when), "resolved_at": resolved_at}
            else:
                record["resolution"] = {
                    "value": round(100 * float(truth_u[q]), 3),
                    "resolved_at": resolved_at,
                }
        questions.append(record)

    users = [{"username": f"synth{u:05d}", "role": "forecaster"} for u in range(n_users)]
    # Forecasts are made in the past: up to the close, or up to now while a question is open.
    made_by = np.minimum(close_t, np.floor(now_s) - 60)
    forecasts = _forecasts(
        rng, n_forecasts, n_users, open_t, made_by, continuous, truth_p, truth_u, progress
    )
    if choice.any():
        _choice_values(rng, forecasts, choice, truth_v)
    return {
        "format": FORMAT,
        "users": users,
        "tournaments": [
            {
                "slug": "synthetic",
                "title": "Synthetic tournament",
                "description": "Generated data for benchmarks.",
            }
        ],
        "questions": questions,
        "forecasts": forecasts,
    }


def _forecasts(
    rng: np.random.Generator,
    n_forecasts: int,
    n_users: int,
    open_t: np.ndarray,
    close_t: np.ndarray,
    continuous: np.ndarray,
    truth_p: np.ndarray,
    truth_u: np.ndarray,
    progress: Callable[[int], None] | None,
) -> list[dict[str, Any]]:
    n_questions = len(open_t)
    if n_forecasts == 0:
        return []
    n_pairs = max(1, min(n_forecasts * 10 // 25, n_questions * n_users))
    pair_ids = rng.choice(n_questions * n_users, size=n_pairs, replace=False)
    # Spread the forecasts over the pairs: every pair gets one, the rest are updates.
    counts = np.ones(n_pairs, dtype=np.int64)
    extra = n_forecasts - n_pairs
    if extra > 0:
        counts += np.bincount(rng.integers(0, n_pairs, extra), minlength=n_pairs)
    pair_of = np.repeat(np.arange(n_pairs), counts)[:n_forecasts]
    q = (pair_ids // n_users)[pair_of]
    u = (pair_ids % n_users)[pair_of]
    # Distinct whole seconds inside each question's window, sorted within each pair.
    span = close_t[q] - open_t[q] - 1
    t = open_t[q] + np.floor(rng.random(n_forecasts) * span)
    order = np.lexsort((t, pair_of))
    q, u, t, pair_of = q[order], u[order], t[order], pair_of[order]
    same = np.zeros(n_forecasts, dtype=bool)
    same[1:] = (pair_of[1:] == pair_of[:-1]) & (t[1:] <= t[:-1])
    while same.any():
        t[1:][same[1:]] = t[:-1][same[1:]] + 1
        same[1:] = (pair_of[1:] == pair_of[:-1]) & (t[1:] <= t[:-1])
    skill = rng.uniform(0.5, 3.0, n_users)[u]
    noise = rng.normal(0.0, 1.0, n_forecasts) / skill
    logit = np.log(truth_p[q] / (1 - truth_p[q])) + noise
    p = np.clip(1 / (1 + np.exp(-logit)), 0.01, 0.99).round(4)
    mu = np.clip(truth_u[q] + noise * 0.1, 0.05, 0.95)
    spread = rng.uniform(0.04, 0.15, n_forecasts)
    stamps = [format_iso(datetime.fromtimestamp(x, UTC)) for x in t.tolist()]
    records: list[dict[str, Any]] = []
    keys = [f"synth-{i:06d}" for i in range(n_questions)]
    names = [f"synth{i:05d}" for i in range(n_users)]
    for i in range(n_forecasts):
        record: dict[str, Any] = {"question": keys[q[i]], "user": names[u[i]], "time": stamps[i]}
        if continuous[q[i]]:
            record["cdf"] = synthetic_cdf(float(mu[i]), float(spread[i])).tolist()
        else:
            record["probability"] = float(p[i])
        records.append(record)
        if progress and i % 10_000 == 9_999:
            progress(10_000)
    if progress:
        progress(n_forecasts % 10_000)
    return records


def _choice_values(
    rng: np.random.Generator,
    records: list[dict[str, Any]],
    choice: np.ndarray,
    truth_v: np.ndarray,
) -> None:
    """Turn the forecasts of multiple-choice questions into option probabilities: the truth's
    log-odds plus noise, floored at 1% and rounded to four decimals summing to 1."""
    picked = [r for r in records if choice[int(r["question"][6:])]]
    if not picked:
        return
    q = np.array([int(r["question"][6:]) for r in picked])
    x = np.log(truth_v[q]) + rng.normal(0.0, 1.0, (len(picked), CHOICES))
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p = 0.01 + (1.0 - 0.01 * CHOICES) * p / p.sum(axis=1, keepdims=True)
    units = np.round(p * 10_000).astype(np.int64)
    top = np.argmax(units, axis=1)
    units[np.arange(len(picked)), top] += 10_000 - units.sum(axis=1)
    for record, row in zip(picked, (units / 10_000).tolist(), strict=True):
        record.pop("probability", None)
        record["probabilities"] = row
