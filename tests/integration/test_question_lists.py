"""Question listings: words, your own forecasts, and the order, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from forecast.errors import NotAuthenticated, ValidationFailed
from forecast.infra.db import session_scope
from forecast.services.forecasts import submit_forecast, withdraw_forecast
from forecast.services.questions.lists import list_questions
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    """Four open questions with distinct titles, openings and forecaster counts."""
    world = World(any_app)
    world.gpu = world.question(  # type: ignore[attr-defined]
        title="Will a 100% GPU cluster exceed 1e27 FLOP?", opens=timedelta(days=-5)
    )
    world.arc = world.question(  # type: ignore[attr-defined]
        title="Will the ARC Prize be won?", opens=timedelta(days=-1), closes=timedelta(days=5)
    )
    world.open_weights = world.question(  # type: ignore[attr-defined]
        title="Will open_weights models lead?", opens=timedelta(days=-3)
    )
    world.nobel = world.question(  # type: ignore[attr-defined]
        title="Will an AI system share a Nobel prize?", opens=timedelta(days=-2)
    )
    return world


def _titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [q.title for q in page.items]


def test_search_matches_words_of_the_title_or_the_key_in_any_case(world: World) -> None:
    with world.app.app_context(), session_scope() as session:

        def found(words: str) -> list[str]:
            return _titles(list_questions(session=session, viewer=None, search=words))

        assert found("arc prize") == ["Will the ARC Prize be won?"]
        assert found("  NOBEL ") == ["Will an AI system share a Nobel prize?"]
        assert len(found("will")) == 4 and found("") == found("   ") and len(found("")) == 4
        # Wildcards are taken literally: % and _ match only themselves.
        assert found("100%") == ["Will a 100% GPU cluster exceed 1e27 FLOP?"]
        assert found("open_w") == ["Will open_weights models lead?"]
        assert found("%") == ["Will a 100% GPU cluster exceed 1e27 FLOP?"]
        assert found("no such words") == []
        key = world.arc.key  # type: ignore[attr-defined]
        assert found(key.upper()) == ["Will the ARC Prize be won?"]
        with pytest.raises(ValidationFailed):
            list_questions(session=session, viewer=None, search="x" * 201)


def test_search_keeps_questions_holding_every_word_in_any_order_and_field(world: World) -> None:
    world.question(
        title="How much compute will the largest training run have used by 2028?",
        key="largest-training-compute-2028",
        description="Measured in FLOP, as Epoch AI reports it.",
    )
    world.question(title="Will a 50/50 Élan question split?", description="Ünïcode context.")
    compute = "How much compute will the largest training run have used by 2028?"
    with world.app.app_context(), session_scope() as session:

        def found(words: str) -> list[str]:
            return _titles(list_questions(session=session, viewer=None, search=words))

        assert found("compute largest") == [compute]
        # FLOP is in the description, 2028 in the title: each word may come from any field.
        assert found("FLOP 2028") == [compute] and found("2028 flop FLOP") == [compute]
        assert found("training-compute epoch") == [compute]
        # Every word must appear: one missing word drops the question.
        assert found("compute nobel") == [] and found("largest 2029") == []
        assert found("gpu 100%") == ["Will a 100% GPU cluster exceed 1e27 FLOP?"]
        assert found("open_ lead") == ["Will open_weights models lead?"]
        assert found("100%  zzz") == [] and found("open_w %") == []
        # The escape character of the pattern is a plain character too.
        split = ["Will a 50/50 Élan question split?"]
        assert found("50/50") == split and found("/") == split
        # Words typed as stored match on both databases, letters outside ASCII included.
        assert found("Élan Ünïcode") == split


def test_mine_keeps_the_questions_you_do_or_do_not_stand_on(world: World) -> None:
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        for q in (world.arc, world.nobel):  # type: ignore[attr-defined]
            submit_forecast(session=session, actor=ann, question_id=q.id, probability=0.3)
        withdraw_forecast(session=session, actor=ann, question_id=world.nobel.id)  # type: ignore[attr-defined]
        with_ = list_questions(session=session, viewer=ann, mine="with")
        without = list_questions(session=session, viewer=ann, mine="without")
        assert _titles(with_) == ["Will the ARC Prize be won?"] and with_.total == 1
        # A withdrawn forecast no longer stands: the Nobel question is back among the rest.
        assert without.total == 3 and "Will the ARC Prize be won?" not in _titles(without)
        ben = world.user("ben")
        assert list_questions(session=session, viewer=ben, mine="with").total == 0
        assert list_questions(session=session, viewer=ben, mine="").total == 4
        with pytest.raises(NotAuthenticated):
            list_questions(session=session, viewer=None, mine="with")
        with pytest.raises(ValidationFailed):
            list_questions(session=session, viewer=ann, mine="some")


def test_the_list_is_ordered_as_asked(world: World) -> None:
    users = [world.user(name) for name in ("ann", "ben", "cat")]
    with world.app.app_context(), session_scope() as session:
        for count, q in ((3, world.nobel), (1, world.gpu)):  # type: ignore[attr-defined]
            for user in users[:count]:
                submit_forecast(session=session, actor=user, question_id=q.id, probability=0.5)

        def order(sort: str | None) -> list[str]:
            return _titles(list_questions(session=session, viewer=None, sort=sort))

        # Default: open first, closing soonest (the ARC question closes in 5 days).
        assert order(None)[0] == "Will the ARC Prize be won?" and order(None) == order("close")
        assert order("newest") == [
            "Will the ARC Prize be won?",
            "Will an AI system share a Nobel prize?",
            "Will open_weights models lead?",
            "Will a 100% GPU cluster exceed 1e27 FLOP?",
        ]
        assert order("title") == sorted(order("title"), key=str.lower)
        assert order("forecasters")[:2] == [
            "Will an AI system share a Nobel prize?",
            "Will a 100% GPU cluster exceed 1e27 FLOP?",
        ]
        with pytest.raises(ValidationFailed):
            order("random")
