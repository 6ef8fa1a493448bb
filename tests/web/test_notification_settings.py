"""The settings page and GET/PUT /api/v1/me/notification-settings: one's own, checked, kept."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import OutboxMessage, User
from forecast.services.notifications.messages import confirmation_serializer
from tests.conftest import Api, make_token, make_user
from tests.web.test_pages import login


def _stored(app: Flask, name: str) -> tuple[str | None, str | None, str | None]:
    with app.app_context(), session_scope() as session:
        user = session.exec(select(User).where(User.username == name)).one()
        return user.email, user.webhook_url, user.webhook_secret


def test_the_api_reads_and_changes_only_ones_own_settings(app: Flask) -> None:
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    ann = Api(app.test_client(), make_token(app, make_user(app, "ann")))
    assert Api(app.test_client()).get("/me/notification-settings").status_code == 401
    fresh = ann.get("/me/notification-settings").get_json()
    assert fresh["email"] is None and fresh["webhook_url"] is None
    assert fresh["webhook_format"] == "standard" and "webhook_secret" not in fresh
    assert fresh["events"]["alerts"] == ["email", "webhook"]
    put = ann.client.put(
        "/api/v1/me/notification-settings",
        json={
            "email": "ann@example.org",
            "webhook_url": "http://127.0.0.1:8080/hook",
            "webhook_format": "discord",
            "events": {"discussion": [], "reminders": ["webhook"]},
        },
        headers={"Authorization": f"Bearer {ann.token}"},
    )
    body = put.get_json()
    assert put.status_code == 200 and body["webhook_secret"].startswith("whsec_")
    assert body["confirmation_sent"] and not body["email_confirmed"]
    assert body["events"]["discussion"] == [] and body["events"]["reminders"] == ["webhook"]
    assert body["events"]["alerts"] == ["email", "webhook"]
    again = ann.get("/me/notification-settings").get_json()
    assert "webhook_secret" not in again and again["has_webhook_secret"] is True
    assert again["webhook_format"] == "discord"
    assert _stored(app, "ann")[2] == body["webhook_secret"]


def _put(api: Api, body: Any) -> Any:
    return api.client.put(
        "/api/v1/me/notification-settings",
        json=body,
        headers={"Authorization": f"Bearer {api.token}"},
    )


def test_bad_settings_are_refused_with_their_field_and_change_nothing(app: Flask) -> None:
    ann = Api(app.test_client(), make_token(app, make_user(app, "ann")))
    assert _put(ann, {"email": "ann@example.org"}).status_code == 200
    before = _stored(app, "ann")
    cases = [
        ({"email": "not-an-address"}, "email"),
        ({"webhook_url": "ftp://example.org/x"}, "webhook_url"),
        ({"webhook_url": "http://127.0.0.1/hook"}, "webhook_url"),  # loopback: refused
        ({"webhook_url": "http://10.1.2.3/hook"}, "webhook_url"),
        ({"events": {"alerts": ["pigeon"]}}, "events"),
        ({"events": {"gossip": ["email"]}}, "events"),
        ({"email": "new@example.org", "webhook_url": "http://[::1]/x"}, "webhook_url"),
    ]
    for body, field in cases:
        answer = _put(ann, body)
        assert answer.status_code == 422, body
        assert answer.get_json()["error"]["field"] == field, body
    assert _put(ann, {"webhook_format": "telegram"}).status_code == 422
    assert _put(ann, {"colour": "red"}).status_code == 422
    assert _stored(app, "ann") == before


def test_the_page_keeps_what_was_typed_when_it_is_wrong(app: Flask, client: FlaskClient) -> None:
    make_user(app, "ann")
    login(client, "ann")
    page = client.get("/settings/notifications").data.decode()
    assert 'for="email"' in page and 'for="webhook_url"' in page and "Nothing sent yet." in page
    wrong = client.post(
        "/settings/notifications",
        data={"email": "ann at example", "webhook_url": "gopher://x", "alerts.email": "1"},
    )
    text = unescape(wrong.data.decode())
    assert wrong.status_code == 422 and "is not an e-mail address. Nothing was saved." in text
    assert 'value="ann at example"' in text and 'value="gopher://x"' in text
    assert re.search(r'name="alerts.email"[^>]*checked', text)
    assert not re.search(r'name="alerts.webhook"[^>]*checked', text)
    assert _stored(app, "ann") == (None, None, None)
    bad_url = client.post(
        "/settings/notifications", data={"email": "ann@example.org", "webhook_url": "ftp://x"}
    )
    text = unescape(bad_url.data.decode())
    assert "Webhook URL must be an http:// or https:// address" in text
    assert 'value="ann@example.org"' in text and 'aria-invalid="true"' in text
    assert _stored(app, "ann") == (None, None, None)


def test_an_address_is_confirmed_by_its_link(app: Flask, client: FlaskClient) -> None:
    make_user(app, "ann")
    login(client, "ann")
    saved = client.post("/settings/notifications", data={"email": "ann@example.org"})
    text = unescape(saved.data.decode())
    assert saved.status_code == 200 and "We sent a confirmation link to ann@example.org" in text
    assert "not confirmed" in text
    with app.app_context(), session_scope() as session:
        queued = session.exec(select(OutboxMessage)).all()
        assert [(m.channel, m.kind) for m in queued] == [("email", "email_confirmation")]
        user_id = queued[0].user_id
    token = confirmation_serializer("test-secret").dumps(
        {"user": user_id, "email": "ann@example.org"}
    )
    anonymous = app.test_client()
    form = anonymous.get(f"/settings/notifications/confirm/{token}")
    assert form.status_code == 200 and b"Confirm the address" in form.data
    done = anonymous.post(f"/settings/notifications/confirm/{token}")
    assert done.status_code == 302
    assert "confirmed" in client.get("/settings/notifications").data.decode()
    forged = anonymous.post(f"/settings/notifications/confirm/{token[:-2]}xx")
    assert forged.status_code == 422 and b"not valid" in forged.data
