"""A leader sets a webhook and an e-mail, confirms the address, and receives a crossing alert."""

from __future__ import annotations

from email.header import decode_header, make_header
from typing import Any

from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Role, User
from forecast.services.boundaries import alerts
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.forecasts import submit_forecast
from forecast.services.notifications.outbox import drain
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_leader_journey import PHONE
from tests.integration.factories import World
from tests.integration.receivers import WebhookReceiver, smtp_sink


def _drain(app: Any) -> int:
    with app.app_context(), session_scope() as session:
        return drain(session=session, config=app.config).sent


def test_a_leader_gets_a_crossing_alert_by_webhook_and_mail(live_app: Any, page: Any) -> None:
    base = live_app.config["LIVE_URL"]
    receiver = WebhookReceiver()
    hook = receiver.start()
    world = World(live_app)
    question = world.question(title="Will a lab publish a safety case?")
    forecasters = [world.user(f"fc{i}") for i in range(2)]
    make_user(live_app, "lea", Role.LEADER)
    with smtp_sink() as (port, mails):
        live_app.config.update(
            SMTP_HOST="127.0.0.1", SMTP_PORT=port, BASE_URL=base, WEBHOOK_ALLOW_PRIVATE=True
        )
        log_in(page, base, "lea")
        page.goto(f"{base}/settings/notifications")
        assert "Nothing sent yet." in page.inner_text("#delivery-log")
        # Wrong input first: the form keeps it and says what is wrong.
        page.fill("#email", "lea at example")
        page.fill("#webhook_url", "ftp://hooks.example/x")
        page.click("#settings-form button[type=submit]")
        assert "is not an e-mail address" in page.inner_text("#form-error")
        assert page.input_value("#webhook_url") == "ftp://hooks.example/x"
        shot(page, "notify-01-settings-wrong-input")
        page.fill("#email", "lea@example.org")
        page.fill("#webhook_url", hook)
        page.select_option("#webhook_format", "standard")
        page.click("#settings-form button[type=submit]")
        secret = page.inner_text("#new-secret code").strip()
        assert secret.startswith("whsec_")
        receiver.secret = secret
        shot(page, "notify-02-settings-saved")

        assert _drain(live_app) == 1  # the confirmation link, nothing else
        body = mails[0].get_payload(decode=True).decode()
        link = next(w for w in body.split() if "/settings/notifications/confirm/" in w)
        page.goto(link)
        page.click("button:has-text('Confirm the address')")
        assert "Confirmed lea@example.org" in page.inner_text("main")

        with live_app.app_context(), session_scope() as session:
            leader = session.exec(select(User).where(User.username == "lea")).one()
            boundary = boundary_service.create_boundary(
                session=session,
                actor=leader,
                data={
                    "question": question.id,
                    "action": "Fund a red team",
                    "event": {"kind": "yes"},
                    "comparator": ">=",
                    "threshold": 0.1,
                },
            )
            boundary_service.commit_boundary(session=session, actor=leader, boundary_id=boundary.id)
            for user in forecasters:
                submit_forecast(
                    session=session, actor=user, question_id=question.id, probability=0.4
                )
            assert len(alerts.run(session=session).changes) == 1
        assert _drain(live_app) == 2
    receiver.stop()
    (alert,) = receiver.received.values()
    assert receiver.rejected == 0 and alert["type"] == "boundary_crossed"
    assert alert["data"]["url"] == f"{base}/boundaries/{boundary.id}"
    assert alert["data"]["boundary"]["action"] == "Fund a red team"
    mail = mails[1]
    assert mail["To"] == "lea@example.org" and "Fund a red team" in str(
        make_header(decode_header(mail["Subject"]))
    )
    assert f"{base}/boundaries/{boundary.id}" in mail.get_payload(decode=True).decode()

    page.goto(f"{base}/settings/notifications")
    assert page.locator("#deliveries tbody tr").count() == 3
    shot(page, "notify-03-settings-log")
    page.goto(f"{base}/notifications")
    item = page.locator("#notifications li.unread").first
    assert "Fund a red team" in item.inner_text()
    shot(page, "notify-04-notifications")
    page.set_viewport_size(PHONE)
    shot(page, "notify-05-notifications-phone")
    page.goto(f"{base}/settings/notifications")
    shot(page, "notify-06-settings-phone")
    page.goto(f"{base}/notifications")
    page.click("#notifications li.unread button:has-text('Mark read')")
    assert page.locator("#notifications li.unread").count() == 0
    page.click(f"#notifications a[href='/boundaries/{boundary.id}']")
    assert "Fund a red team" in page.inner_text("main")
