"""A conditional pair as a person may read it, and forecasting both branches in one go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from forecast.errors import NotFound, ValidationFailed
from forecast.models import Question, User
from forecast.services.accounts.permissions import require_user
from forecast.services.aggregation.now import CommunityNow, community_json, community_now
from forecast.services.conditionals.links import Pair, pair_of
from forecast.services.forecast_input import parse_value
from forecast.services.forecasts import ForecastRecord, submit_forecast
from forecast.services.kinds import kind_of
from forecast.services.questions.lifecycle import can_view
from forecast.services.questions.views import question_payloads


@dataclass(frozen=True)
class PairView:
    """The pair's four questions with the community prediction now of each the viewer may see
    (None where hidden from them or without forecasts)."""

    pair: Pair
    community: dict[int, CommunityNow]

    def value(self, question: Question | None) -> CommunityNow | None:
        """Return a question's community value now as the viewer may see it."""
        return None if question is None else self.community.get(question.id or 0)

    @property
    def p_condition(self) -> float | None:
        """Return P(C) now, the community's probability that the condition resolves yes."""
        value = self.value(self.pair.condition)
        return value.probability if value is not None else None


def pair_view(
    *, session: Session, viewer: User | None, question_id: int, now: datetime | None = None
) -> PairView | None:
    """Return the pair of a conditional question (None for any other question).

    Each question's value comes from the aggregation service's own hiding rules, so a branch
    whose aggregate is hidden from the viewer shows nothing drawn from it."""
    pair = pair_of(session, question_id)
    if pair is None:
        return None
    questions = [q for q in (pair.condition, pair.outcome, pair.yes, pair.no) if q is not None]
    if not all(can_view(q, viewer) for q in questions):
        return None
    community = community_now(session=session, questions=questions, viewer=viewer, now=now)
    return PairView(pair, community)


def _value(data: Any, branch: str, question: Question) -> dict[str, Any]:
    """Take one branch's payload in the fields of the outcome's kind (a probability, a CDF or
    quantiles, option probabilities), which parses it."""
    kind = kind_of(question)
    if not isinstance(data, Mapping):
        raise ValidationFailed(f"give the forecast if {branch} as an object", branch)
    value = {k: data[k] for k in kind.forecast_fields if data.get(k) is not None}
    if len(value) != 1 or set(data) - set(kind.forecast_fields):
        raise ValidationFailed(
            f"give the forecast if {branch} as one of: {kind.expected_fields()}", branch
        )
    return value


def submit_both(
    *,
    session: Session,
    actor: User | None,
    question_id: int,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> tuple[ForecastRecord, ForecastRecord]:
    """Forecast both branches of a pair: `{"yes": {value}, "no": {value}, "rationale"?}`.

    Both values are checked against their questions before either is stored, so a bad value
    on one branch stores nothing on the other."""
    actor = require_user(actor)
    pair = pair_of(session, question_id)
    if pair is None or pair.yes is None or pair.no is None:
        raise NotFound(f"no conditional pair with question {question_id}")
    values = {
        "yes": _value(data.get("yes"), "yes", pair.yes),
        "no": _value(data.get("no"), "no", pair.no),
    }
    rationale = data.get("rationale")
    branches = (("yes", pair.yes), ("no", pair.no))
    for branch, question in branches:
        try:
            parse_value(question, **values[branch])
        except ValidationFailed as exc:
            raise ValidationFailed(f"if {branch}: {exc.message}", branch) from None
    yes, no = (
        submit_forecast(
            session=session,
            actor=actor,
            question_id=question.id or 0,
            rationale=rationale,
            now=now,
            **values[branch],
        )
        for branch, question in branches
    )
    return yes, no


def pair_json(session: Session, view: PairView) -> dict[str, Any]:
    """Render a pair for the API: the four questions, each with its community value now (null
    where hidden from the viewer), and P(C)."""
    pair = view.pair
    named = {"condition": pair.condition, "outcome": pair.outcome, "yes": pair.yes, "no": pair.no}
    present = {name: q for name, q in named.items() if q is not None}
    payloads = question_payloads(session, list(present.values()))
    body: dict[str, Any] = {name: None for name in named}
    for (name, question), payload in zip(present.items(), payloads, strict=True):
        payload["community"] = community_json(view.value(question), question)
        body[name] = payload
    body["p_condition"] = view.p_condition
    return body
