"""The question page's forecast form: what its fields show, what they send, which one is wrong."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from forecast.core.distributions import quantile_of
from forecast.core.percentiles import (
    number_text,
    stored_pairs,
)
from forecast.errors import DomainError
from forecast.models import Forecast, Question
from forecast.services.forecasts import QuantileFailed
from forecast.services.kinds import kind_of
from forecast.services.questions.input import question_scale
from forecast.web import choice_form

QUANTILE_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
REQUIRED_LEVELS = (0.05, 0.5, 0.95)
# Where the starting percentiles sit on the internal axis: linear in their logits, 5th at 0.1.
STARTING_POSITIONS = tuple(
    0.5 + 0.4 * math.log(p / (1 - p)) / math.log(0.95 / 0.05) for p in QUANTILE_LEVELS
)
# How far from its place on the axis (a fraction of the range) a shown value may be rounded:
# the starting bell takes round numbers; a percentile read off a stored CDF keeps a tenth of a
# grid step, finer than the CDF's own reading error at a forecaster's knot.
STARTING_TOLERANCE = 0.01
READ_BACK_TOLERANCE = 0.0005


def box_name(level: float) -> str:
    """Name the form field of a percentile level: q5, q25, q50..."""
    return f"q{round(level * 100)}"


@dataclass(frozen=True)
class Box:
    """One percentile box as the page shows it."""

    name: str
    label: str
    level: float
    value: str
    required: bool
    error: str | None


@dataclass
class FormState:
    """What the form shows: a value per field, the message of each field at fault, a summary."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    def boxes(self) -> list[Box]:
        """Return the percentile boxes in order."""
        return [
            Box(
                name=box_name(level),
                label=f"{round(level * 100)}th percentile",
                level=level,
                value=self.values.get(box_name(level), ""),
                required=level in REQUIRED_LEVELS,
                error=self.errors.get(box_name(level)),
            )
            for level in QUANTILE_LEVELS
        ]

    def options(self, question: Question) -> list[choice_form.OptionBox]:
        """Return a multiple-choice question's option boxes in order."""
        return choice_form.option_boxes(question, self.values, self.errors)


@dataclass(frozen=True)
class KindForm:
    """How the page's form shows and reads the forecast of one value kind (a kind's
    `value_kind`, forecast.services.kinds); the kind's form partial draws its fields.

    starting: the fields as a visit shows them; fields: the names it sends; sent: the
    service's forecast fields read from what was sent, with the boxes sent in order (for
    naming the one at fault)."""

    starting: Callable[[Question, Forecast | None], dict[str, str]]
    fields: Callable[[Question], list[str]]
    sent: Callable[[Question, FormState], tuple[dict[str, Any], list[str]]]


def _probability_starting(question: Question, standing: Forecast | None) -> dict[str, str]:
    p = standing.probability if standing and standing.probability is not None else 0.5
    return {"probability": number_text(round(100 * p, 1))}


def _probability_sent(question: Question, state: FormState) -> tuple[dict[str, Any], list[str]]:
    percent = to_number(state.values["probability"].strip().rstrip("%"))
    return {"probability": percent / 100.0 if isinstance(percent, float) else percent}, []


def _quantile_starting(question: Question, standing: Forecast | None) -> dict[str, str]:
    """Your standing forecast as typed, else its percentiles read back, else a broad bell."""
    return _typed(question, standing) or _read_back(question, standing) or _bell(question)


def _quantile_sent(question: Question, state: FormState) -> tuple[dict[str, Any], list[str]]:
    pairs, names = quantile_pairs(question, state)
    return {"quantiles": pairs}, names


def _choice_sent(question: Question, state: FormState) -> tuple[dict[str, Any], list[str]]:
    return {"probabilities": choice_form.sent_probabilities(question, state.values)}, []


KIND_FORMS = {
    "binary": KindForm(_probability_starting, lambda _q: ["probability"], _probability_sent),
    "continuous": KindForm(
        _quantile_starting, lambda _q: [box_name(q) for q in QUANTILE_LEVELS], _quantile_sent
    ),
    "multiple_choice": KindForm(choice_form.starting_values, choice_form.field_names, _choice_sent),
}


def kind_form(question: Question) -> KindForm:
    """Return how the form shows and reads the question's kind of forecast."""
    return KIND_FORMS[kind_of(question).value_kind]


def starting_state(question: Question, standing: Forecast | None) -> FormState:
    """Return the form as a visit shows it: your standing forecast, else the kind's start."""
    return FormState({**kind_form(question).starting(question, standing), "rationale": ""})


def typed_state(question: Question, form: Mapping[str, str]) -> FormState:
    """Return the form holding what was sent, as typed."""
    names = ["rationale", "publish_rationale", *kind_form(question).fields(question)]
    return FormState({name: form.get(name) or "" for name in names})


def sent_value(question: Question, state: FormState) -> tuple[dict[str, Any], list[str]]:
    """Return the forecast fields for the service and the boxes sent, in order."""
    return kind_form(question).sent(question, state)


def quantile_pairs(question: Question, state: FormState) -> tuple[list[list[Any]], list[str]]:
    """Return the [level, value] pairs of the filled boxes and the names of those boxes."""
    pairs, names = [], []
    for level in QUANTILE_LEVELS:
        raw = state.values[box_name(level)].strip()
        if raw:
            pairs.append([level, kind_of(question).typed_point(raw)])
            names.append(box_name(level))
    return pairs, names


def to_number(raw: str) -> float | str:
    """Read a typed number (thousands separators allowed); text the service names as wrong."""
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return raw


def refused(question: Question, state: FormState, error: DomainError, sent: list[str]) -> FormState:
    """Mark the field at fault in the form that error refused (sent: the boxes sent, in order)."""
    said = error.message[:1].upper() + error.message[1:]
    if isinstance(error, QuantileFailed) and 0 <= error.index < len(sent):
        name = sent[error.index]
        state.errors[name] = _unreadable(question, state.values[name]) or error.message
        said = f"{name[1:]}th percentile: {state.errors[name]}"  # the service names no level
    elif error.field == "probabilities":
        said = choice_form.refused_option(error, state.errors, state.values)
    elif error.field in ("probability", "rationale"):
        state.errors[error.field] = error.message
    elif error.field == "quantiles":  # too few: the boxes the form asks for at least
        for level in REQUIRED_LEVELS:
            if not state.values[box_name(level)].strip():
                state.errors[box_name(level)] = f"Give the {round(level * 100)}th percentile."
    state.message = f"Not saved. {said}"
    return state


def _unreadable(question: Question, raw: str) -> str | None:
    """Say that a box holds no number (or no date) at all, in the form's own words."""
    return kind_of(question).unreadable(raw.strip())


def _shown(question: Question, level_values: Mapping[float, Any]) -> dict[str, str]:
    kind = kind_of(question)
    return {box_name(level): kind.point_text(v) for level, v in level_values.items()}


def _typed(question: Question, standing: Forecast | None) -> dict[str, str] | None:
    """Return the boxes as the standing forecast was typed, when its levels are the form's."""
    pairs = stored_pairs(standing.quantiles) if standing is not None else []
    if not pairs or any(round(level, 9) not in QUANTILE_LEVELS for level, _ in pairs):
        return None
    shown = _shown(question, dict(pairs))
    return {box_name(q): shown.get(box_name(q), "") for q in QUANTILE_LEVELS}


def _read_back(question: Question, standing: Forecast | None) -> dict[str, str] | None:
    """Return the percentiles of the standing CDF, rounded; None when one sits on a bound."""
    if standing is None or standing.cdf is None:
        return None
    scale = question_scale(question)
    own = [quantile_of(standing.cdf, scale, level) for level in QUANTILE_LEVELS]
    # A percentile clamped to a bound is not a value the form can send back as typed.
    if not all(scale.min < v < scale.max for v in own):
        return None
    own = kind_of(question).round_points(own, scale, tolerance=READ_BACK_TOLERANCE)
    return _shown(question, dict(zip(QUANTILE_LEVELS, own, strict=True)))


def _bell(question: Question) -> dict[str, str]:
    """Return the starting bell in round numbers.

    The bell is a logistic centred on the question's own axis (geometric on a log scale, so a
    log question does not start crowded at the top of its range), its 5th and 95th percentiles
    a tenth of the way in from each end. Percentiles whose logits lie on a line make the
    quantile interpolation exactly logistic: one smooth hump, not a kink at every percentile.
    """
    scale = question_scale(question)
    values = [float(scale.from_u(u)) for u in STARTING_POSITIONS]
    values = kind_of(question).round_points(
        values, scale, tolerance=STARTING_TOLERANCE, coarse=True
    )
    return _shown(question, dict(zip(QUANTILE_LEVELS, values, strict=True)))
