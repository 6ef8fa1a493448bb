"""The boundary form shares a boundary with one of the leader's teams (the API's shared_team)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Boundary, Role
from forecast.services.teams.membership import create_team
from tests.conftest import PASSWORD, make_user
from tests.integration.factories import World


def login(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_leader_shares_a_boundary_with_a_team_from_the_form(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question()
    lea = make_user(app, "lea", Role.LEADER)
    make_user(app, "solo", Role.LEADER)
    with app.app_context(), session_scope() as session:
        create_team(session=session, actor=lea, slug="strategy", name="Strategy <b>desk</b>")
    login(client, "lea")
    page = client.get("/boundaries").get_data(as_text=True)
    assert 'name="shared_team"' in page and "Strategy &lt;b&gt;desk&lt;/b&gt;" in page
    form = {
        "question": str(question.id),
        "event_kind": "yes",
        "comparator": ">=",
        "threshold_1": "20",
        "action_1": "Brief the board",
        "min_forecasters": "1",
        "shared_team": "strategy",
    }
    assert client.post("/boundaries", data=form).status_code == 302
    refused = client.post("/boundaries", data={**form, "shared_team": "no-such-team"})
    assert refused.status_code in (404, 422)
    with app.app_context(), session_scope() as session:
        rows = session.exec(select(Boundary)).all()
    assert len(rows) == 1 and rows[0].shared_team_id is not None
    other = app.test_client()
    login(other, "solo")  # a leader in no team is not offered the choice
    assert 'name="shared_team"' not in other.get("/boundaries").get_data(as_text=True)
