"""The admin's users page: finding users by name and role, a page at a time."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import PASSWORD, make_user


def _admin(app: Flask) -> FlaskClient:
    make_user(app, "root", Role.ADMIN)
    client = app.test_client()
    response = client.post("/login", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _listed(page: str) -> list[str]:
    return re.findall(r"<tr><td>([\w.-]+)", page)


def test_the_page_finds_users_by_name_and_role(app: Flask) -> None:
    for name in ("alice", "alan", "bob"):
        make_user(app, name)
    make_user(app, "alba", Role.ORGANIZER)
    admin = _admin(app)
    page = admin.get("/admin/users?q=AL").get_data(as_text=True)
    assert _listed(page) == ["alan", "alba", "alice"]
    assert "3 users" in page and 'value="AL"' in page
    page = admin.get("/admin/users?q=al&role=organizer").get_data(as_text=True)
    assert _listed(page) == ["alba"] and "1 user<" in page
    page = admin.get("/admin/users?q=nobody").get_data(as_text=True)
    assert "No user matches these filters." in page and "<table" not in page


def test_the_page_is_split_into_pages_of_fifty(app: Flask) -> None:
    for i in range(54):
        make_user(app, f"user{i:02d}", password=None)
    admin = _admin(app)
    first = admin.get("/admin/users").get_data(as_text=True)
    assert len(_listed(first)) == 50 and "Page 1 of 2 · 55 users" in first
    assert "Next →" in first and "← Previous" not in first
    second = admin.get("/admin/users?page=2").get_data(as_text=True)
    assert _listed(first)[:2] == ["root", "user00"] and _listed(first)[-1] == "user48"
    assert _listed(second) == ["user49", "user50", "user51", "user52", "user53"]
    assert "← Previous" in second and "Next →" not in second
    assert set(_listed(first)).isdisjoint(_listed(second))
    assert admin.get("/admin/users?page=abc").status_code == 200


def test_a_bad_role_filter_is_explained_and_the_list_still_shows(app: Flask) -> None:
    make_user(app, "alice")
    admin = _admin(app)
    page = admin.get("/admin/users?role=king").get_data(as_text=True)
    assert "role must be one of" in page
    assert _listed(page) == ["alice", "root"]


def test_a_change_comes_back_to_the_same_filters(app: Flask) -> None:
    make_user(app, "alice")
    admin = _admin(app)
    response = admin.post(
        "/admin/users/alice/role",
        data={"role": "organizer", "back_q": "ali", "back_role": "", "back_page": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users?q=ali&page=1"
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "alice is now organizer." in page and _listed(page) == ["alice"]
    # the hidden fields carry the list's state, never the role being set
    listed = admin.get("/admin/users?q=ali").get_data(as_text=True)
    assert 'name="back_q" value="ali"' in listed
