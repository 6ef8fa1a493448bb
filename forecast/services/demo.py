"""Demo data: synthetic forecasters with plausible, differently skilled histories.

Everything is drawn from a fixed random seed and dated from each question's own window (never
from the current clock), so loading the demo twice writes the same records and changes nothing.
Demo accounts are named `demo-...`, flagged `is_demo`, and have no password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, col, select

from forecast.core.distributions import DistributionError, cdf_from_quantiles
from forecast.infra.clock import format_iso
from forecast.models import Question, QuestionType, User
from forecast.services.interchange.importer import ImportReport, import_document
from forecast.services.questions.input import question_scale

FORMAT = "forecast-interchange/1"
SEED = 20_261_123
ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)  # demo histories end here, whatever today is
NAMES = (
    "ada",
    "alan",
    "grace",
    "claude",
    "john",
    "barbara",
    "donald",
    "edsger",
    "frances",
    "ken",
    "dennis",
    "leslie",
    "margaret",
    "niklaus",
    "radia",
    "shafi",
    "tim",
    "vint",
    "yoshua",
    "fei",
    "judea",
    "geoffrey",
    "yann",
    "demis",
    "ilya",
    "andrej",
    "chris",
    "dario",
    "paul",
    "jan",
    "katja",
    "ajeya",
    "holden",
    "toby",
    "nick",
    "stuart",
    "max",
    "jaan",
    "eliezer",
    "scott",
    "tom",
    "robin",
    "philip",
    "daniel",
    "amos",
    "nate",
    "gwern",
    "connor",
    "danny",
    "jack",
)


# Where the demo crowd centres on a few questions the example boundaries hang on: a
# probability for binary questions, a position on the internal axis for continuous ones.
PLAUSIBLE = {
    "transformative-science-10y": 0.08,
    "transformative-science-date": 0.69,  # median near 2039; about 10% within ten years
    "training-run-1e28-by-2030": 0.35,
    "largest-training-compute-2028": 0.53,  # log axis 1e25..1e29: median just above 1e27
    "compute-doubling-months-2025-2030": 0.11,  # about seven months
}


@dataclass(frozen=True)
class Persona:
    """How a demo forecaster forecasts: how much they know and how they shade it."""

    name: str
    noise: float  # spread of their error in log-odds (smaller: sharper)
    stretch: float  # > 1 overconfident (pushes away from 50%), < 1 underconfident
    activity: float  # share of questions they forecast on


def personas() -> list[Persona]:
    """Return the fixed cast of demo forecasters."""
    rng = np.random.default_rng(SEED)
    cast = []
    for name in NAMES:
        cast.append(
            Persona(
                name=f"demo-{name}",
                noise=float(rng.choice([0.3, 0.6, 1.0, 1.6])),
                stretch=float(rng.choice([0.6, 0.85, 1.0, 1.0, 1.3, 1.8])),
                activity=float(rng.uniform(0.3, 0.9)),
            )
        )
    return cast


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def _times(rng: np.random.Generator, question: Question, count: int) -> list[datetime]:
    first = question.open_time
    last = min(question.close_time - timedelta(hours=1), ANCHOR)
    if last <= first:
        return []
    span = (last - first).total_seconds()
    offsets = np.sort(rng.uniform(0, span, count))
    return [first + timedelta(seconds=round(float(s))) for s in offsets]


def _truth(question: Question, rng: np.random.Generator) -> float:
    """Return the latent 'right answer' demo forecasters scatter around (a probability or u)."""
    if question.key in PLAUSIBLE:
        return PLAUSIBLE[question.key]
    if question.resolution_outcome == "yes":
        return 0.85
    if question.resolution_outcome == "no":
        return 0.15
    if question.resolution_value is not None and question.is_continuous:
        return float(question_scale(question).to_u(question.resolution_value))
    return (
        float(rng.uniform(0.1, 0.8))
        if not question.is_continuous
        else float(rng.uniform(0.25, 0.65))
    )


def _choice_value(
    question: Question, persona: Persona, truth: float, rng: np.random.Generator
) -> dict[str, Any]:
    """Return option probabilities scattered around a leaning derived from truth: the resolved
    option (or, unresolved, one picked by truth) is favoured; three decimals summing to 1."""
    k = len(question.option_labels)
    favoured = (
        int(question.resolution_value)
        if question.resolution_outcome == "option" and question.resolution_value is not None
        else min(k - 1, int(truth * k))
    )
    leaning = np.full(k, 0.0)
    leaning[favoured] = 1.2
    x = persona.stretch * (leaning + rng.normal(0, persona.noise, k))
    p = np.exp(x - x.max())
    p = 0.01 + (1 - 0.01 * k) * p / p.sum()
    thousandths = np.round(p * 1000).astype(int)
    thousandths[int(np.argmax(thousandths))] += 1000 - int(thousandths.sum())
    return {"probabilities": [int(t) / 1000 for t in thousandths]}


def _value(
    question: Question, persona: Persona, truth: float, rng: np.random.Generator
) -> dict[str, Any] | None:
    if question.options:
        return _choice_value(question, persona, truth, rng)
    if question.type == QuestionType.BINARY.value:
        x = persona.stretch * (_logit(truth) + rng.normal(0, persona.noise))
        return {"probability": round(min(0.97, max(0.03, _sigmoid(x))), 3)}
    scale = question_scale(question)
    center = min(0.9, max(0.1, truth + rng.normal(0, 0.08 * persona.noise)))
    width = 0.18 / persona.stretch
    us = [max(0.01, center - width), center, min(0.99, center + width)]
    values = [float(scale.from_u(u)) for u in us]
    try:
        cdf = cdf_from_quantiles([(0.05, values[0]), (0.5, values[1]), (0.95, values[2])], scale)
    except DistributionError:
        return None
    return {"cdf": [float(v) for v in cdf]}


def demo_document(session: Session) -> dict[str, Any]:
    """Build the interchange document of demo users and their forecasts."""
    cast = personas()
    questions = session.exec(select(Question).order_by(col(Question.key))).all()
    records: list[dict[str, Any]] = []
    for question in questions:
        if question.status in ("pending", "returned", "rejected", "draft"):
            continue
        rng = np.random.default_rng([SEED, sum(question.key.encode())])
        truth = _truth(question, rng)
        for persona in cast:
            if rng.random() > persona.activity:
                continue
            for moment in _times(rng, question, int(rng.integers(1, 4))):
                value = _value(question, persona, truth, rng)
                if value is None:
                    continue
                records.append(
                    {
                        "question": question.key,
                        "user": persona.name,
                        "time": format_iso(moment),
                        **value,
                    }
                )
    return {
        "format": FORMAT,
        "users": [{"username": p.name, "role": "forecaster"} for p in cast],
        "tournaments": [],
        "questions": [],
        "forecasts": records,
    }


def load_demo(session: Session) -> ImportReport:
    """Add the demo forecasters and their histories (idempotent)."""
    report = import_document(session=session, document=demo_document(session))
    session.execute(update(User).where(col(User.username).like("demo-%")).values(is_demo=True))
    session.commit()
    return report
