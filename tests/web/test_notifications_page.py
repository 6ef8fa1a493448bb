"""The notifications page (unread first) and GET /api/v1/me/notifications (newest first)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from forecast.infra.db import session_scope
from forecast.models import Notification, User
from forecast.services.notifications import notify
from tests.conftest import Api, make_token, make_user
from tests.web.test_pages import login


def _notify(app: Flask, user: User, count: int, prefix: str) -> None:
    with app.app_context(), session_scope() as session:
        for n in range(count):
            notify(
                session,
                user.id,  # type: ignore[arg-type]
                kind="question_reject",
                message=f"{prefix} {n} was rejected",
                link=f"/questions/{n + 1}",
            )
        session.commit()


def _unread(app: Flask, user: User) -> int:
    with app.app_context(), session_scope() as session:
        rows = session.exec(
            select(Notification).where(
                col(Notification.user_id) == user.id, col(Notification.read_at).is_(None)
            )
        )
        return len(rows.all())


def _listed(page: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<a href="/questions/\d+">([^<]*)</a>', page)]


@pytest.fixture
def people(app: Flask) -> dict[str, User]:
    """Ann with 25 notifications, Ben with one of his own, Cat with none."""
    people = {name: make_user(app, name) for name in ("ann", "ben", "cat")}
    _notify(app, people["ann"], 25, "Ann's question")
    _notify(app, people["ben"], 1, "Ben's secret question")
    return people


def test_anonymous_visitors_are_sent_to_log_in(app: Flask, people: dict[str, User]) -> None:
    response = app.test_client().get("/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/notifications")


def test_the_page_lists_ones_own_unread_first_until_marked_read(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    login(client, "ann")
    home = client.get("/").data.decode()
    assert 'href="/notifications"' in home and 'title="unread notifications">25<' in home
    first = client.get("/notifications").data.decode()
    assert _listed(first) == [f"Ann's question {n} was rejected" for n in range(24, 4, -1)]
    assert first.count('<li class="unread">') == 20 and "Ben's secret" not in unescape(first)
    assert "Page 1 of 2 · 25 notifications" in first and 'href="/notifications?page=2"' in first
    # Looking marks nothing; marking one read moves it after the unread ones.
    assert _unread(app, people["ann"]) == 25
    with app.app_context(), session_scope() as session:
        newest = session.exec(
            select(Notification).where(Notification.message == "Ann's question 24 was rejected")
        ).one()
    marked = client.post(f"/notifications/{newest.id}/read", data={"next": "/notifications"})
    assert marked.status_code == 302 and marked.headers["Location"] == "/notifications"
    again = client.get("/notifications").data.decode()
    assert _listed(again) == [f"Ann's question {n} was rejected" for n in range(23, 3, -1)]
    second = client.get("/notifications?page=2").data.decode()
    assert _listed(second) == [f"Ann's question {n} was rejected" for n in (3, 2, 1, 0, 24)]
    assert second.count('<li class="unread">') == 4 and _unread(app, people["ann"]) == 24
    # Someone else's notification is not found, and stays unread.
    with app.app_context(), session_scope() as session:
        bens = session.exec(select(Notification).where(Notification.user_id == people["ben"].id))
        ben_id = bens.one().id
    assert client.post(f"/notifications/{ben_id}/read").status_code == 404
    assert _unread(app, people["ben"]) == 1
    # Page numbers out of range are read as the nearest sensible page, never an error.
    assert _listed(client.get("/notifications?page=abc").data.decode()) == _listed(again)
    beyond = client.get("/notifications?page=99999999999999999999").data.decode()
    assert "No notifications on page 1000000: you have 25." in beyond


def test_mark_all_read_reaches_the_other_pages(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    login(client, "ann")
    page = client.get("/notifications").data.decode()
    assert "Mark all 25 unread as read" in page
    response = client.post("/notifications/read")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert _unread(app, people["ann"]) == 0 and _unread(app, people["ben"]) == 1
    assert "Marked 25 notifications as read." in client.get("/notifications").data.decode()


def test_someone_without_notifications_is_told_what_will_come(
    client: FlaskClient, people: dict[str, User]
) -> None:
    login(client, "cat")
    page = client.get("/notifications").data.decode()
    assert "No notifications yet." in page and "a question you forecast resolves" in page
    assert 'title="unread notifications"' not in page


def test_the_api_lists_only_ones_own_a_page_at_a_time_without_marking_them(
    app: Flask, people: dict[str, User]
) -> None:
    assert Api(app.test_client()).get("/me/notifications").status_code == 401
    ann = Api(app.test_client(), make_token(app, people["ann"]))
    listed = ann.get("/me/notifications", query_string={"per_page": 10, "page": 2}).get_json()
    assert set(listed) == {"items", "page", "per_page", "total"}
    assert (listed["page"], listed["per_page"], listed["total"]) == (2, 10, 25)
    assert [n["message"] for n in listed["items"]][:2] == [
        "Ann's question 14 was rejected",
        "Ann's question 13 was rejected",
    ]
    item = listed["items"][0]
    assert item["link"] == "/questions/15" and item["kind"] == "question_reject"
    assert item["read_at"] is None and item["created_at"].endswith(("Z", "+00:00"))
    assert _unread(app, people["ann"]) == 25
    assert ann.get("/me/notifications", query_string={"per_page": 0}).status_code == 422
    marked = ann.post("/me/notifications/read")
    assert marked.status_code == 200 and marked.get_json() == {"marked": 25}
    assert ann.get("/me/notifications").get_json()["items"][0]["read_at"] is not None
    ben_api = Api(app.test_client(), make_token(app, people["ben"]))
    ben = ben_api.get("/me/notifications")
    assert [n["message"] for n in ben.get_json()["items"]] == [
        "Ben's secret question 0 was rejected"
    ]
    assert _unread(app, people["ben"]) == 1
    ben_id = ben.get_json()["items"][0]["id"]
    assert ann.post(f"/me/notifications/{ben_id}/read").status_code == 404
    one = ben_api.post(f"/me/notifications/{ben_id}/read")
    assert one.status_code == 200 and one.get_json()["read_at"] is not None
    assert _unread(app, people["ben"]) == 0
