"""The boundary page's signposts form: the owner names a suggested pair, a pair by id or key
(on another outcome too) and removes one; a bad pair answers a 4xx with its message by the form
and changes nothing; nobody else sees the form or may post it."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Boundary, BoundarySignpost, Role
from forecast.services.boundaries import lifecycle as boundaries
from forecast.services.conditionals.create import create_pair
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_signpost_pages import login


@pytest.fixture
def setting(app: Flask) -> dict[str, Any]:
    world = World(app)
    outcome = world.question(opens=timedelta(days=-5), title="Transformative science by 2036?")
    related = world.question(opens=timedelta(days=-5), title="A Nobel-level AI result by 2034?")
    on_o = world.question(opens=timedelta(days=-5), title="A 1e27 FLOP run by 2028?", key="flop")
    on_related = world.question(opens=timedelta(days=-5), title="An AI lab IPO by 2029?")
    lone = world.question(opens=timedelta(days=-5), title="Unpaired question?")
    owner = make_user(app, "lea", Role.LEADER)
    make_user(app, "leo", Role.LEADER)
    with app.app_context(), session_scope() as session:
        pairs = [
            create_pair(session=session, actor=world.organizer, condition=c.id, outcome=o.id)
            for c, o in ((on_o, outcome), (on_related, related))
        ]
        b = boundaries.create_boundary(
            session=session,
            actor=owner,
            data={
                "question": outcome.id,
                "action": "Start a safety hiring round",
                "event": {"kind": "yes"},
                "threshold": 0.1,
                "shared": True,
            },
        )
        boundaries.commit_boundary(session=session, actor=owner, boundary_id=b.id or 0)
    return {
        "bid": b.id,
        "related": related,
        "on_o": on_o,
        "on_related": on_related,
        "lone": lone,
        "pair": pairs[0],
    }


def _stored(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context(), session_scope() as session:
        return [
            (r.condition_id, r.outcome_id, r.removed_at is None)
            for r in session.exec(select(BoundarySignpost))
        ]


def _table(page: str) -> str:
    return page.split('class="list signpost-table"')[1].split("</table>")[0]


def _section(page: str) -> str:
    return page.split('id="named-signposts"')[1].split("</section>")[0]


def test_the_owner_names_and_removes_signposts(
    app: Flask, client: FlaskClient, setting: dict[str, Any]
) -> None:
    login(client, "lea")
    bid = setting["bid"]
    page = client.get(f"/boundaries/{bid}").get_data(as_text=True)
    section = _section(page)
    assert 'for="signpost-condition"' in section and 'id="signpost-condition"' in section
    assert 'for="signpost-outcome"' in section and "No signpost named yet." in section
    assert "Name A 1e27 FLOP run by 2028? as a signpost" in section  # suggested, one click away
    assert "signpost-kind suggested" in _table(page)
    named = client.post(f"/boundaries/{bid}/signposts", data={"condition": "flop"})
    assert named.status_code == 302
    linked = client.post(
        f"/boundaries/{bid}/signposts",
        data={"condition": str(setting["on_related"].id), "outcome": str(setting["related"].id)},
        follow_redirects=True,
    )
    assert linked.status_code == 200
    page = linked.get_data(as_text=True)
    assert "Signpost named." in page
    section = _section(page)
    assert "Remove the signpost A 1e27 FLOP run by 2028?" in section
    assert "Remove the signpost An AI lab IPO by 2029?" in section
    assert "pair on “A Nobel-level AI result by 2034?”" in section
    table = _table(page)
    assert table.count("signpost-kind named") == 2 and "signpost-kind suggested" not in table
    removed = client.post(
        f"/boundaries/{bid}/signposts",
        data={"act": "remove", "condition": str(setting["on_o"].id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Signpost removed." in removed
    assert "Remove the signpost A 1e27 FLOP run by 2028?" not in _section(removed)
    assert "Name A 1e27 FLOP run by 2028? as a signpost" in _section(removed)
    record = removed.split('id="signpost-history"')[1].split("</details>")[0]
    assert "Record of the signposts (2)" in record and "; removed by lea" in record
    assert sorted(_stored(app)) == sorted(
        [
            (setting["on_o"].id, _outcome_of(app, bid), False),
            (setting["on_related"].id, setting["related"].id, True),
        ]
    )


def _name_the_related_pair(client: FlaskClient, setting: dict[str, Any]) -> int:
    """Log in as lea, the owner, name the pair on the related outcome; return the boundary."""
    login(client, "lea")
    bid = int(setting["bid"])
    named = client.post(
        f"/boundaries/{bid}/signposts",
        data={"condition": str(setting["on_related"].id), "outcome": str(setting["related"].id)},
    )
    assert named.status_code == 302
    return bid


def _outcome_of(app: Flask, bid: int) -> int:
    with app.app_context(), session_scope() as session:
        boundary = session.get(Boundary, bid)
        assert boundary is not None
        return boundary.question_id


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"condition": "lone"}, 422, "no conditional pair has"),
        ({"condition": "999999"}, 404, "no question"),
        ({"condition": "no-such-key"}, 404, "no question"),
        ({"condition": ""}, 422, "must be a question id or key"),
        ({"condition": "related-pair", "outcome": "lone"}, 422, "no conditional pair has"),
        ({"act": "remove", "condition": "flop"}, 404, "is not a named signpost"),
    ],
)
def test_a_bad_pair_answers_a_4xx_by_the_form_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    setting: dict[str, Any],
    form: dict[str, str],
    status: int,
    message: str,
) -> None:
    keys = {"lone": setting["lone"].key, "related-pair": str(setting["on_related"].id)}
    form = {k: keys.get(v, v) for k, v in form.items()}
    bid = _name_the_related_pair(client, setting)
    before = _stored(app)
    answer = client.post(f"/boundaries/{bid}/signposts", data=form)
    assert answer.status_code == status
    page = answer.get_data(as_text=True)
    error = page.split('id="signpost-error"')[1].split("</p>")[0]
    assert message in error.lower()
    if form.get("act") != "remove":
        assert f'value="{form["condition"]}"' in _section(page)  # the input is kept
    assert _stored(app) == before


def test_nobody_else_sees_the_form_or_may_post_it(
    app: Flask, client: FlaskClient, setting: dict[str, Any]
) -> None:
    login(client, "leo")  # a leader the boundary is shared with
    bid = setting["bid"]
    page = client.get(f"/boundaries/{bid}").get_data(as_text=True)
    assert 'id="signposts-' in page and 'id="named-signposts"' not in page
    assert (
        client.post(f"/boundaries/{bid}/signposts", data={"condition": "flop"}).status_code == 403
    )
    assert (
        client.post("/boundaries/999999/signposts", data={"condition": "flop"}).status_code == 404
    )
    assert _stored(app) == []


def test_the_report_files_name_the_signposts(
    app: Flask, client: FlaskClient, setting: dict[str, Any]
) -> None:
    """CSV and JSON carry the titles of the named and of the decision-relevant signposts."""
    with app.app_context(), session_scope() as session:
        ann = make_user(app, "ann")
        pair = setting["pair"]
        assert pair.yes is not None and pair.no is not None
        outcome = pair.outcome
        for q, p in ((outcome, 0.2), (setting["on_o"], 0.5), (pair.yes, 0.3), (pair.no, 0.02)):
            submit_forecast(session=session, actor=ann, question_id=q.id or 0, probability=p)
    _name_the_related_pair(client, setting)
    text = client.get("/boundaries/report?format=csv").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert json.loads(row["named_signposts"]) == ["An AI lab IPO by 2029?"]
    assert json.loads(row["decision_relevant_signposts"]) == ["A 1e27 FLOP run by 2028?"]
    (body,) = client.get("/boundaries/report?format=json").get_json()
    assert body["named_signposts"] == ["An AI lab IPO by 2029?"]
    assert body["decision_relevant_signposts"] == ["A 1e27 FLOP run by 2028?"]
