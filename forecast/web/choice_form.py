"""The forecast form of a multiple-choice question: one percentage per option, summing to 100.

The page's script (forecast/static/app.js) keeps the boxes at 100% as a slider moves, rescaling
the unlocked others; without it the boxes are sent as typed and the service says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forecast.core.percentiles import number_text
from forecast.errors import DomainError
from forecast.models import Forecast, Question
from forecast.services.kinds import ProbabilityFailed


def option_name(index: int) -> str:
    """Name the form field of an option's percentage: p0, p1..."""
    return f"p{index}"


@dataclass(frozen=True)
class OptionBox:
    """One option's percentage as the page shows it."""

    name: str
    label: str
    value: str
    error: str | None


def option_boxes(
    question: Question, values: Mapping[str, str], errors: Mapping[str, str]
) -> list[OptionBox]:
    """Return the option boxes in the question's order."""
    return [
        OptionBox(option_name(i), label, values.get(option_name(i), ""), errors.get(option_name(i)))
        for i, label in enumerate(question.option_labels)
    ]


def even_split(k: int) -> list[float]:
    """Return K percentages at one decimal that sum to exactly 100 (the first take the rest)."""
    tenths = [1000 // k] * k
    for i in range(1000 - sum(tenths)):
        tenths[i] += 1
    return [t / 10 for t in tenths]


def tenths_summing_to_100(probabilities: list[float]) -> list[float]:
    """Round probabilities to percentages at one decimal that still sum to exactly 100
    (largest remainders first), none below 0.1."""
    exact = [1000.0 * p for p in probabilities]
    tenths = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(tenths) < 1000:
        tenths[by_remainder[i % len(tenths)]] += 1
        i += 1
    while sum(tenths) > 1000:
        tenths[tenths.index(max(tenths))] -= 1
    return [t / 10 for t in tenths]


def starting_values(question: Question, standing: Forecast | None) -> dict[str, str]:
    """Return the boxes as a visit shows them: your standing forecast, else an even split."""
    k = len(question.option_labels)
    if standing is not None and standing.cdf is not None and len(standing.cdf) == k:
        shown = tenths_summing_to_100([float(p) for p in standing.cdf])
    else:
        shown = even_split(k)
    return {option_name(i): number_text(v) for i, v in enumerate(shown)}


def field_names(question: Question) -> list[str]:
    """Return the names of the option boxes."""
    return [option_name(i) for i in range(len(question.option_labels))]


def sent_probabilities(question: Question, values: Mapping[str, str]) -> list[Any]:
    """Read the boxes as probabilities (a percentage over 100); text that is no number is
    passed on for the service to name."""
    out: list[Any] = []
    for name in field_names(question):
        raw = values.get(name, "").strip().rstrip("%").replace(",", "")
        try:
            out.append(float(raw) / 100.0)
        except ValueError:
            out.append(raw or None)
    return out


def refused_option(error: DomainError, errors: dict[str, str], values: Mapping[str, str]) -> str:
    """Mark the option box at fault (if one is) and return the sentence for the form's top."""
    said = error.message[:1].upper() + error.message[1:]
    if isinstance(error, ProbabilityFailed) and error.index is not None:
        name = option_name(error.index)
        raw = values.get(name, "").strip()
        errors[name] = f"“{raw}” is not a number." if raw and _no_number(raw) else said
    return said


def _no_number(raw: str) -> bool:
    try:
        float(raw.rstrip("%").replace(",", ""))
    except ValueError:
        return True
    return False
