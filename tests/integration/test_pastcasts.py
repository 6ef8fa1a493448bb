"""Pastcasts on both databases: what is shown as of the vantage date, who is offered what,
grading as training items, one answer each, teams' private questions, hidden aggregates."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask

from forecast.core.calibration import grade_binary
from forecast.core.pastcasts import VANTAGE_FROM, VANTAGE_TO
from forecast.errors import Conflict, NotFound, ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch
from forecast.infra.db import session_scope
from forecast.models import Question, User
from forecast.services import calibration as training
from forecast.services.aggregation.values import cached_aggregate
from forecast.services.forecasts import submit_forecast
from forecast.services.pastcasting import answers as pastcasts
from forecast.services.resolution.resolve import resolve
from forecast.services.teams import membership
from tests.integration.factories import World

DAY = timedelta(days=1)


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def resolved(world: World, outcome: str = "yes", **extra: Any) -> Question:
    """A question that was open from 40 to 10 days ago, forecast early and late, resolved.

    Every vantage date falls 3 to 15 days after the open: ann's first forecast (0.2, an hour
    after the open) stands alone then; ben's (0.9) and ann's update (0.95) come 20 and 25 days
    after the open, so the community at close is theirs.
    """
    q = world.question(opens=-40 * DAY, closes=-10 * DAY, **extra)
    ann, ben = world.user(f"ann{q.id}"), world.user(f"ben{q.id}")
    with world.app.app_context(), session_scope() as session:
        for who, p, after in ((ann, 0.2, timedelta(hours=1)), (ben, 0.9, 20 * DAY)):
            submit_forecast(
                session=session,
                actor=who,
                question_id=q.id,  # type: ignore[arg-type]
                probability=p,
                now=q.open_time + after,
            )
        submit_forecast(
            session=session,
            actor=ann,
            question_id=q.id,  # type: ignore[arg-type]
            probability=0.95,
            now=q.open_time + 25 * DAY,
        )
        resolve(
            session=session,
            actor=world.organizer,
            question_id=q.id,  # type: ignore[arg-type]
            data={"outcome": outcome},
        )
        stored = session.get(Question, q.id)
        assert stored is not None
        return stored


def call(world: World, fn: Any, **kwargs: Any) -> Any:
    with world.app.app_context(), session_scope() as session:
        return fn(session=session, **kwargs)


def test_the_item_shows_only_the_history_at_the_vantage_instant(world: World) -> None:
    q = resolved(world)
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    assert item is not None and item["question_id"] == q.id
    vantage = parse_iso(item["vantage"])
    fraction = (to_epoch(vantage) - to_epoch(q.open_time)) / (
        to_epoch(q.close_time) - to_epoch(q.open_time)
    )
    assert VANTAGE_FROM - 1e-6 <= fraction <= VANTAGE_TO
    with world.app.app_context(), session_scope() as session:
        question = session.get(Question, q.id)
        assert question is not None
        h = cached_aggregate(session, question, "recency_weighted").history
        i = int(np.searchsorted(h.start, to_epoch(vantage), side="right")) - 1
        final = float(h.value[-1])
    assert item["community_then"] == pytest.approx(float(h.value[i]))
    assert item["community_then"] == pytest.approx(0.2) and item["forecasters_then"] == 1
    assert final != pytest.approx(0.2)
    # Nothing of what came later: no outcome, no later history, no scores.
    assert set(item) == {
        "question_id",
        "kind",
        "title",
        "description",
        "resolution_criteria",
        "opened",
        "vantage",
        "forecasters_then",
        "community_then",
        "community_hidden",
        "remaining",
        "answer",
        "reveal",
    }
    assert item["answer"] is None and item["reveal"] is None
    # The same item, at the same instant, on every visit; another person has their own.
    assert call(world, pastcasts.next_pastcast, user=pat) == item
    other = call(world, pastcasts.next_pastcast, user=world.user("quinn"))
    assert other["vantage"] != item["vantage"]


def test_grading_is_that_of_a_true_false_training_item(world: World) -> None:
    yes, no = resolved(world, "yes"), resolved(world, "no")
    pat = world.user("pat")
    sure = call(world, pastcasts.answer, user=pat, question_id=yes.id, data={"probability": 0.8})
    doubt = call(world, pastcasts.answer, user=pat, question_id=no.id, data={"probability": 0.7})
    # 0.8 on yes: "yes, 80% sure", right. 0.7 on no: "yes, 70% sure", wrong.
    assert sure["reveal"]["correct"] is True and doubt["reveal"]["correct"] is False
    assert sure["reveal"]["score"] == pytest.approx(0.04)  # (0.8 - 1)^2
    assert doubt["reveal"]["score"] == pytest.approx(0.49)  # (0.7 - 0)^2
    assert sure["reveal"]["log_score"] == pytest.approx(math.log(0.8))
    assert doubt["reveal"]["log_score"] == pytest.approx(math.log(0.3))
    assert (True, *[sure["reveal"][k] for k in ("score", "log_score")]) == grade_binary(
        True, 0.8, True
    )
    assert (False, *[doubt["reveal"][k] for k in ("score", "log_score")]) == grade_binary(
        True, 0.7, False
    )
    # Against the community: it said 0.2 then (Brier 0.64 on yes, 0.04 on no) and 0.925 at close.
    assert sure["reveal"]["community_then_score"] == pytest.approx(0.64)
    assert sure["reveal"]["beat_community_by"] == pytest.approx(0.60)
    assert doubt["reveal"]["beat_community_by"] == pytest.approx(0.04 - 0.49)
    assert sure["reveal"]["community_at_close"] == pytest.approx(0.925)
    assert sure["reveal"]["forecasters_at_close"] == 2
    assert sure["reveal"]["outcome"] == "yes" and doubt["reveal"]["truth"] is False
    # The record: two pastcasts in the history, their calibration, none toward the badge.
    record = call(world, training.summary, user=pat)
    assert record["answered"] == 2 and record["binary"]["answered"] == 0
    assert record["certificate"]["binary_needed"] == record["certificate"]["binary_required"]
    p = record["pastcast"]
    assert p["answered"] == 2 and p["hit_rate"] == pytest.approx(0.5)
    assert p["brier"] == pytest.approx((0.04 + 0.49) / 2)
    assert p["community_brier_compared"] == pytest.approx((0.64 + 0.04) / 2)
    assert record["sessions"][0]["answered"] == 2


def test_a_second_answer_is_refused_and_changes_nothing(world: World) -> None:
    q = resolved(world)
    pat = world.user("pat")
    call(world, pastcasts.answer, user=pat, question_id=q.id, data={"probability": 0.6})
    with pytest.raises(Conflict):
        call(world, pastcasts.answer, user=pat, question_id=q.id, data={"probability": 0.9})
    shown = call(world, pastcasts.pastcast, user=pat, question_id=q.id)
    assert shown["answer"]["probability"] == pytest.approx(0.6)
    assert call(world, pastcasts.next_pastcast, user=pat) is None


def test_bad_probabilities_are_refused(world: World) -> None:
    q = resolved(world)
    pat = world.user("pat")
    for bad in (0.0, 1.0, 1.5, "0.5", True, None):
        with pytest.raises(ValidationFailed):
            call(world, pastcasts.answer, user=pat, question_id=q.id, data={"probability": bad})
    assert call(world, training.summary, user=pat)["answered"] == 0


def test_a_question_the_person_forecast_is_never_offered(world: World) -> None:
    q = resolved(world)
    forecaster = call(world, lambda session: session.exec(_user_named("ann" + str(q.id))).one())
    assert call(world, pastcasts.next_pastcast, user=forecaster) is None
    with pytest.raises(NotFound):
        call(world, pastcasts.pastcast, user=forecaster, question_id=q.id)
    with pytest.raises(NotFound):
        call(
            world,
            pastcasts.answer,
            user=forecaster,
            question_id=q.id,
            data={"probability": 0.5},
        )


def _user_named(name: str) -> Any:
    from sqlmodel import col, select

    return select(User).where(col(User.username) == name)


def test_annulled_ambiguous_and_open_questions_are_not_offered(world: World) -> None:
    resolved(world, "annulled")
    resolved(world, "ambiguous")
    world.question(opens=-40 * DAY, closes=-10 * DAY)  # closed, never resolved
    world.question()  # open
    pat = world.user("pat")
    assert call(world, pastcasts.next_pastcast, user=pat) is None


def test_a_team_question_is_offered_only_to_the_teams_members(world: World) -> None:
    q = resolved(world)
    owner, outsider = world.user("olga"), world.user("otto")
    team = call(world, membership.create_team, actor=owner, slug="lab", name="The Lab")
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, q.id)
        assert stored is not None
        stored.team_id = team.id
        session.add(stored)
        session.commit()
    assert call(world, pastcasts.next_pastcast, user=owner)["question_id"] == q.id
    assert call(world, pastcasts.next_pastcast, user=outsider) is None
    with pytest.raises(NotFound):
        call(world, pastcasts.pastcast, user=outsider, question_id=q.id)
    with pytest.raises(NotFound):
        call(world, pastcasts.answer, user=outsider, question_id=q.id, data={"probability": 0.5})


def test_an_aggregate_hidden_until_forecast_appears_only_after_the_answer(world: World) -> None:
    q = resolved(world, hide_aggregate_until_forecast=True)
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    assert item["community_then"] is None and "after your answer" in item["community_hidden"]
    assert item["forecasters_then"] == 1
    done = call(world, pastcasts.answer, user=pat, question_id=q.id, data={"probability": 0.5})
    assert done["community_then"] == pytest.approx(0.2) and done["community_hidden"] is None
    assert done["reveal"]["community_at_close"] == pytest.approx(0.925)


def test_an_aggregate_revealed_after_the_vantage_date_waits_for_the_answer(world: World) -> None:
    q = resolved(world)
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, q.id)
        assert stored is not None
        stored.aggregate_reveal_time = stored.open_time + 18 * DAY  # after every vantage date
        session.add(stored)
        session.commit()
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    assert item["community_then"] is None and "not yet revealed" in item["community_hidden"]
    done = call(world, pastcasts.answer, user=pat, question_id=q.id, data={"probability": 0.4})
    assert done["reveal"]["community_then"] == pytest.approx(0.2)
