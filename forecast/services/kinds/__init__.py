"""The registry of question kinds: how each kind of question behaves, in one module per kind.

`kind_of(question)` answers a question's kind; `KINDS[name]` a kind by its stored type name.
A kind parses and validates a forecast payload (API, interchange, web form) and a resolution
(`parse_resolution`, and `typed_resolution` for an answer typed in the resolve form or the
CLI), names what its forecasts keep (a probability, a CDF, option probabilities), what the
scoring and aggregation engines see it as (`value_kind`), which boundary events it supports,
how its forecasts, resolutions, aggregates and points on its axis are rendered and read
(`render_point`, `point_words`, `read_point`, `typed_point`, `point_text`), how demo
forecasters forecast on it (`synthetic_forecast`), and which template partials draw it on the
question page and the withdraw confirmation (`partials`: form, aggregate, answer, facts,
standing, under templates/questions/kinds/).
A new kind is one module here plus its templates (and, if its `value_kind` is new, an entry
in forecast.web.forecast_form.KIND_FORMS). Aggregation methods have their own table:
forecast.core.aggregation.methods.
"""

from __future__ import annotations

from typing import Any

from forecast.services.kinds.base import ForecastValue, Partials, QuestionKind, QuestionShape
from forecast.services.kinds.binary import BinaryKind
from forecast.services.kinds.continuous import DateKind, NumericKind, QuantileFailed
from forecast.services.kinds.multiple_choice import MultipleChoiceKind, ProbabilityFailed

__all__ = [
    "KINDS",
    "ForecastValue",
    "Partials",
    "ProbabilityFailed",
    "QuantileFailed",
    "QuestionKind",
    "QuestionShape",
    "kind_named",
    "kind_of",
]

KINDS: dict[str, QuestionKind] = {
    kind.name: kind for kind in (BinaryKind(), NumericKind(), DateKind(), MultipleChoiceKind())
}


def kind_named(name: str) -> QuestionKind:
    """Return the kind stored as name (KeyError for an unknown one)."""
    return KINDS[name]


def kind_of(question: Any) -> QuestionKind:
    """Return the kind of a question (anything with a `type`: a row, facts, a draft)."""
    qtype = question.type
    return KINDS[getattr(qtype, "value", qtype)]
