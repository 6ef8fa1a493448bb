"""The aggregate endpoints: values, methods, history, P(X <= x), and anti-herding."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from forecast.infra.db import session_scope
from forecast.models import Question, Role
from tests.conftest import Api
from tests.integration.factories import question_data


@pytest.fixture
def organizer(api_as: Any) -> Api:
    from forecast.services.accounts.users import get_user
    from forecast.services.tournaments.catalog import create_tournament

    org: Api = api_as("olga", Role.ORGANIZER)
    with org.client.application.app_context(), session_scope() as session:
        create_tournament(session=session, actor=get_user(session, "olga"), slug="ai", title="AI")
    return org


def forecast_all(api_as: Any, qid: int, values: list[Any], key: str = "probability") -> None:
    for i, value in enumerate(values):
        response = api_as(f"user{i}").post(f"/questions/{qid}/forecasts", json={key: value})
        assert response.status_code == 201, response.get_json()


def test_the_aggregate_of_a_binary_question_under_every_method(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    forecast_all(api_as, qid, [0.1, 0.2, 0.9])
    default = organizer.get(f"/questions/{qid}/aggregate").get_json()
    assert default["method"] == "recency_weighted" and default["forecaster_count"] == 3
    low, high = default["interval"]
    assert low <= default["probability"] <= high
    mean = organizer.get(f"/questions/{qid}/aggregate?method=unweighted").get_json()
    assert mean["probability"] == pytest.approx(0.2)
    for method in ("mean", "geo_mean_odds", "extremized", "track_record"):
        body = organizer.get(f"/questions/{qid}/aggregate?method={method}").get_json()
        assert 0 < body["probability"] < 1, method
    bad = organizer.get(f"/questions/{qid}/aggregate?method=vote")
    assert bad.status_code == 422


def test_the_question_carries_its_aggregate(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    assert organizer.get(f"/questions/{qid}").get_json()["aggregate"]["forecaster_count"] == 0
    forecast_all(api_as, qid, [0.3, 0.5])
    body = organizer.get(f"/questions/{qid}").get_json()
    assert body["aggregate"]["probability"] == pytest.approx(0.4)


def test_the_history_pages_through_change_points(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    forecast_all(api_as, qid, [0.3, 0.5, 0.7])
    page = organizer.get(f"/questions/{qid}/aggregate/history?per_page=2").get_json()
    assert page["total"] == 3 and len(page["items"]) == 2
    first, second = page["items"]
    assert first["end"] == second["start"] and first["forecaster_count"] == 1
    assert first["probability"] == pytest.approx(0.3)


def test_a_date_question_answers_the_probability_before_a_date(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data("date")).get_json()["id"]
    forecast_all(
        api_as,
        qid,
        [
            [
                [0.05, "2028-01-01T00:00:00Z"],
                [0.5, "2031-01-01T00:00:00Z"],
                [0.95, "2040-01-01T00:00:00Z"],
            ]
        ],
        key="quantiles",
    )
    body = organizer.get(f"/questions/{qid}/aggregate?before=2031-01-01T00:00:00Z").get_json()
    assert body["p_before"] == pytest.approx(0.5, abs=0.01)
    assert body["p_above"] == pytest.approx(1 - body["p_below"])
    late = organizer.get(f"/questions/{qid}/aggregate?before=2045-01-01T00:00:00Z").get_json()
    assert late["p_before"] > body["p_before"]
    assert organizer.get(f"/questions/{qid}/aggregate?before=soon").status_code == 422
    numeric_only = organizer.get(f"/questions/{qid}/aggregate?x=12")
    assert numeric_only.status_code == 422


def test_a_hidden_aggregate_is_hidden_until_the_viewer_forecasts(
    organizer: Api, api_as: Any, app: Flask
) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    with app.app_context(), session_scope() as session:
        question = session.get(Question, qid)
        assert question is not None
        question.hide_aggregate_until_forecast = True
        session.add(question)
        session.commit()
    forecast_all(api_as, qid, [0.4])
    newcomer = api_as("newcomer")
    hidden = newcomer.get(f"/questions/{qid}/aggregate")
    assert hidden.status_code == 403 and "forecast first" in hidden.get_json()["error"]["message"]
    assert newcomer.get(f"/questions/{qid}").get_json()["aggregate"] is None
    assert newcomer.get(f"/questions/{qid}/aggregate/history").status_code == 403
    newcomer.post(f"/questions/{qid}/forecasts", json={"probability": 0.6})
    assert newcomer.get(f"/questions/{qid}/aggregate").status_code == 200
    assert organizer.get(f"/questions/{qid}/aggregate").status_code == 200


def test_export_aggregates_writes_the_contract_shape(
    organizer: Api, api_as: Any, runner: FlaskCliRunner
) -> None:
    created = organizer.post("/questions", json=question_data()).get_json()
    forecast_all(api_as, created["id"], [0.3, 0.5])
    result = runner.invoke(
        args=["export", "aggregates", "--question", created["key"], "--method", "mean"]
    )
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert [set(e) for e in entries] == [{"start", "end", "forecaster_count", "probability"}] * 2
    assert entries[-1]["end"] is None and entries[-1]["probability"] == pytest.approx(0.4)
    missing = runner.invoke(args=["export", "aggregates", "--question", "nope"])
    assert missing.exit_code == 1


def test_an_organizer_sets_a_reveal_time_when_creating_the_question(
    organizer: Api, api_as: Any
) -> None:
    data = question_data(aggregate_reveal_time="2099-01-01T00:00:00Z")
    created = organizer.post("/questions", json=data).get_json()
    assert created["aggregate_reveal_time"] == "2099-01-01T00:00:00Z"
    forecast_all(api_as, created["id"], [0.4])
    hidden = api_as("user0_again").get(f"/questions/{created['id']}/aggregate")
    assert (
        hidden.status_code == 403
        and "revealed on 2099-01-01" in hidden.get_json()["error"]["message"]
    )
    assert organizer.get(f"/questions/{created['id']}/aggregate").status_code == 200


def test_the_hiding_flag_must_be_a_boolean(organizer: Api) -> None:
    response = organizer.post(
        "/questions", json=question_data(hide_aggregate_until_forecast="maybe")
    )
    assert response.status_code == 422
