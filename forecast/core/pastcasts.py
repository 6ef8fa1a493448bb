"""Pastcast arithmetic: the seeded vantage instant and a probability read as a training answer.

The vantage instant of a question for a person is a point in the first half of the question's
life, drawn from a hash of (person, question): between 10% and 50% of the way from its open
time to its close time, rounded down to the second. The same person always meets the same
question at the same instant; different people meet it at different ones. Starting at 10%
gives the community some time to form; stopping at 50% keeps most of the question's life,
and its news, ahead of the vantage date.

A probability p of yes is a training item's answer read the other way round: the answer is
"yes" when p >= 0.5 (at exactly 0.5 the pick is yes, a coin toss either way) with confidence
max(p, 1 - p) that it is right. Its Brier score (c - 1[right])^2 is then (p - 1[yes])^2 and its
log score ln(c or 1 - c) is the log of the probability given to what happened.
"""

from __future__ import annotations

import hashlib

VANTAGE_FROM, VANTAGE_TO = 0.10, 0.50
PROBABILITY_MIN, PROBABILITY_MAX = 0.01, 0.99


def _unit(label: str, user_id: int, question_id: int) -> float:
    """Return a number in [0, 1) fixed by the label, the person and the question."""
    digest = hashlib.sha256(f"{label}:{user_id}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def vantage_fraction(user_id: int, question_id: int) -> float:
    """Return how far through the question's life (0 open, 1 close) the person's vantage is."""
    return VANTAGE_FROM + (VANTAGE_TO - VANTAGE_FROM) * _unit("pastcast", user_id, question_id)


def vantage_epoch(open_epoch: float, close_epoch: float, user_id: int, question_id: int) -> float:
    """Return the vantage instant in whole Unix seconds, never before the open time."""
    fraction = vantage_fraction(user_id, question_id)
    return float(max(int(open_epoch + fraction * (close_epoch - open_epoch)), int(open_epoch)))


def order_key(user_id: int, question_id: int) -> bytes:
    """Return where a question falls in the person's pastcast order: fixed across visits."""
    return hashlib.sha256(f"pastcast-order:{user_id}:{question_id}".encode()).digest()


def as_training_answer(probability: float) -> tuple[bool, float]:
    """Return (answer, confidence) of a probability of yes, as a true/false training item."""
    return probability >= 0.5, max(probability, 1.0 - probability)


def brier(probability: float, outcome: bool) -> float:
    """Return the Brier score (p - 1[yes])^2 of a probability of yes; lower is better."""
    return (probability - (1.0 if outcome else 0.0)) ** 2
