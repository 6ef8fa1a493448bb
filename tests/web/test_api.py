"""The JSON API: auth, questions, forecasts, errors, the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import PASSWORD, Api, make_user
from tests.integration.factories import question_data


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture
def organizer(api_as: Any) -> Api:
    org: Api = api_as("olga", Role.ORGANIZER)
    org.client.application.test_cli_runner()
    from forecast.infra.db import session_scope
    from forecast.services.accounts.users import get_user
    from forecast.services.tournaments.catalog import create_tournament

    with org.client.application.app_context(), session_scope() as session:
        create_tournament(session=session, actor=get_user(session, "olga"), slug="ai", title="AI")
    return org


def test_health_answers_ok(client: FlaskClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_register_then_exchange_the_password_for_a_token(client: FlaskClient) -> None:
    response = client.post("/api/v1/register", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 201
    assert response.get_json()["role"] == "forecaster"
    token = client.post("/api/v1/tokens", json={"username": "alice", "password": PASSWORD})
    assert token.status_code == 201 and token.get_json()["token"].startswith("fc_")
    wrong = client.post("/api/v1/tokens", json={"username": "alice", "password": "nope-nope"})
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "unauthenticated"


def test_registering_a_taken_name_is_a_conflict(client: FlaskClient) -> None:
    client.post("/api/v1/register", json={"username": "alice", "password": PASSWORD})
    again = client.post("/api/v1/register", json={"username": "alice", "password": PASSWORD})
    assert again.status_code == 409 and error_of(again)["field"] == "username"


def test_a_short_password_is_refused(client: FlaskClient) -> None:
    response = client.post("/api/v1/register", json={"username": "alice", "password": "short"})
    assert response.status_code == 422 and error_of(response)["field"] == "password"


def _stored_forecasts(app: Flask) -> list[tuple[Any, ...]]:
    from sqlmodel import select

    from forecast.infra.db import session_scope
    from forecast.models import Forecast

    with app.app_context(), session_scope() as session:
        rows = session.exec(select(Forecast)).all()
        return [(f.id, f.user_id, f.probability, f.end_time) for f in rows]


def test_a_forged_token_is_refused_even_on_public_reads(
    app: Flask, organizer: Api, client: FlaskClient
) -> None:
    question = organizer.post("/questions", json=question_data()).get_json()["id"]
    assert organizer.post(f"/questions/{question}/forecasts", json={"probability": 0.3})
    before = _stored_forecasts(app)
    headers = {"Authorization": "Bearer fc_forged-token-value"}
    assert client.get("/api/v1/questions", headers=headers).status_code == 401
    for forged in (headers, {"Authorization": f"Bearer {organizer.token}x"}):
        response = client.post(
            f"/api/v1/questions/{question}/forecasts", json={"probability": 0.5}, headers=forged
        )
        assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"
    # Nothing was stored or changed: the organizer's one forecast is still the only one.
    assert len(before) == 1 and _stored_forecasts(app) == before


def test_an_organizer_creates_a_question_and_a_forecaster_proposes_one(
    organizer: Api, api_as: Any
) -> None:
    created = organizer.post("/questions", json=question_data())
    assert created.status_code == 201
    body = created.get_json()
    assert body["status"] == "open" and body["tournament"] == "ai" and body["id"] > 0
    alice = api_as("alice")
    proposed = alice.post("/questions", json=question_data(tournament=None))
    assert proposed.status_code == 201 and proposed.get_json()["status"] == "pending"
    assert proposed.get_json()["proposer"] == "alice"


def test_a_forecast_round_trip_through_the_api(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    alice = api_as("alice")
    first = alice.post(
        f"/questions/{qid}/forecasts", json={"probability": 0.3, "rationale": "prior"}
    )
    assert first.status_code == 201 and first.get_json()["probability"] == 0.3
    assert alice.post(f"/questions/{qid}/forecasts", json={"probability": 0.45}).status_code == 201
    mine = alice.get(f"/questions/{qid}/forecasts/mine").get_json()["items"]
    assert [f["probability"] for f in mine] == [0.3, 0.45]
    assert mine[0]["end_time"] == mine[1]["time"] and mine[1]["end_time"] is None
    assert alice.get(f"/questions/{qid}").get_json()["forecaster_count"] == 1
    withdrawn = alice.delete(f"/questions/{qid}/forecasts")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["end_time"] is not None


@pytest.mark.parametrize(
    "body,field",
    [
        ({"probability": 1.5}, "probability"),
        ({"probability": "high"}, "probability"),
        ({"probability": 0.5, "cdf": [0.1] * 201}, "cdf"),
        ({}, "probability"),
        ({"probability": 0.5, "colour": "red"}, "colour"),
    ],
)
def test_bad_forecasts_get_a_4xx_with_the_field_named(
    organizer: Api,
    api_as: Any,
    body: dict,  # type: ignore[type-arg]
    field: str,
) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    response = api_as("alice").post(f"/questions/{qid}/forecasts", json=body)
    assert response.status_code == 422
    assert error_of(response)["field"] == field


def test_a_cdf_of_the_wrong_length_is_refused(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data("numeric")).get_json()["id"]
    response = api_as("alice").post(f"/questions/{qid}/forecasts", json={"cdf": [0.5] * 200})
    assert response.status_code == 422 and error_of(response)["field"] == "cdf"


def test_quantiles_preview_returns_the_cdf_without_saving(
    organizer: Api, client: FlaskClient
) -> None:
    qid = organizer.post("/questions", json=question_data("numeric")).get_json()["id"]
    response = client.post(
        f"/api/v1/questions/{qid}/preview", json={"quantiles": [[0.05, 10], [0.5, 40], [0.95, 80]]}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["cdf"]) == 201 and len(body["density"]) == len(body["x"])
    assert organizer.get(f"/questions/{qid}").get_json()["forecaster_count"] == 0


def test_a_body_over_one_mebibyte_is_refused(organizer: Api, api_as: Any) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    response = api_as("alice").post(
        f"/questions/{qid}/forecasts",
        json={"probability": 0.5, "rationale": "x" * (1024 * 1024 + 10)},
    )
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"


def test_malformed_json_is_a_clean_4xx(organizer: Api, app: Flask, client: FlaskClient) -> None:
    token = organizer.token
    response = client.post(
        "/api/v1/questions",
        data="{not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500 and "error" in response.get_json()


def test_listing_paginates_and_validates_its_arguments(organizer: Api, client: FlaskClient) -> None:
    for _ in range(3):
        organizer.post("/questions", json=question_data())
    page = client.get("/api/v1/questions?per_page=2&page=2").get_json()
    assert page["total"] == 3 and page["page"] == 2 and page["per_page"] == 2
    assert len(page["items"]) == 1
    assert {"id", "key", "type", "status", "title", "tournament", "open_time", "close_time"} <= set(
        page["items"][0]
    )
    assert client.get("/api/v1/questions?per_page=5000").status_code == 422
    assert client.get("/api/v1/questions?status=sideways").status_code == 422


def test_review_is_for_organizers_only(organizer: Api, api_as: Any) -> None:
    alice = api_as("alice")
    qid = alice.post("/questions", json=question_data(tournament=None)).get_json()["id"]
    assert alice.post(f"/questions/{qid}/review", json={"decision": "approve"}).status_code == 403
    approved = organizer.post(
        f"/questions/{qid}/review", json={"decision": "approve", "tournament": "ai"}
    )
    assert approved.status_code == 200 and approved.get_json()["status"] == "open"
    again = organizer.post(f"/questions/{qid}/review", json={"decision": "approve"})
    assert again.status_code == 409


def test_unknown_question_is_404_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/questions/999")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_documented_errors_leave_the_view_unwrapped() -> None:
    from flask_smorest import Blueprint

    from forecast.api.common import document_errors

    blp = Blueprint("probe", __name__)

    def view() -> str:
        return "ok"

    documented = document_errors(blp, 401, 404)(view)
    assert documented is view
    responses = view._apidoc["response"]["responses"]  # type: ignore[attr-defined]
    assert set(responses) == {401, 404}


def test_the_openapi_document_describes_the_real_endpoints(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in (
        "/api/v1/questions",
        "/api/v1/questions/{question_id}/forecasts",
        "/api/v1/tokens",
        "/api/v1/register",
        "/api/v1/health",
    ):
        assert path in paths, path
    forecast_body = paths["/api/v1/questions/{question_id}/forecasts"]["post"]["requestBody"]
    schema_ref = forecast_body["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {"probability", "cdf", "quantiles", "rationale"} <= set(schema["properties"])
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_a_user_without_password_cannot_get_a_token(app: Flask, client: FlaskClient) -> None:
    make_user(app, "imported", password=None)
    response = client.post(
        "/api/v1/tokens", json={"username": "imported", "password": "anything-at-all"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("data", "content_type", "status", "field", "message"),
    [
        ("{not json", "application/json", 400, None, "Invalid JSON body."),
        ('{"probability": 0.5, "colour": "red"}', "application/json", 422, "colour", "Unknown"),
        ('{"probability": "high"}', "application/json", 422, "probability", "number"),
        ('{"probability": "0.5"}', "application/json", 422, "probability", "number"),
        ("[0.5]", "application/json", 422, None, "Invalid input type"),
        # No JSON body at all: the body loads as {} and the service names what is missing.
        ("", "application/json", 422, "probability", "exactly one"),
        ("probability=0.5", "application/x-www-form-urlencoded", 422, "probability", "exactly one"),
    ],
)
def test_a_forecast_body_is_refused_with_the_reason_and_nothing_is_stored(
    organizer: Api,
    api_as: Any,
    client: FlaskClient,
    data: str,
    content_type: str,
    status: int,
    field: str | None,
    message: str,
) -> None:
    qid = organizer.post("/questions", json=question_data()).get_json()["id"]
    alice = api_as("alice")
    response = client.post(
        f"/api/v1/questions/{qid}/forecasts",
        data=data,
        headers={"Authorization": f"Bearer {alice.token}", "Content-Type": content_type},
    )
    error = error_of(response)
    assert (response.status_code, error["field"]) == (status, field), error
    assert message in error["message"]
    assert alice.get(f"/questions/{qid}/forecasts/mine").get_json()["items"] == []


BOUNDARY = {"question": 1, "action": "Act", "event": {"kind": "yes"}, "comparator": ">="}


def _cdf_with_a_string() -> list[Any]:
    cdf: list[Any] = [i / 250 for i in range(201)]
    cdf[1] = str(cdf[1])
    return cdf


@pytest.mark.parametrize(
    "who,path,body,field",
    [
        ("alice", "/questions/1/forecasts", {"probability": "0.5"}, "probability"),
        ("alice", "/questions/2/forecasts", {"cdf": _cdf_with_a_string()}, "cdf.1"),
        (
            "olga",
            "/questions",
            question_data("numeric", range={"min": 0, "max": 100, "zero_point": "-5"}),
            "range.zero_point",
        ),
        ("lea", "/boundaries", {**BOUNDARY, "threshold": "0.1"}, "threshold"),
        ("lea", "/boundaries", {**BOUNDARY, "threshold": 0.1, "hysteresis": "0.05"}, "hysteresis"),
        ("olga", "/questions/2/resolution", {"value": "30"}, "value"),
    ],
)
def test_a_number_sent_as_a_string_is_refused_with_the_field_named(
    app: Flask, organizer: Api, api_as: Any, who: str, path: str, body: Any, field: str
) -> None:
    from tests.web.test_hostile_inputs import row_counts

    assert organizer.post("/questions", json=question_data()).get_json()["id"] == 1
    assert organizer.post("/questions", json=question_data("numeric")).get_json()["id"] == 2
    roles = {"olga": Role.ORGANIZER, "lea": Role.LEADER, "alice": Role.FORECASTER}
    api = organizer if who == "olga" else api_as(who, roles[who])
    before = row_counts(app)
    response = api.post(path, json=body)
    assert response.status_code == 422 and error_of(response)["field"] == field, response.data
    assert row_counts(app) == before


@pytest.mark.parametrize(
    "method,path,allowed",
    [
        ("PUT", "/api/v1/questions", "GET, HEAD, OPTIONS, POST"),
        ("GET", "/api/v1/register", "OPTIONS, POST"),
        ("PATCH", "/api/v1/questions/1/forecasts", "DELETE, OPTIONS, POST"),
        ("DELETE", "/api/v1/health", "GET, HEAD, OPTIONS"),
        ("PUT", "/login", "GET, HEAD, OPTIONS, POST"),
        ("DELETE", "/questions", "GET, HEAD, OPTIONS"),
    ],
)
def test_every_405_names_the_allowed_methods(
    client: FlaskClient, method: str, path: str, allowed: str
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == 405 and response.headers.get("Allow") == allowed
    if path.startswith("/api/"):
        assert error_of(response)["code"] == "method_not_allowed"


def test_before_is_documented_for_date_questions_only(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/questions/{question_id}/aggregate"]["get"]
    described = {p["name"]: p.get("description", "") for p in operation["parameters"]}
    assert described["before"].startswith("date questions only")
    assert "numeric questions: a number" in described["x"]
    assert "date questions: an ISO 8601 date" in described["x"]
