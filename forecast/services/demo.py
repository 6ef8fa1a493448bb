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

from forecast.infra.clock import format_iso
from forecast.models import Question, User
from forecast.services.interchange.importer import ImportReport, import_document
from forecast.services.kinds import kind_of

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


def _times(rng: np.random.Generator, question: Question, count: int) -> list[datetime]:
    first = question.open_time
    last = min(question.close_time - timedelta(hours=1), ANCHOR)
    if last <= first:
        return []
    span = (last - first).total_seconds()
    offsets = np.sort(rng.uniform(0, span, count))
    return [first + timedelta(seconds=round(float(s))) for s in offsets]


def _truth(question: Question, rng: np.random.Generator) -> float:
    """Return the latent 'right answer' demo forecasters scatter around (a probability or u):
    the resolution where the kind can read one, else a draw from the kind's plausible range."""
    if question.key in PLAUSIBLE:
        return PLAUSIBLE[question.key]
    kind = kind_of(question)
    resolved = kind.synthetic_truth(question)
    if resolved is not None:
        return resolved
    low, high = kind.synthetic_truth_range
    return float(rng.uniform(low, high))


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
                value = kind_of(question).synthetic_forecast(
                    question, truth, persona.stretch, persona.noise, rng
                )
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
