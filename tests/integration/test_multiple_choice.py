"""Multiple-choice questions through the services: create, forecast, aggregate, resolve,
score, un-resolve, export and import, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import numpy as np
import orjson
import pytest
from flask import Flask
from sqlmodel import select

from forecast.core.reference import aggregate as reference
from forecast.errors import ValidationFailed
from forecast.infra.clock import to_epoch
from forecast.infra.db import session_scope
from forecast.models import Forecast, Question
from forecast.services.aggregation.values import cached_aggregate, current_value
from forecast.services.aggregation.views import history_records, value_json
from forecast.services.forecasts import submit_forecast
from forecast.services.interchange.export import export_all
from forecast.services.interchange.importer import import_document
from forecast.services.resolution.resolve import resolve, scores_json, unresolve
from tests.integration.factories import World

LABELS = ["OpenAI", "Google DeepMind", "Anthropic", "Another lab"]


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def mc_question(world: World, **extra: Any) -> Question:
    return world.question(
        "multiple_choice",
        opens=timedelta(days=-10),
        closes=timedelta(days=10),
        options=LABELS,
        **extra,
    )


def forecast(world: World, user: Any, question: Question, p: list[float], day: float) -> None:
    with world.app.app_context(), session_scope() as session:
        submit_forecast(
            session=session,
            actor=user,
            question_id=question.id,
            probabilities=p,
            now=question.open_time + timedelta(days=day),
        )


def test_a_question_keeps_its_options_and_forecasts_their_probabilities(world: World) -> None:
    question = mc_question(world)
    assert question.option_labels == LABELS
    ann = world.user("ann")
    forecast(world, ann, question, [0.4, 0.3, 0.2, 0.1], 1)
    with world.app.app_context(), session_scope() as session:
        row = session.exec(select(Forecast)).one()
        assert row.probability is None
        np.testing.assert_allclose(row.cdf, [0.4, 0.3, 0.2, 0.1])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"probabilities": [0.5, 0.5]}, "probabilities"),
        ({"probabilities": [0.5, 0.3, 0.1, 0.05]}, "probabilities"),
        ({"probabilities": [0.9995, 0.0001, 0.0002, 0.0002]}, "probabilities"),
        ({"probabilities": [0.25, 0.25, "x", 0.25]}, "probabilities"),
        ({"probability": 0.5}, "probability"),
        ({"cdf": [0.1] * 201}, "cdf"),
    ],
)
def test_a_bad_forecast_is_refused_and_nothing_is_stored(
    world: World, payload: dict[str, Any], field: str
) -> None:
    question = mc_question(world)
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(ValidationFailed) as caught:
            submit_forecast(session=session, actor=ann, question_id=question.id, **payload)
        assert caught.value.field == field
        assert session.exec(select(Forecast)).first() is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"options": ["Only one"]}, "options"),
        ({"options": ["Same", "same"]}, "options"),
        ({"options": ["A", ""]}, "options"),
        ({"options": ["A", "B"], "range": {"min": 0, "max": 1}}, "range"),
    ],
)
def test_bad_options_are_refused(world: World, extra: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        world.question("multiple_choice", **extra)
    assert caught.value.field == field


def test_a_binary_question_takes_no_options(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        world.question("binary", options=["A", "B"])
    assert caught.value.field == "options"


def test_the_aggregate_is_per_option_like_the_reference(world: World) -> None:
    question = mc_question(world)
    forecasts = [[0.4, 0.3, 0.2, 0.1], [0.1, 0.5, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25]]
    for i, p in enumerate(forecasts):
        forecast(world, world.user(f"user{i}"), question, p, i + 1)
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, question.id)
        assert stored is not None
        for method in ("recency_weighted", "mean", "geo_mean_odds", "track_record"):
            value = current_value(session, stored, method)
            assert value.forecaster_count == 3
            assert value.probabilities is not None and value.probability is None
            t = to_epoch(stored.open_time + timedelta(days=3))
            slow = reference.history(
                np.array([to_epoch(stored.open_time + timedelta(days=d)) for d in (1, 2, 3)]),
                np.full(3, np.inf),
                np.arange(3),
                np.array(forecasts),
                method=method,
                open_time=to_epoch(stored.open_time),
                scheduled_close=to_epoch(stored.close_time),
                reputation=np.ones(3),
            )
            expected = slow.value[int(np.searchsorted(slow.start, t, side="right")) - 1]
            np.testing.assert_allclose(value.probabilities, expected, rtol=1e-9)
            assert value.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
            body = value_json(value, stored)
            assert len(body["probabilities"]) == 4 and "cdf" not in body
            low, high = body["interval"]
            assert len(low) == len(high) == 4
        records = history_records(cached_aggregate(session, stored, "mean").history, stored)
        assert [r["forecaster_count"] for r in records] == [1, 2, 3]
        np.testing.assert_allclose(records[0]["probabilities"], forecasts[0])


def test_resolving_to_an_option_scores_it_and_unresolving_removes_the_scores(
    world: World,
) -> None:
    question = mc_question(world)
    ann, ben = world.user("ann"), world.user("ben")
    forecast(world, ann, question, [0.5, 0.2, 0.2, 0.1], 1)
    forecast(world, ben, question, [0.1, 0.6, 0.2, 0.1], 1)
    with world.app.app_context(), session_scope() as session:
        resolved, written = resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"option": "OpenAI"},
        )
        assert written == 2
        assert (resolved.resolution_outcome, resolved.resolution_value) == ("option", 0.0)
        rows = {r["user"]: r for r in scores_json(session, resolved)}
    # Both forecast over the same stretch: Peer is +-100 n/(n-1) ln(p / GM) times coverage.
    coverage = rows["ann"]["coverage"]
    gm = math.sqrt(0.5 * 0.1)
    assert rows["ann"]["peer"] == pytest.approx(200 * math.log(0.5 / gm) * coverage, rel=1e-9)
    assert rows["ann"]["peer"] + rows["ben"]["peer"] == pytest.approx(0.0, abs=1e-9)
    assert rows["ann"]["baseline"] == pytest.approx(
        100 * math.log(4 * 0.5) / math.log(4) * coverage, rel=1e-9
    )
    assert rows["ann"]["brier"] == pytest.approx(0.25 + 0.04 + 0.04 + 0.01, abs=1e-12)
    assert rows["ben"]["log"] == pytest.approx(math.log(0.1), abs=1e-12)
    with world.app.app_context(), session_scope() as session:
        back = unresolve(
            session=session, actor=world.organizer, question_id=question.id, reason="wrong lab"
        )
        assert back.resolution_outcome is None
        assert scores_json(session, back) == []


@pytest.mark.parametrize(
    "data",
    [{"option": "Meta"}, {"outcome": "yes"}, {"value": 1}, {"option": 0}],
)
def test_a_resolution_that_names_no_option_is_refused(world: World, data: dict[str, Any]) -> None:
    question = mc_question(world)
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(ValidationFailed):
            resolve(session=session, actor=world.organizer, question_id=question.id, data=data)
        stored = session.get(Question, question.id)
        assert stored is not None and stored.resolution_outcome is None


def test_an_annulled_question_gets_no_scores(world: World) -> None:
    question = mc_question(world)
    forecast(world, world.user("ann"), question, [0.4, 0.3, 0.2, 0.1], 1)
    with world.app.app_context(), session_scope() as session:
        resolved, written = resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"outcome": "annulled"},
        )
        assert written == 0 and resolved.status == "annulled"


def test_the_interchange_file_round_trips_options_forecasts_and_resolution(
    any_app: Flask, app: Flask
) -> None:
    world = World(any_app)
    question = mc_question(world)
    forecast(world, world.user("ann"), question, [0.4, 0.3, 0.2, 0.1], 1)
    with any_app.app_context(), session_scope() as session:
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"option": "Anthropic"},
        )
        first = export_all(session=session)
    record = next(q for q in first["questions"] if q["key"] == question.key)
    assert record["type"] == "multiple_choice" and record["options"] == LABELS
    assert record["resolution"]["option"] == "Anthropic"
    made = next(f for f in first["forecasts"] if f["question"] == question.key)
    assert made["probabilities"] == pytest.approx([0.4, 0.3, 0.2, 0.1])
    with app.app_context(), session_scope() as session:
        import_document(session=session, document=orjson.loads(orjson.dumps(first)))
    with app.app_context(), session_scope() as session:
        assert orjson.dumps(export_all(session=session)) == orjson.dumps(first)


def test_an_import_names_a_bad_multiple_choice_forecast(app: Flask) -> None:
    world = World(app)
    question = mc_question(world)
    world.user("ann")
    with app.app_context(), session_scope() as session:
        document = export_all(session=session)
    document["forecasts"] = [
        {
            "question": question.key,
            "user": "ann",
            "time": document["questions"][0]["open_time"],
            "probabilities": [0.5, 0.5, 0.1, 0.1],
        }
    ]
    with (
        app.app_context(),
        session_scope() as session,
        pytest.raises(ValidationFailed, match="sum to 1"),
    ):
        import_document(session=session, document=document)
