"""Looking back on the pages: a resolved boundary's outcome, lead time and verdict history on
its page and in the report, and the leader's decision record on the boundaries page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import make_user
from tests.integration.factories import World
from tests.integration.test_retrospective import resolved_boundaries
from tests.web.test_boundary_pages import login


def test_a_leader_reads_how_a_resolved_boundary_served_them(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    lea = make_user(app, "lea", Role.LEADER)
    _, _, (up, down) = resolved_boundaries(world, "yes", lea)
    login(client, "lea")
    page = client.get(f"/boundaries/{up}").get_data(as_text=True)
    assert 'id="retrospective"' in page and "Hit: the boundary stood crossed" in page
    assert "First crossed 5.0 days before the question resolved." in page
    assert page.count('<tr><td data-label="As of">') == 8
    other = client.get(f"/boundaries/{down}").get_data(as_text=True)
    assert "Correct rejection" in other and "Never crossed, so no lead time." in other
    report = client.get("/boundaries/report").get_data(as_text=True)
    assert "crossed 5 days before resolution" in report and ">correct rejection<" in report
    index = client.get("/boundaries").get_data(as_text=True)
    assert "Your decisions, looking back" in index
    assert "2 resolved boundaries: fewer than 10" in index
    assert 'id="decision-saving">+0.70 L' in index
    csv = client.get("/boundaries/report?format=csv").get_data(as_text=True)
    assert "decision_outcome,lead_time_days" in csv.splitlines()[0]
    assert ",hit,5.0" in csv


def test_without_resolved_boundaries_the_record_is_not_shown(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "lea", Role.LEADER)
    login(client, "lea")
    assert "Your decisions, looking back" not in client.get("/boundaries").get_data(as_text=True)
