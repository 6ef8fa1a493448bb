"""The notifications page and GET /api/v1/me/notifications: one's own, newest first, paged."""

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


def test_the_page_lists_ones_own_newest_first_and_marks_the_shown_ones_read(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    login(client, "ann")
    home = client.get("/").data.decode()
    assert 'href="/notifications"' in home and 'title="unread notifications">25<' in home
    first = client.get("/notifications").data.decode()
    assert _listed(first) == [f"Ann's question {n} was rejected" for n in range(24, 4, -1)]
    assert first.count('<li class="unread">') == 20 and "Ben's secret" not in unescape(first)
    assert "Page 1 of 2 · 25 notifications" in first and 'href="/notifications?page=2"' in first
    # Read from now on: the badge, drawn after, counts the five left on the next page.
    assert 'title="unread notifications">5<' in first and _unread(app, people["ann"]) == 5
    again = client.get("/notifications").data.decode()
    assert again.count('<li class="unread">') == 0 and _listed(again) == _listed(first)
    second = client.get("/notifications?page=2").data.decode()
    assert _listed(second) == [f"Ann's question {n} was rejected" for n in range(4, -1, -1)]
    assert second.count('<li class="unread">') == 5 and _unread(app, people["ann"]) == 0
    assert 'title="unread notifications"' not in second
    # Page numbers out of range are read as the nearest sensible page, never an error.
    assert _listed(client.get("/notifications?page=abc").data.decode()) == _listed(first)
    beyond = client.get("/notifications?page=99999999999999999999").data.decode()
    assert "No notifications on page 1000000: you have 25." in beyond


def test_mark_all_read_reaches_the_other_pages(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    login(client, "ann")
    page = client.get("/notifications").data.decode()
    assert "Mark the 5 unread on other pages as read" in page
    response = client.post("/notifications/read")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert _unread(app, people["ann"]) == 0 and _unread(app, people["ben"]) == 1
    assert "Marked 5 notifications as read." in client.get("/notifications").data.decode()


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
    ben = Api(app.test_client(), make_token(app, people["ben"])).get("/me/notifications")
    assert [n["message"] for n in ben.get_json()["items"]] == [
        "Ben's secret question 0 was rejected"
    ]
    assert _unread(app, people["ben"]) == 1
