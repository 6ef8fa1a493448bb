"""The team page's member forms: a refusal shows the page again with the reason, except that a
team the caller may not see answers 404 (a page would confirm that it exists)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import PASSWORD, make_user


def _login(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    return client


def test_member_forms_refuse_on_the_page_and_hide_another_team(app: Flask) -> None:
    make_user(app, "olga", Role.FORECASTER)
    make_user(app, "otto", Role.FORECASTER)
    owner, outsider = _login(app, "olga"), _login(app, "otto")
    assert owner.post("/teams", data={"slug": "lab", "name": "Lab"}).status_code == 302

    unknown = owner.post("/teams/lab/members", data={"username": "nobody-here"})
    assert unknown.status_code == 422
    assert "Lab" in unknown.get_data(as_text=True)
    not_a_member = owner.post("/teams/lab/members/otto/remove")
    assert not_a_member.status_code == 422
    assert "is not a member of" in not_a_member.get_data(as_text=True)

    assert outsider.post("/teams/lab/members", data={"username": "otto"}).status_code == 404
    assert outsider.post("/teams/lab/members/olga/remove").status_code == 404
    assert owner.post("/teams/lab/members", data={"username": "otto"}).status_code == 302
