"""Signposts on the report page and the boundary page, and proposing a signpost question."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as boundaries
from forecast.services.conditionals.create import create_pair
from forecast.services.forecasts import submit_forecast
from tests.conftest import PASSWORD, make_user
from tests.integration.factories import World


def login(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )


def test_the_leader_reads_a_decision_relevant_signpost(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    outcome = world.question(opens=timedelta(days=-5), title="Transformative science by 2036?")
    condition = world.question(opens=timedelta(days=-5), title="A 1e27 FLOP run by 2028?")
    leader = make_user(app, "lea", Role.LEADER)
    ann = world.user("ann")
    with app.app_context(), session_scope() as session:
        pair = create_pair(
            session=session, actor=world.organizer, condition=condition.id, outcome=outcome.id
        )
        assert pair.yes is not None and pair.no is not None
        for q, p in ((outcome, 0.2), (condition, 0.5), (pair.yes, 0.3), (pair.no, 0.02)):
            submit_forecast(session=session, actor=ann, question_id=q.id or 0, probability=p)
        b = boundaries.create_boundary(
            session=session,
            actor=leader,
            data={
                "question": outcome.id,
                "action": "Start a safety hiring round",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.1,
            },
        )
        boundaries.commit_boundary(session=session, actor=leader, boundary_id=b.id or 0)
    login(client, "lea")
    page = client.get("/boundaries/report").get_data(as_text=True)
    assert "A 1e27 FLOP run by 2028?" in page and "decision-relevant" in page
    assert "crossed now; would stay crossed if S; would fall below 10% if not S" in page
    assert "4.0% of L" in page
    detail = client.get(f"/boundaries/{b.id}").get_data(as_text=True)
    assert "decision-relevant" in detail and 'id="propose-signpost"' in detail
    link = detail.split('id="propose-signpost"')[0].rsplit('href="', 1)[1].split('"')[0]
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Signpost for “Transformative science by 2036?”" in form
