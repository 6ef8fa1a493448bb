"""The warm threshold report: rows read back from `boundary_evaluations`, and payloads kept
decoded in the process (boundaries/decoded.py), give exactly what evaluating them gave, and a
new forecast is seen at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from flask import Flask
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import BoundaryEvaluation, Role, User
from forecast.services.boundaries import decoded
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import report as threshold_report
from forecast.services.forecasts import submit_forecast
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _report(world: World, lea: User) -> list[dict[str, Any]]:
    with world.app.app_context(), session_scope() as session:
        return threshold_report.report(session=session, viewer=lea)


def _payloads(world: World) -> dict[int, str]:
    with world.app.app_context(), session_scope() as session:
        return {e.boundary_id: e.payload for e in session.exec(select(BoundaryEvaluation))}


def _setup(world: World) -> tuple[User, int, list[User]]:
    lea = world.user("lea", Role.LEADER)
    question = world.question()
    forecasters = [world.user(f"fc{i}") for i in range(3)]
    start = question.open_time + timedelta(hours=1)
    with world.app.app_context(), session_scope() as session:
        for i, user in enumerate(forecasters):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=0.05 + 0.01 * i,
                now=start + timedelta(minutes=i),
            )
        for threshold in (0.1, 0.3):
            boundary = service.create_boundary(
                session=session,
                actor=lea,
                data={
                    "question": question.id,
                    "action": f"Act at {threshold}",
                    "event": {"kind": "yes"},
                    "comparator": ">=",
                    "threshold": threshold,
                },
            )
            service.commit_boundary(session=session, actor=lea, boundary_id=boundary.id)
    return lea, question.id, forecasters


def test_cached_and_decoded_rows_equal_the_evaluated_ones(world: World) -> None:
    lea, _question, _forecasters = _setup(world)
    decoded.forget()
    evaluated = _report(world, lea)  # every row evaluated now and stored
    stored = _payloads(world)
    assert len(evaluated) == 2 and set(stored) == {r["id"] for r in evaluated}
    first_read = _report(world, lea)  # read back: each payload decoded
    kept = _report(world, lea)  # read back again: the decoded payloads reused
    decoded.forget()
    decoded_again = _report(world, lea)
    # The evaluation as stored and read back (tuples become lists, floats round-trip exactly).
    assert orjson.loads(orjson.dumps(evaluated)) == first_read == kept == decoded_again
    assert _payloads(world) == stored  # none was evaluated again
    assert all(r["path"] and r["events"] and r["by_method"] for r in kept)


def test_a_caller_changing_a_row_leaves_the_next_report_unchanged(world: World) -> None:
    lea, _question, _forecasters = _setup(world)
    _report(world, lea)
    before = _report(world, lea)
    for row in _report(world, lea):
        row["probability"] = None
        row["by_method"] = {}
        row.pop("path")
    assert _report(world, lea) == before


def test_a_new_forecast_is_seen_at_once_by_the_warm_report(world: World) -> None:
    lea, question_id, forecasters = _setup(world)
    _report(world, lea)
    assert all(not r["crossed"] for r in _report(world, lea))
    stored = _payloads(world)
    with world.app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question_id, probability=0.6)
    after = _report(world, lea)
    assert all(r["crossed"] and r["probability"] == pytest.approx(0.6) for r in after)
    # Each row was evaluated again and stored anew; reading it back gives the new evaluation.
    restored = _payloads(world)
    assert all(restored[i] != stored[i] for i in stored)
    assert _report(world, lea) == orjson.loads(orjson.dumps(after))
