"""The trust panel on a boundary's page, "best at your threshold" in the report, and the Murphy
diagram on a track record."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as service
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.integration.factories import World
from tests.integration.test_threshold_trust import track_records
from tests.web.test_boundary_pages import login


def test_a_leader_sees_whom_to_trust_at_their_threshold(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    good, bad = track_records(world)
    lea = make_user(app, "lea", Role.LEADER)
    question = world.question()
    with app.app_context(), session_scope() as session:
        for user, p in ((good, 0.8), (bad, 0.1)):
            submit_forecast(session=session, actor=user, question_id=question.id, probability=p)
        b = service.create_boundary(
            session=session,
            actor=lea,
            data={
                "question": question.id,
                "action": "act",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.3,
            },
        )
        service.commit_boundary(session=session, actor=lea, boundary_id=b.id)
    login(client, "lea")
    page = client.get(f"/boundaries/{b.id}").get_data(as_text=True)
    assert "Whose forecasts to trust at 30.0%" in page
    table = page[page.index('id="trust-table"') :]
    assert table.index(">good<") < table.index(">bad<")
    assert "give <strong>80.0%</strong>" in page
    report = client.get("/boundaries/report").get_data(as_text=True)
    assert "best at your threshold: <strong>80.0%</strong>" in report
    record = client.get("/users/good").get_data(as_text=True)
    assert 'aria-label="Murphy diagram' in record
    assert "The diagram appears after" in client.get("/users/lea").get_data(as_text=True)
