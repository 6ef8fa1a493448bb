"""The NUL character is refused where text enters, with the same 4xx on SQLite and PostgreSQL.

PostgreSQL cannot store it (a 500 if it reached the database) and SQLite would store it.
"""

from __future__ import annotations

import pytest
from flask import Flask

from forecast.errors import ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import Forecast, Question
from forecast.services.interchange.importer import import_document
from tests.conftest import Api, make_token
from tests.integration.factories import World, question_data


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _count(world: World, model: type) -> int:
    from sqlmodel import func, select

    with world.app.app_context(), session_scope() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_the_api_refuses_nul_in_json_text_and_query_strings(world: World) -> None:
    fran, question = world.user("fran"), world.question()
    api = Api(world.app.test_client(), make_token(world.app, fran))
    refused = api.post(
        f"/questions/{question.id}/forecasts",
        json={"probability": 0.4, "rationale": "before\x00after"},
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "rationale"
    organizer = Api(world.app.test_client(), make_token(world.app, world.organizer))
    proposal = organizer.post("/questions", json=question_data(title="Title \x00 here?"))
    assert proposal.status_code == 422 and proposal.get_json()["error"]["field"] == "title"
    assert api.get("/questions", query_string={"tournament": "a\x00b"}).status_code == 422
    assert _count(world, Forecast) == 0 and _count(world, Question) == 1
    # The same request without the NUL goes through.
    fine = api.post(f"/questions/{question.id}/forecasts", json={"probability": 0.4})
    assert fine.status_code == 201


def test_a_form_with_nul_is_refused_and_stores_nothing(world: World) -> None:
    client = world.app.test_client()
    response = client.post(
        "/register", data={"username": "nul\x00user", "password": "x" * 12, "confirm": "x" * 12}
    )
    assert response.status_code == 422
    from forecast.models import User

    with world.app.app_context(), session_scope() as session:
        from sqlmodel import select

        assert "nul\x00user" not in {u.username for u in session.exec(select(User))}


def test_an_interchange_file_with_nul_names_the_record_and_changes_nothing(
    world: World,
) -> None:
    document = {
        "format": "forecast-interchange/1",
        "users": [{"username": "ok", "role": "forecaster"}],
        "tournaments": [],
        "questions": [],
        "forecasts": [{"question": "q", "user": "ok", "rationale": "a\x00b"}],
    }
    with (
        world.app.app_context(),
        session_scope() as session,
        pytest.raises(ValidationFailed, match=r"forecasts\[0\]\.rationale"),
    ):
        import_document(session=session, document=document)
    from forecast.models import User

    assert _count(world, User) == 1  # only the World's organizer
