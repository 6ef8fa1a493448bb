"""One rule for a training answer: a set's interval item and a numeric pastcast refuse the same
values with the same message and field, and neither stores anything when they do."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from forecast.errors import ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import CalibrationItem
from forecast.services import calibration as training
from forecast.services.pastcasting import answers as pastcasts
from tests.integration.factories import World
from tests.integration.test_pastcast_intervals import resolved_continuous
from tests.integration.test_pastcasts import call

SET = {
    "format": training.FORMAT,
    "slug": "one-number",
    "title": "One number",
    "items": [{"kind": "interval", "prompt": "How many moons has Mars?", "answer": 2}],
}
BAD = (
    ({"lower": 5, "upper": 1}, "lower", "lower must not exceed upper"),
    ({"lower": "1", "upper": 5}, "lower", "lower must be a finite number"),
    ({"lower": 1, "upper": float("inf")}, "upper", "upper must be a finite number"),
    ({"lower": 1}, "upper", "upper must be a finite number"),
    # Ends this large would make the interval score overflow to infinity.
    ({"lower": -1e308, "upper": 1e308}, "lower", "lower must be at most 1e300 in size"),
    ({"lower": 0, "upper": 1e301}, "upper", "upper must be at most 1e300 in size"),
)


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _refusal(fn: Any) -> tuple[str | None, str]:
    with pytest.raises(ValidationFailed) as refused:
        fn()
    return refused.value.field, refused.value.message


@pytest.mark.parametrize(("data", "field", "message"), BAD)
def test_a_set_item_and_a_pastcast_refuse_an_interval_alike(
    world: World, data: dict[str, Any], field: str, message: str
) -> None:
    q = resolved_continuous(world)
    pat = world.user("pat")
    with world.app.app_context(), session_scope() as session:
        training.import_set(session=session, actor=None, document=SET, system=True)
        item = session.exec(select(CalibrationItem)).one()
        item_id = item.id or 0
    as_item = _refusal(lambda: call(world, training.answer, user=pat, item_id=item_id, data=data))
    as_pastcast = _refusal(
        lambda: call(world, pastcasts.answer, user=pat, question_id=q.id, data=data)
    )
    assert as_item == as_pastcast == (field, message)
    assert call(world, training.summary, user=pat)["answered"] == 0


def test_the_largest_interval_allowed_still_scores_a_finite_number(world: World) -> None:
    q = resolved_continuous(world)
    done = call(
        world,
        pastcasts.answer,
        user=world.user("pat"),
        question_id=q.id,
        data={"lower": -1e300, "upper": 1e300},
    )
    assert done["reveal"]["correct"] is True and done["reveal"]["score"] == pytest.approx(2e300)
