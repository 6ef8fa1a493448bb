"""What every question kind provides: the registry's interface (see forecast.services.kinds)."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Protocol

import numpy as np

from forecast.core.distributions import Scale
from forecast.core.formatting import number
from forecast.core.percentiles import number_text, round_numbers
from forecast.errors import ValidationFailed
from forecast.services.kinds.ranges import QuestionRange


@dataclass(frozen=True)
class ForecastValue:
    """A validated forecast value of one kind: a probability, a CDF or option probabilities.

    quantiles: the pairs a CDF was made from, as stored (see forecast.core.percentiles).
    """

    probability: float | None = None
    cdf: np.ndarray | None = None
    quantiles: str | None = None
    probabilities: np.ndarray | None = None

    @property
    def vector(self) -> np.ndarray | None:
        """Return what the forecasts' packed float column keeps: the CDF or the K options."""
        return self.cdf if self.cdf is not None else self.probabilities


class QuestionShape(Protocol):
    """What a kind reads of a question: a Question row or the submit path's QuestionFacts."""

    @property
    def type(self) -> str: ...
    @property
    def range_min(self) -> float | None: ...
    @property
    def range_max(self) -> float | None: ...
    @property
    def open_lower(self) -> bool: ...
    @property
    def open_upper(self) -> bool: ...
    @property
    def zero_point(self) -> float | None: ...
    @property
    def options(self) -> str | None: ...


@dataclass(frozen=True)
class Partials:
    """The templates a kind draws itself with on the question page (templates/questions/kinds/).

    form: the forecast editor; aggregate: the community prediction; answer: the resolve form's
    answer field (its value is read back by QuestionKind.typed_resolution); facts: what the
    page's list of facts says of this kind (its options, its range); standing: a standing
    forecast in a sentence, as the form holds it (the withdraw confirmation).
    """

    form: str
    aggregate: str
    answer: str
    facts: str
    standing: str

    @classmethod
    def named(cls, stem: str) -> Partials:
        """The partials of a kind whose templates follow the folder's naming, {stem}_{part}.html
        (binary_form.html, binary_aggregate.html...)."""
        parts = {f.name: f"questions/kinds/{stem}_{f.name}.html" for f in fields(cls)}
        return cls(**parts)


class QuestionKind(ABC):
    """One kind of question: how its forecasts, resolutions and aggregates look and are read.

    name: the question type as stored and in the public contract.
    value_kind: what the aggregation and scoring engines see ("binary", "continuous" or
    "multiple_choice"); continuous: whether forecasts are CDFs over a range.
    forecast_fields: the payload keys a forecast of this kind is given by.
    resolution_outcomes: the named outcomes it resolves to besides annulled and ambiguous.
    boundary_events: the event kinds a decision boundary on it may watch.
    has_brier: whether Brier and log scores are kept for it.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    value_kind: ClassVar[str]
    continuous: ClassVar[bool] = False
    forecast_fields: ClassVar[tuple[str, ...]]
    resolution_outcomes: ClassVar[tuple[str, ...]] = ()
    boundary_events: ClassVar[tuple[str, ...]]
    has_brier: ClassVar[bool] = True
    # Whether points on its axis are instants (shown as dates) rather than numbers.
    is_date: ClassVar[bool] = False
    # The templates that draw the kind on the question page (templates/questions/detail.html
    # includes them by name, with no branch on the type).
    partials: ClassVar[Partials]

    def expected_fields(self) -> str:
        """Name the forecast fields in words: 'probability', 'cdf or quantiles'."""
        return " or ".join(self.forecast_fields)

    def parse_forecast(self, question: QuestionShape, given: Mapping[str, Any]) -> ForecastValue:
        """Validate a forecast payload (only the fields that were sent) for the question."""
        sent = [name for name, value in given.items() if value is not None]
        if len(sent) != 1:
            field = sent[1] if len(sent) > 1 else self.forecast_fields[0]
            raise ValidationFailed(f"send exactly one of: {self.expected_fields()}", field)
        if sent[0] not in self.forecast_fields:
            raise ValidationFailed(
                f"a {self.label.lower()} question takes {self.expected_fields()}", sent[0]
            )
        return self.parse_field(question, sent[0], given[sent[0]])

    @abstractmethod
    def parse_field(self, question: QuestionShape, field: str, value: Any) -> ForecastValue:
        """Validate one forecast field's value (one of forecast_fields)."""

    @abstractmethod
    def parse_resolution(
        self, value: Mapping[str, Any], range_: QuestionRange | None, options: Sequence[str]
    ) -> tuple[str, float | None]:
        """Read a resolution object (not annulled or ambiguous) into (outcome, value)."""

    @abstractmethod
    def resolution_json(self, question: Any) -> dict[str, Any]:
        """Render a stored, not void resolution's own fields (without resolved_at)."""

    @abstractmethod
    def value_json(self, value: Any) -> dict[str, Any]:
        """Render an aggregate value (or one history entry's value) in the contract's shape."""

    @abstractmethod
    def forecast_json(self, probability: float | None, vector: Any) -> dict[str, Any]:
        """Render a stored forecast's value as the interchange and API give it."""

    def render_point(self, x: float) -> Any:
        """Render a point on the question's axis as the contract gives it (a number here)."""
        return x

    def point_words(self, x: float) -> str:
        """Write a point on the question's axis as a message reads it ('1,204', '2031-06-01')."""
        return number(x)

    def read_point(self, raw: str, field: str) -> float:
        """Read a point on the question's axis from a query string (a finite number here)."""
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # nan, inf and 1e400 have no place on the axis
            raise ValidationFailed(f"{field} must be a finite number", field)
        return value

    def typed_point(self, raw: str) -> Any:
        """Read a point as a form's box holds it, for the service to validate: a number
        (thousands separators allowed) here; text that is none is passed on for it to name."""
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            return raw

    def unreadable(self, raw: str) -> str | None:
        """Say, in a form's words, that a box holds no point at all (None when it holds one)."""
        return f"“{raw}” is not a number." if isinstance(self.typed_point(raw), str) else None

    def point_text(self, x: float | str) -> str:
        """Write a point as a form's box holds it: as short as reads back to the same double."""
        return number_text(float(x))

    def round_points(
        self, values: Sequence[float], scale: Scale, *, tolerance: float, coarse: bool = False
    ) -> list[float]:
        """Round increasing points as coarsely as tolerance allows, to show them in boxes
        (coarse: the starting bell, which may round to whole years or months)."""
        return round_numbers(values, scale, tolerance=tolerance)

    def typed_resolution(self, answer: str) -> dict[str, Any]:
        """Read a typed answer that names no outcome (the resolve form's, the CLI's) into the
        resolution object's own field, for parse_resolution to validate: here a number
        (thousands separators allowed); text that is not one is passed on for it to refuse."""
        try:
            return {"value": float(answer.replace(",", ""))}
        except ValueError:
            return {"value": answer}

    # Where a demo forecaster's latent truth is drawn from on a question that gives none.
    synthetic_truth_range: ClassVar[tuple[float, float]] = (0.1, 0.8)

    def synthetic_truth(self, question: Any) -> float | None:
        """Return the latent truth (a probability or u) a resolved question gives the demo
        forecasters (forecast.services.demo), or None to draw one."""
        return None

    @abstractmethod
    def synthetic_forecast(
        self, question: Any, truth: float, stretch: float, noise: float, rng: np.random.Generator
    ) -> dict[str, Any] | None:
        """Draw one demo forecaster's forecast scattered around truth, as interchange fields
        (None: no forecast). noise: the spread of their error; stretch > 1: overconfident."""

    def options_of(self, question: QuestionShape) -> list[str]:
        """Return the question's option labels ([] for kinds without options)."""
        return []
