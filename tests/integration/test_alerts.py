"""Threshold alerts: each change of state recorded once, owners told (delivery: outbox tests)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Boundary, BoundaryEvent, Notification, Role
from forecast.services.boundaries import alerts
from forecast.services.boundaries import lifecycle as service
from forecast.services.forecasts import submit_forecast
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def setup_boundary(world: World, threshold: float = 0.3) -> tuple[Any, Any, list[Any]]:
    question = world.question()
    leader = world.user("lea", Role.LEADER)
    forecasters = [world.user(f"fc{i}") for i in range(2)]
    with world.app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.1)
        boundary = service.create_boundary(
            session=session,
            actor=leader,
            data={
                "question": question.id,
                "action": "Hire",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": threshold,
            },
        )
        service.commit_boundary(session=session, actor=leader, boundary_id=boundary.id)
    return question, boundary, forecasters


def run(world: World) -> alerts.AlertRun:
    with world.app.app_context(), session_scope() as session:
        return alerts.run(session=session)


def events(world: World) -> list[str]:
    with world.app.app_context(), session_scope() as session:
        return [e.state for e in session.exec(select(BoundaryEvent).order_by(BoundaryEvent.id))]


def test_each_change_of_state_is_recorded_once_even_when_the_job_runs_twice(world: World) -> None:
    question, _, forecasters = setup_boundary(world)
    assert len(run(world).changes) == 1 and events(world) == ["not_crossed"]
    assert run(world).changes == [] and events(world) == ["not_crossed"]
    with world.app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.5)
    assert [c["state"] for c in run(world).changes] == ["crossed"]
    assert run(world).changes == []
    assert events(world) == ["not_crossed", "crossed"]
    with world.app.app_context(), session_scope() as session:
        notes = session.exec(select(Notification).where(Notification.kind == "boundary_crossed"))
        assert len(notes.all()) == 1


def test_a_boundary_holds_its_state_below_its_minimum_of_forecasters(world: World) -> None:
    question, boundary, forecasters = setup_boundary(world, threshold=0.3)
    with world.app.app_context(), session_scope() as session:
        row = session.get(Boundary, boundary.id)
        row.min_forecasters = 3
        session.add(row)
        session.commit()
        # One forecaster far past the line moves the aggregate over it: too few to count.
        submit_forecast(
            session=session, actor=forecasters[0], question_id=question.id, probability=0.9
        )
        submit_forecast(
            session=session, actor=forecasters[1], question_id=question.id, probability=0.9
        )
    assert run(world).changes == [] and events(world) == []
    third = world.user("fc-third")
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=third, question_id=question.id, probability=0.9)
    assert [c["state"] for c in run(world).changes] == ["crossed"]
