"""Conditional pairs: creation, and resolutions that follow the condition and the outcome on
every path (condition first or outcome first, re-resolution, un-resolution, annulment)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import Question, QuestionEvent, Role, Score
from forecast.services.conditionals.create import create_pair
from forecast.services.forecasts import submit_forecast
from forecast.services.resolution.resolve import resolve, unresolve
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def make_pair(world: World, outcome_type: str = "binary") -> tuple[Question, Question, Any]:
    condition = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
    outcome = world.question(outcome_type, opens=timedelta(days=-10), closes=timedelta(days=10))
    with world.app.app_context(), session_scope() as session:
        pair = create_pair(
            session=session, actor=world.organizer, condition=condition.key, outcome=outcome.id
        )
        assert pair.yes is not None and pair.no is not None
        return condition, outcome, (pair.yes.id, pair.no.id)


def forecast_both(world: World, ids: tuple[int, int], user: Any, values: tuple[Any, Any]) -> None:
    with world.app.app_context(), session_scope() as session:
        for qid, value in zip(ids, values, strict=True):
            submit_forecast(session=session, actor=user, question_id=qid, **value)


def state(world: World, qid: int) -> tuple[str | None, float | None, str, int]:
    with world.app.app_context(), session_scope() as session:
        q = session.get(Question, qid)
        assert q is not None
        n = len(list(session.exec(select(Score).where(col(Score.question_id) == qid))))
        return q.resolution_outcome, q.resolution_value, q.status, n


def act(world: World, qid: int | None, outcome: dict[str, Any] | None) -> None:
    assert qid is not None
    with world.app.app_context(), session_scope() as session:
        if outcome is None:
            unresolve(session=session, actor=world.organizer, question_id=qid, reason="undo")
        else:
            q = session.get(Question, qid)
            assert q is not None
            data = dict(outcome)
            if q.resolution_outcome is not None:
                data["reason"] = "correction"
            resolve(session=session, actor=world.organizer, question_id=qid, data=data)


def test_a_pair_takes_the_outcomes_type_range_and_window(world: World) -> None:
    condition, outcome, (yes, no) = make_pair(world, "numeric")
    with world.app.app_context(), session_scope() as session:
        for qid, branch in ((yes, "yes"), (no, "no")):
            q = session.get(Question, qid)
            assert q is not None
            assert q.type == "numeric"
            assert (q.range_min, q.range_max, q.open_upper) == (0.0, 100.0, True)
            assert (q.open_time, q.close_time) == (outcome.open_time, outcome.close_time)
            assert q.status == "open"
            assert q.key == f"{outcome.key}-if-{condition.key}-{branch}"
            assert f"resolves {branch}" in q.title
            assert condition.key in q.resolution_criteria


def test_only_organizers_link_a_binary_condition_to_another_question(world: World) -> None:
    condition = world.question()
    numeric = world.question("numeric")
    forecaster = world.user("fay")
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(Forbidden):
            create_pair(
                session=session, actor=forecaster, condition=condition.id, outcome=numeric.id
            )
        with pytest.raises(ValidationFailed, match="binary"):
            create_pair(
                session=session, actor=world.organizer, condition=numeric.id, outcome=condition.id
            )
        with pytest.raises(ValidationFailed, match="itself"):
            create_pair(
                session=session, actor=world.organizer, condition=condition.id, outcome=condition.id
            )
        with pytest.raises(NotFound):
            create_pair(
                session=session, actor=world.organizer, condition="nope", outcome=numeric.id
            )
        pair = create_pair(
            session=session, actor=world.organizer, condition=condition.id, outcome=numeric.id
        )
        with pytest.raises(Conflict, match="linked already"):
            create_pair(
                session=session, actor=world.organizer, condition=condition.id, outcome=numeric.id
            )
        assert pair.yes is not None
        with pytest.raises(ValidationFailed, match="itself a conditional"):
            create_pair(
                session=session, actor=world.organizer, condition=condition.id, outcome=pair.yes.id
            )
        count = len(list(session.exec(select(Question))))
    assert count == 4  # nothing stored by the refused attempts


def test_condition_first_then_outcome_scores_the_branch_that_happened(world: World) -> None:
    condition, outcome, (yes, no) = make_pair(world)
    ann, ben = world.user("ann"), world.user("ben")
    forecast_both(world, (yes, no), ann, ({"probability": 0.8}, {"probability": 0.3}))
    forecast_both(world, (yes, no), ben, ({"probability": 0.6}, {"probability": 0.4}))
    act(world, condition.id, {"outcome": "yes"})
    assert state(world, yes)[:3] == (None, None, "open")
    assert state(world, no) == ("annulled", None, "annulled", 0)
    act(world, outcome.id, {"outcome": "no"})
    assert state(world, yes) == ("no", None, "resolved", 2)
    assert state(world, no) == ("annulled", None, "annulled", 0)
    with world.app.app_context(), session_scope() as session:
        events = session.exec(
            select(QuestionEvent).where(col(QuestionEvent.question_id) == yes)
        ).all()
        assert [e.action for e in events] == ["created", "resolved"]
        assert "follows" in (events[-1].comment or "")


def test_outcome_first_then_condition_numeric(world: World) -> None:
    condition, outcome, (yes, no) = make_pair(world, "numeric")
    act(world, outcome.id, {"value": 42.0})
    assert state(world, yes)[0] is None and state(world, no)[0] is None
    act(world, condition.id, {"outcome": "no"})
    assert state(world, no)[:3] == ("value", 42.0, "resolved")
    assert state(world, yes)[:3] == ("annulled", None, "annulled")


def test_re_resolving_and_un_resolving_move_the_branches(world: World) -> None:
    condition, outcome, (yes, no) = make_pair(world)
    ann = world.user("ann")
    forecast_both(world, (yes, no), ann, ({"probability": 0.8}, {"probability": 0.3}))
    act(world, condition.id, {"outcome": "yes"})
    act(world, outcome.id, {"outcome": "yes"})
    assert state(world, yes) == ("yes", None, "resolved", 1)
    act(world, condition.id, {"outcome": "no"})  # re-resolved with a reason
    assert state(world, yes) == ("annulled", None, "annulled", 0)
    assert state(world, no) == ("yes", None, "resolved", 1)
    act(world, outcome.id, None)
    assert state(world, no) == (None, None, "open", 0)
    assert state(world, yes)[0] == "annulled"
    act(world, condition.id, None)
    assert state(world, yes) == (None, None, "open", 0)
    assert state(world, no) == (None, None, "open", 0)


@pytest.mark.parametrize("void", ["annulled", "ambiguous"])
def test_a_void_condition_annuls_both_branches(world: World, void: str) -> None:
    condition, outcome, (yes, no) = make_pair(world)
    act(world, outcome.id, {"outcome": "yes"})
    act(world, condition.id, {"outcome": void})
    assert state(world, yes) == ("annulled", None, "annulled", 0)
    assert state(world, no) == ("annulled", None, "annulled", 0)


def test_a_conditional_is_never_resolved_by_hand(world: World) -> None:
    _, _, (yes, _) = make_pair(world)
    with (
        world.app.app_context(),
        session_scope() as session,
        pytest.raises(Conflict, match="never resolved by hand"),
    ):
        resolve(session=session, actor=world.organizer, question_id=yes, data={"outcome": "yes"})
    assert state(world, yes)[0] is None


def test_a_pair_made_after_its_questions_resolved_follows_them_at_once(world: World) -> None:
    condition = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
    outcome = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
    act(world, condition.id, {"outcome": "no"})
    act(world, outcome.id, {"outcome": "yes"})
    with world.app.app_context(), session_scope() as session:
        pair = create_pair(
            session=session, actor=world.organizer, condition=condition.id, outcome=outcome.id
        )
        assert pair.yes is not None and pair.no is not None
        assert pair.yes.resolution_outcome == "annulled"
        assert pair.no.resolution_outcome == "yes"


def _world(app: Flask) -> World:
    """One world per app: Hypothesis runs many examples against the same database."""
    if "test_world" not in app.extensions:
        app.extensions["test_world"] = World(app)
    world: World = app.extensions["test_world"]
    return world


def oracle(branch: str, c: str | None, o: str | None) -> str | None:
    """The issue's table, written out independently of forecast.core.conditionals."""
    if c is None:
        return None
    if c in ("annulled", "ambiguous"):
        return "annulled"
    if c != branch:
        return "annulled"
    return o


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["condition", "outcome"]),
        st.sampled_from(["yes", "no", "annulled", "ambiguous", None]),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_resolution_follows_the_table_for_every_order_of_events(
    app: Flask, steps: list[tuple[str, str | None]]
) -> None:
    world = _world(app)
    condition, outcome, (yes, no) = make_pair(world)
    user = world.user(f"user{condition.id}")
    forecast_both(world, (yes, no), user, ({"probability": 0.7}, {"probability": 0.2}))
    current: dict[str, str | None] = {"condition": None, "outcome": None}
    for which, value in steps:
        qid = condition.id if which == "condition" else outcome.id
        if value is None and current[which] is None:
            continue  # nothing to un-resolve
        act(world, qid, None if value is None else {"outcome": value})
        current[which] = value
        for branch, bid in (("yes", yes), ("no", no)):
            expected = oracle(branch, current["condition"], current["outcome"])
            got, _, status, scores = state(world, bid)
            if expected in ("annulled", "ambiguous"):
                assert (got in ("annulled", "ambiguous"), status) == (True, "annulled")
                assert scores == 0
            else:
                assert got == expected
                assert status == ("resolved" if expected else "open")
                assert scores == (1 if expected else 0)


def _team_question(world: World, title: str, qtype: str = "binary") -> Question:
    """A question in team lab's private tournament (lab made on first use, org its owner)."""
    from forecast.services.questions.lifecycle import create_question
    from forecast.services.teams import membership
    from forecast.services.tournaments.catalog import create_tournament
    from tests.integration.factories import question_data

    with world.app.app_context(), session_scope() as session:
        if not membership.my_teams(session=session, viewer=world.organizer):
            membership.create_team(session=session, actor=world.organizer, slug="lab", name="Lab")
            create_tournament(
                session=session, actor=world.organizer, slug="lab-t", title="Lab", team="lab"
            )
        return create_question(
            session=session,
            actor=world.organizer,
            data=question_data(qtype, tournament="lab-t", title=title),
        )


def test_a_private_question_is_linked_only_inside_its_team(world: World) -> None:
    """The branches name the condition: a team's question never pairs with a public one, and a
    site organizer outside the team finds no such question to link at all."""
    secret = _team_question(world, "Will the lab's secret run finish?")
    public = world.question("numeric", opens=timedelta(days=-10), closes=timedelta(days=10))
    public_condition = world.question(opens=timedelta(days=-10), closes=timedelta(days=10))
    outsider = world.user("org2", Role.ORGANIZER)
    with world.app.app_context(), session_scope() as session:
        for condition, outcome in ((secret.key, public.key), (public_condition.key, secret.key)):
            with pytest.raises(ValidationFailed, match="same team"):
                create_pair(
                    session=session, actor=world.organizer, condition=condition, outcome=outcome
                )
        for ref in (secret.key, secret.id):
            with pytest.raises(NotFound) as refused:
                create_pair(session=session, actor=outsider, condition=ref, outcome=public.key)
            with pytest.raises(NotFound) as unknown:
                create_pair(
                    session=session, actor=outsider, condition="no-such-q", outcome=public.key
                )
            assert str(refused.value).replace(repr(ref), "X") == str(unknown.value).replace(
                repr("no-such-q"), "X"
            )
        linked = session.exec(select(Question).where(col(Question.title).contains("secret run")))
        assert [q.id for q in linked] == [secret.id]  # nothing was made
    private_outcome = _team_question(world, "How many lab papers?", "numeric")
    with world.app.app_context(), session_scope() as session:
        pair = create_pair(
            session=session, actor=world.organizer, condition=secret.id, outcome=private_outcome.id
        )
        assert pair.yes is not None and pair.no is not None
        assert {pair.yes.team_id, pair.no.team_id} == {secret.team_id}
