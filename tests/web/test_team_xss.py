"""Stored XSS: a team name (and slug-adjacent text) is escaped on every page it reaches."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.teams import invitations
from tests.conftest import PASSWORD, make_user

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</option><svg onload=alert(3)>",
    '<a href="javascript:alert(4)">x</a>',
)


def _login(client: FlaskClient, name: str) -> None:
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_team_name_is_escaped_wherever_it_is_shown(app: Flask, payload: str) -> None:
    olga = make_user(app, "olga", Role.ORGANIZER)
    make_user(app, "nina")
    owner = app.test_client()
    _login(owner, "olga")
    name = f"Lab {payload}"
    created = owner.post("/teams", data={"slug": "lab", "name": name})
    assert created.status_code == 302
    made = owner.post("/tournaments/new", data={"slug": "lab-t", "title": "Private", "team": "lab"})
    assert made.status_code == 302
    with app.app_context(), session_scope() as session:
        token = invitations.create_invite_link(session=session, actor=olga, slug="lab")
    joiner = app.test_client()
    _login(joiner, "nina")
    pages = {
        "teams list": owner.get("/teams"),
        "team page": owner.get("/teams/lab"),
        "tournament form": owner.get("/tournaments/new"),
        "tournament page": owner.get("/tournaments/lab-t"),
        "invitation": joiner.get(f"/teams/join/{token}"),
        "joined (flash)": joiner.post(f"/teams/join/{token}", follow_redirects=True),
        "add-member error page": owner.post("/teams/lab/members", data={"username": "nobody-here"}),
    }
    for where, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 422), where
        assert payload not in html, where
        # The name is there, escaped: the page did show it.
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert escaped.split("&lt;")[1][:5] in html, where
