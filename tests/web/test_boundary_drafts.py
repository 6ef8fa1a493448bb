"""A leader's drafts on the web and the API: kept input, edit, delete, exports, alert rules."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as service
from forecast.services.forecasts import submit_forecast
from tests.conftest import PASSWORD, Api, make_token, make_user
from tests.integration.factories import World


def _leader(app: Flask, client: FlaskClient, name: str = "lea") -> Any:
    user = make_user(app, name, Role.LEADER)
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    return user


def _draft(app: Flask, owner: Any, question: int, **extra: Any) -> int:
    data = {
        "question": question,
        "action": "Brief the board",
        "event": {"kind": "yes"},
        "comparator": ">=",
        "threshold": 0.1,
        **extra,
    }
    with app.app_context(), session_scope() as session:
        boundary = service.create_boundary(session=session, actor=owner, data=data)
        assert boundary.id is not None
        return boundary.id


def test_a_mistake_keeps_what_was_typed_and_marks_the_field(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question()
    _leader(app, client)
    response = client.post(
        "/boundaries",
        data={
            "question": str(question.id),
            "event_kind": "at_least",  # a numeric event on a binary question
            "event_value": "5",
            "comparator": "<=",
            "threshold_1": "12.5",
            "action_1": "Hire a red team",
            "rationale_1": "Half the cost of a miss",
            "ladder": "red-team",
            "min_forecasters": "4",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "the event kind must be" in page and 'id="form-error"' in page
    assert re.search(r'<select name="event_kind" aria-invalid="true"', page)
    for typed in (
        'value="12.5"',
        'value="Hire a red team"',
        'value="Half the cost of a miss"',
        'value="red-team"',
        'value="4"',
        'value="5"',
    ):
        assert typed in page, typed
    assert f'<option value="{question.id}" selected>' in page
    assert '<option value="at_least" selected>' in page
    assert '<option value="<=" selected>' in page


def test_the_cost_loss_helper_says_why_acting_never_pays(app: Flask, client: FlaskClient) -> None:
    _leader(app, client)
    page = client.get("/boundaries?cost=50&loss=40").get_data(as_text=True)
    assert 'id="cost-error"' in page and "Acting never pays" in page
    assert 'id="suggestion"' not in page


def test_the_suggested_threshold_fills_the_form(app: Flask, client: FlaskClient) -> None:
    _leader(app, client)
    page = client.get("/boundaries?cost=2&loss=40").get_data(as_text=True)
    assert re.search(r'name="threshold_1"[^>]*value="5"', page)


def test_a_draft_is_edited_and_deleted_on_the_web(app: Flask, client: FlaskClient) -> None:
    question = World(app).question()
    lea = _leader(app, client)
    draft = _draft(app, lea, question.id)
    saved = client.post(
        f"/boundaries/{draft}/edit",
        data={"threshold": "7", "action": "Brief the whole board", "min_forecasters": "5"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Draft saved." in saved
    with app.app_context(), session_scope() as session:
        boundary = service.get_boundary(session, lea, draft)
        version = service.current_version(session, boundary)
        assert version.threshold == pytest.approx(0.07) and boundary.min_forecasters == 5
        assert version.action == "Brief the whole board"
    confirm = client.get(f"/boundaries/{draft}/delete").get_data(as_text=True)
    assert "Delete this draft?" in confirm and "Brief the whole board" in confirm
    gone = client.post(f"/boundaries/{draft}/delete", follow_redirects=True)
    assert "Draft deleted." in gone.get_data(as_text=True)
    assert client.get(f"/boundaries/{draft}").status_code == 404


def test_a_committed_boundary_cannot_be_deleted(app: Flask, client: FlaskClient) -> None:
    question = World(app).question()
    lea = _leader(app, client)
    draft = _draft(app, lea, question.id)
    with app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=draft)
    assert client.get(f"/boundaries/{draft}/delete").status_code == 409
    refused = client.post(f"/boundaries/{draft}/delete", follow_redirects=True)
    assert "stays on record" in refused.get_data(as_text=True)
    assert client.get(f"/boundaries/{draft}").status_code == 200


def test_the_api_deletes_only_ones_own_drafts(app: Flask) -> None:
    question = World(app).question()
    lea, other = make_user(app, "lea", Role.LEADER), make_user(app, "leo", Role.LEADER)
    api = Api(app.test_client(), make_token(app, lea))
    mine, committed = _draft(app, lea, question.id), _draft(app, lea, question.id)
    theirs = _draft(app, other, question.id)
    with app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=committed)
    assert api.delete(f"/boundaries/{theirs}").status_code == 404
    assert api.delete(f"/boundaries/{committed}").status_code == 409
    assert api.delete(f"/boundaries/{mine}").status_code == 204
    assert api.get(f"/boundaries/{mine}").status_code == 404
    assert api.get(f"/boundaries/{committed}").status_code == 200


def test_every_export_link_of_the_report_works_in_the_browser_session(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question()
    with app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=world.user("fcx"), question_id=question.id, probability=0.3
        )
    lea = _leader(app, client)
    draft = _draft(app, lea, question.id, action="=HYPERLINK(1)")
    with app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=draft)
    page = client.get("/boundaries/report?verdict=crossed").get_data(as_text=True)
    found = re.findall(r'href="([^"]+)"[^>]*id="export-(csv|json)"', page)
    links = {name: href.replace("&amp;", "&") for href, name in found}
    assert set(links) == {"csv", "json"}
    assert all("verdict=crossed" in href for href in links.values())
    as_csv = client.get(links["csv"])
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert 'filename="threshold-report.csv"' in as_csv.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["'=HYPERLINK(1)"]
    as_json = client.get(links["json"])
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert "filename=" in as_json.headers["Content-Disposition"]
    assert [r["id"] for r in as_json.get_json()] == [draft]
    assert "path" not in as_json.get_json()[0] and "owner_id" not in as_json.get_json()[0]


def test_the_boundary_page_says_why_the_state_held(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    question = world.question()
    with app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=world.user("fcx"), question_id=question.id, probability=0.4
        )
    lea = _leader(app, client)
    draft = _draft(app, lea, question.id, min_forecasters=3)
    with app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=draft)
    page = client.get(f"/boundaries/{draft}").get_data(as_text=True)
    assert 'id="state-reason"' in page
    assert "Only 1 forecaster stand" in page and "changes state from 3" in page
    assert "only while 3 or more forecasters stand" in page


def test_a_boundary_without_a_band_gets_the_default_one(app: Flask) -> None:
    question = World(app).question()
    api = Api(app.test_client(), make_token(app, make_user(app, "lea", Role.LEADER)))
    body = {"question": question.id, "action": "A", "event": {"kind": "yes"}, "threshold": 0.01}
    made = api.post("/boundaries", json=body).get_json()
    assert made["hysteresis"] == pytest.approx(0.0025) and made["min_forecasters"] == 1
    chosen = api.post("/boundaries", json={**body, "hysteresis": 0, "min_forecasters": 4})
    assert chosen.get_json()["hysteresis"] == 0 and chosen.get_json()["min_forecasters"] == 4
    for bad in ("4", 0, 2.5, True):
        refused = api.post("/boundaries", json={**body, "min_forecasters": bad})
        assert refused.status_code == 422, bad
