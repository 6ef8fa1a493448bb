"""Races with one defined outcome each, on SQLite and PostgreSQL.

The rules under test:

- A question's close time belongs to the closed side: a forecast whose clock reads exactly
  close_time is refused (409), one a microsecond earlier is accepted, and the scheduler closes
  the question at exactly the same instant (``now >= close_time``). The submit path reads the
  clock after it holds the question's row (or SQLite's write lock), so a forecast stored while
  the scheduler closes the question always starts before the close.
- Two resolutions at once (resolve against annul): one wins, the other hears 409, and the scores
  match the winner.
- Committing a boundary is independent of its question's resolution: a commit landing while
  the question is resolved succeeds in either order, and the report then shows the outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from flask import Flask
from sqlmodel import col, select, update

from forecast import jobs
from forecast.errors import Conflict
from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope, write
from forecast.models import Boundary, BoundaryVersion, Forecast, Question, Role, Score
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.boundaries import report as threshold_report
from forecast.services.forecasts import ForecastRecord, submit_forecast
from forecast.services.questions.lifecycle import advance_schedule
from forecast.services.resolution.resolve import resolve
from tests.conftest import Api, make_token
from tests.integration.factories import World

TICK = timedelta(microseconds=1)


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def run_together(*targets: Callable[[threading.Barrier], None]) -> None:
    """Start every target at the same moment (a barrier) and wait for all of them."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def guard(target: Callable[[threading.Barrier], None]) -> None:
        try:
            target(barrier)
        except BaseException as exc:  # reported by the caller's assertion below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=guard, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    assert errors == [], errors


def stored_forecasts(world: World, question_id: int) -> list[Forecast]:
    with world.app.app_context(), session_scope() as session:
        return list(
            session.exec(
                select(Forecast)
                .where(col(Forecast.question_id) == question_id)
                .order_by(col(Forecast.user_id), col(Forecast.start_time))
            )
        )


def freeze(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """Stop the submit path's clock at instant at."""
    monkeypatch.setattr("forecast.services.forecasts.utcnow", lambda: at)


# --- a. a forecast arriving at the instant the question closes --------------------------------


def test_a_forecast_one_microsecond_before_the_close_is_accepted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    question, ann = world.question(), world.user("ann")
    freeze(monkeypatch, question.close_time - TICK)
    with world.app.app_context(), session_scope() as session:
        record = submit_forecast(
            session=session, actor=ann, question_id=question.id, probability=0.3
        )
    assert record.start_time == question.close_time - TICK
    assert [f.start_time for f in stored_forecasts(world, question.id)] == [record.start_time]


def test_a_forecast_at_exactly_the_close_time_is_refused_through_the_api(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    question, ann = world.question(), world.user("ann")
    api = Api(world.app.test_client(), make_token(world.app, ann))
    freeze(monkeypatch, question.close_time - TICK)
    assert (
        api.post(f"/questions/{question.id}/forecasts", json={"probability": 0.3}).status_code
        == 201
    )
    freeze(monkeypatch, question.close_time)
    refused = api.post(f"/questions/{question.id}/forecasts", json={"probability": 0.9})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "conflict"
    stored = stored_forecasts(world, question.id)
    assert [(f.probability, f.end_time) for f in stored] == [(0.3, None)]


def test_the_scheduler_closes_at_the_same_instant_the_submit_path_refuses(world: World) -> None:
    question = world.question()
    with world.app.app_context(), session_scope() as session:
        assert advance_schedule(session=session, now=question.close_time - TICK)["closed"] == 0
        assert session.get(Question, question.id).status == "open"  # type: ignore[union-attr]
    with world.app.app_context(), session_scope() as session:
        assert advance_schedule(session=session, now=question.close_time)["closed"] == 1
        assert session.get(Question, question.id).status == "closed"  # type: ignore[union-attr]


def test_a_clock_that_stepped_back_never_carries_a_forecast_past_the_close(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second submission reads the same instant as the first (a clock that stepped back or
    # did not move). Keeping one user's rows in order would start it one microsecond later,
    # which is the close time itself: it is refused instead, and the first one stands.
    question, ann = world.question(), world.user("ann")
    freeze(monkeypatch, question.close_time - TICK)
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=question.id, probability=0.3)
        with pytest.raises(Conflict):
            submit_forecast(session=session, actor=ann, question_id=question.id, probability=0.8)
    stored = stored_forecasts(world, question.id)
    assert [(f.probability, f.end_time) for f in stored] == [(0.3, None)]
    assert all(f.start_time < question.close_time for f in stored)


def _close_soon(world: World, question_id: int | None) -> datetime:
    """Move the question's close to 0.2 s from now and return it as stored.

    The clock is read once the question's row is held (SQLite: the write lock), as the submit
    path reads it: a forecast written under the old close started before this one was set.
    """
    with world.app.app_context(), session_scope() as session:
        with write(session):
            held = select(col(Question.id)).where(col(Question.id) == question_id)
            session.execute(held.with_for_update())
            close = utcnow() + timedelta(seconds=0.2)
            session.execute(
                update(Question).where(col(Question.id) == question_id).values(close_time=close)
            )
        stored = session.get(Question, question_id)
        assert stored is not None
        session.refresh(stored)
        return stored.close_time


def test_submissions_racing_the_scheduler_that_closes_the_question(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = [world.user(name) for name in ("ann", "ben", "cat")]
    # The close is set once every forecaster has a forecast standing, 0.2 s ahead: however
    # slowly the threads start on a busy machine, the race to the close begins with all three
    # submitting and the scheduler asking.
    question = world.question(closes=timedelta(hours=1))
    monkeypatch.setattr(jobs, "_app", world.app)
    accepted: list[ForecastRecord] = []
    refusals: dict[str, str] = {}
    closed_by_job: list[datetime] = []
    standing = {user.username: threading.Event() for user in users}
    stop = threading.Event()  # set if the scheduler's side fails, so no forecaster loops on
    closes: list[datetime] = []

    def forecaster(user: Any) -> Callable[[threading.Barrier], None]:
        def run(barrier: threading.Barrier) -> None:
            with world.app.app_context(), session_scope() as session:
                barrier.wait()
                step = 0
                while not stop.is_set():
                    step += 1
                    try:
                        accepted.append(
                            submit_forecast(
                                session=session,
                                actor=user,
                                question_id=question.id,
                                probability=0.05 + (step % 90) / 100,
                            )
                        )
                    except Conflict as exc:
                        refusals[user.username] = exc.message
                        return
                    standing[user.username].set()

        return run

    def scheduler(barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            for event in standing.values():
                assert event.wait(25), "a forecaster never got a forecast in"
            closes.append(_close_soon(world, question.id))
            while not jobs.advance_schedule()["closed"]:
                assert utcnow() < closes[0] + timedelta(seconds=20), "the job never closed it"
                threading.Event().wait(0.005)
            closed_by_job.append(utcnow())
        except BaseException:
            stop.set()
            raise

    run_together(*(forecaster(u) for u in users), scheduler)

    # Every forecaster was eventually refused because the question had closed.
    assert sorted(refusals) == ["ann", "ben", "cat"]
    assert all("closed" in message for message in refusals.values()), refusals
    assert len(closed_by_job) == 1 and closed_by_job[0] >= closes[0]
    stored = stored_forecasts(world, question.id)
    # Every accepted submission is stored as it was answered, and nothing else is.
    assert sorted((r.id, r.start_time) for r in accepted) == sorted(
        (f.id, f.start_time) for f in stored
    )
    assert {r.user_id for r in accepted} == {u.id for u in users}
    # No forecast starts at or after the close, and each user's rows form one chain.
    assert all(f.start_time < closes[0] for f in stored), (
        closes, [(f.user_id, f.start_time) for f in stored if f.start_time >= closes[0]]
    )
    for user in users:
        chain = [f for f in stored if f.user_id == user.id]
        for earlier, later in pairwise(chain):
            assert earlier.end_time == later.start_time
        assert chain[-1].end_time is None
    with world.app.app_context(), session_scope() as session:
        assert session.get(Question, question.id).status == "closed"  # type: ignore[union-attr]


# --- b. two resolutions at once: resolve against annul ----------------------------------------


def test_resolving_and_annulling_at_once_one_wins_and_the_scores_follow_it(world: World) -> None:
    question = world.question(opens=timedelta(days=-10))
    second = world.user("olaf", Role.ORGANIZER)
    with world.app.app_context(), session_scope() as session:
        for name, p in (("ann", 0.8), ("ben", 0.3)):
            submit_forecast(
                session=session, actor=world.user(name), question_id=question.id, probability=p
            )
    results: dict[str, str] = {}

    def attempt(actor: Any, outcome: str) -> Callable[[threading.Barrier], None]:
        def run(barrier: threading.Barrier) -> None:
            with world.app.app_context(), session_scope() as session:
                barrier.wait()
                try:
                    resolve(
                        session=session,
                        actor=actor,
                        question_id=question.id,
                        data={"outcome": outcome},
                    )
                    results[outcome] = "won"
                except Conflict:
                    results[outcome] = "conflict"

        return run

    run_together(attempt(world.organizer, "yes"), attempt(second, "annulled"))
    assert sorted(results.values()) == ["conflict", "won"]
    winner = next(outcome for outcome, result in results.items() if result == "won")
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, question.id)
        assert stored is not None and stored.resolution_outcome == winner
        assert stored.status == ("annulled" if winner == "annulled" else "resolved")
        scores = session.exec(select(Score)).all()
        assert len(scores) == (0 if winner == "annulled" else 2)


# --- c. a boundary committed while its question is being resolved -----------------------------


@pytest.mark.parametrize("repeat", range(2))
def test_a_commit_racing_the_resolution_succeeds_and_the_report_shows_the_outcome(
    world: World, repeat: int
) -> None:
    question = world.question(opens=timedelta(days=-10))
    leader = world.user("lea", Role.LEADER)
    with world.app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=world.user("ann"), question_id=question.id, probability=0.7
        )
        boundary = boundary_service.create_boundary(
            session=session,
            actor=leader,
            data={
                "question": question.id,
                "action": "Fund a safety team",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.2,
            },
        )
    finished: list[str] = []

    def commit(barrier: threading.Barrier) -> None:
        with world.app.app_context(), session_scope() as session:
            barrier.wait()
            boundary_service.commit_boundary(
                session=session,
                actor=leader,
                boundary_id=boundary.id,  # type: ignore[arg-type]
            )
            finished.append("commit")

    def resolution(barrier: threading.Barrier) -> None:
        with world.app.app_context(), session_scope() as session:
            barrier.wait()
            resolve(
                session=session,
                actor=world.organizer,
                question_id=question.id,
                data={"outcome": "yes"},
            )
            finished.append("resolve")

    run_together(commit, resolution)
    assert sorted(finished) == ["commit", "resolve"]
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Boundary, boundary.id)
        assert stored is not None and stored.status == "committed" and not stored.blind
        version = boundary_service.current_version(session, stored)
        assert version.version == 1 and version.committed_at is not None
        resolved = session.get(Question, question.id)
        assert resolved is not None and resolved.status == "resolved"
        assert version.content_hash == boundary_service.rules.content_hash(
            boundary_service.hash_fields(resolved, version)
        )
        assert len(session.exec(select(BoundaryVersion)).all()) == 1
        assert len(session.exec(select(Score)).all()) == 1
        rows = threshold_report.report(session=session, viewer=leader)
        assert [(r["id"], r["outcome"]) for r in rows] == [(boundary.id, "happened")]
