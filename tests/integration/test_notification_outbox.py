"""The outbox: what notify() queues per channel, how the job sends it, retries and logs it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import col, select

from forecast.errors import ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope, write
from forecast.models import DeliveryAttempt, Notification, OutboxMessage, Role, User
from forecast.services.notifications import notify
from forecast.services.notifications.messages import confirmation_serializer
from forecast.services.notifications.outbox import MAX_ATTEMPTS, DrainRun, backoff, drain
from forecast.services.notifications.settings import confirm_email, update_settings
from tests.integration.factories import World
from tests.integration.receivers import WebhookReceiver, free_port, smtp_sink


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def settings(world: World, user: User, **data: Any) -> Any:
    with world.app.app_context(), session_scope() as session:
        return update_settings(session=session, user=user, data=data, allow_private=True)


def tell(world: World, user: User, kind: str = "boundary_crossed", n: int = 1) -> None:
    with world.app.app_context(), session_scope() as session, write(session):
        for i in range(n):
            notify(session, user.id, kind=kind, message=f"Alert {i}", link=f"/boundaries/{i + 1}")  # type: ignore[arg-type]


def run(world: World, now: Any = None, **config: Any) -> DrainRun:
    with world.app.app_context(), session_scope() as session:
        return drain(
            session=session,
            config={"SECRET_KEY": "k", "WEBHOOK_ALLOW_PRIVATE": True, **config},
            now=now,
        )


def outbox(world: World) -> list[OutboxMessage]:
    with world.app.app_context(), session_scope() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def test_backoff_doubles_from_thirty_seconds_up_to_six_hours() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(11) == backoff(12) == timedelta(hours=6)


def test_an_event_queues_one_row_per_chosen_channel_in_the_callers_transaction(
    world: World,
) -> None:
    lea = world.user("lea", Role.LEADER)
    settings(world, lea, webhook_url="http://127.0.0.1:9/hook", email="lea@example.org")
    tell(world, lea)  # the address is not confirmed: the webhook only
    assert [(m.channel, m.kind) for m in outbox(world)] == [
        ("email", "email_confirmation"),
        ("webhook", "boundary_crossed"),
    ]
    settings(world, lea, events={"alerts": ["email"], "reminders": ["webhook"]})
    tell(world, lea)  # alerts to e-mail only, which is still unconfirmed: nothing
    tell(world, lea, kind="comment_hidden")  # a kind of no event: in the app only
    tell(world, lea, kind="resolution_overdue")
    assert [m.kind for m in outbox(world)][2:] == ["resolution_overdue"]
    # Rolled back with the event: neither the in-app row nor the outbox row is kept.
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(RuntimeError), write(session):
            notify(session, lea.id, kind="resolution_overdue", message="lost")  # type: ignore[arg-type]
            raise RuntimeError("the event failed")
        assert session.exec(select(Notification).where(Notification.message == "lost")).all() == []
    assert len(outbox(world)) == 3


def test_webhooks_are_signed_and_shaped_per_format(world: World) -> None:
    lea = world.user("lea", Role.LEADER)
    receiver = WebhookReceiver()
    url = receiver.start()
    try:
        secret = settings(world, lea, webhook_url=url).webhook_secret
        assert secret.startswith("whsec_")
        receiver.secret = secret
        ids = []
        # The format is the one set when the message is sent.
        for fmt in ("standard", "slack", "discord"):
            settings(world, lea, webhook_format=fmt)
            tell(world, lea)
            ids += run(world, BASE_URL="https://forecast.example").delivery_ids
    finally:
        receiver.stop()
    assert len(ids) == 3 and receiver.rejected == 0
    bodies = [receiver.received[i] for i in ids]
    assert bodies[0]["type"] == "boundary_crossed"
    assert bodies[0]["data"]["url"] == "https://forecast.example/boundaries/1"
    assert bodies[0]["data"]["event"] == "alerts" and bodies[0]["data"]["message"] == "Alert 0"
    assert bodies[1] == {"text": "Alert 0 <https://forecast.example/boundaries/1|Open>"}
    assert bodies[2] == {"content": "Alert 0\nhttps://forecast.example/boundaries/1"}


def test_a_receiver_down_for_a_while_gets_every_alert_once_by_id(world: World) -> None:
    lea = world.user("lea", Role.LEADER)
    port = free_port()
    secret = settings(world, lea, webhook_url=f"http://127.0.0.1:{port}/hook").webhook_secret
    tell(world, lea, n=5)
    start = utcnow()
    # Down: nothing listens on the port. Each pass fails all five and puts them off by the
    # backoff: 30 s after the first failure, 60 s after the second, 120 s after the third.
    now = start
    for waited in (0, 30, 60):
        now += timedelta(seconds=waited)
        result = run(world, now=now)
        assert (result.sent, result.failed) == (0, 5)
        assert run(world, now=now).failed == 0  # not due again until the backoff has passed
    assert {m.next_attempt_at - now for m in outbox(world)} == {timedelta(seconds=120)}
    # Up again, and the first three answers are lost (a 500 after the body was kept), so
    # those three come again under the same id and the receiver drops the repeats.
    receiver = WebhookReceiver(secret, fail_first=3)
    receiver.start(port)
    try:
        now += timedelta(seconds=120)
        first = run(world, now=now)
        now += timedelta(seconds=240)
        second = run(world, now=now)
        assert run(world, now=now + timedelta(days=1)).sent == 0
    finally:
        receiver.stop()
    assert (first.sent, first.failed, second.sent) == (2, 3, 3)
    ids = [m.delivery_id for m in outbox(world)]
    assert sorted(receiver.received) == sorted(ids) and len(set(ids)) == 5
    assert sorted(receiver.requests.values()) == [1, 1, 2, 2, 2] and receiver.rejected == 0
    assert sorted(b["data"]["message"] for b in receiver.received.values()) == [
        f"Alert {i}" for i in range(5)
    ]
    assert {m.status for m in outbox(world)} == {"sent"}
    with world.app.app_context(), session_scope() as session:
        attempts = session.exec(select(DeliveryAttempt)).all()
    assert len(attempts) == 15 + 5 + 3 and sum(a.ok for a in attempts) == 5


def test_a_message_is_given_up_after_its_last_attempt(world: World) -> None:
    lea = world.user("lea", Role.LEADER)
    settings(world, lea, webhook_url=f"http://127.0.0.1:{free_port()}/hook")
    tell(world, lea)
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = run(world, now=now)
        assert (result.failed, result.dead) == ((1, 0) if attempt < MAX_ATTEMPTS else (0, 1))
        now += backoff(attempt)
    assert [m.status for m in outbox(world)] == ["dead"] and run(world, now=now).dead == 0


def test_mail_goes_only_to_a_confirmed_address_one_message_per_recipient(world: World) -> None:
    lea, org = world.user("lea", Role.LEADER), world.user("org2", Role.ORGANIZER)
    with smtp_sink() as (port, got):
        config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "BASE_URL": "http://site.test"}
        settings(world, lea, email="lea@example.org")
        settings(world, org, email="org@example.org")
        tell(world, lea)  # not confirmed yet: no alert mail
        assert run(world, **config).sent == 2
        assert [m["To"] for m in got] == ["lea@example.org", "org@example.org"]
        body = got[0].get_payload(decode=True).decode()
        token = body.split("/settings/notifications/confirm/")[1].split()[0]
        assert confirmation_serializer("k").loads(token) == {
            "user": lea.id,
            "email": "lea@example.org",
        }
        with world.app.app_context(), session_scope() as session:
            assert confirm_email(session=session, secret_key="k", token=token) == "lea@example.org"
        tell(world, lea, n=2)
        assert run(world, **config).sent == 2
    alerts = got[2:]
    assert [m["X-Rcpt-To"] for m in alerts] == ["lea@example.org", "lea@example.org"]
    assert alerts[0]["Subject"] == "Alert 0" and alerts[0].get_content_type() == "text/plain"
    assert "Open it: http://site.test/boundaries/1" in alerts[0].get_payload(decode=True).decode()


def test_a_changed_address_stops_mail_until_confirmed_again(world: World) -> None:
    lea = world.user("lea", Role.LEADER)
    with smtp_sink() as (port, got):
        config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port}
        settings(world, lea, email="lea@example.org")
        run(world, **config)
        token = got[0].get_payload(decode=True).decode().split("/confirm/")[1].split()[0]
        settings(world, lea, email="new@example.org")
        with (
            world.app.app_context(),
            session_scope() as session,
            pytest.raises(ValidationFailed, match="no longer the one"),
        ):
            confirm_email(session=session, secret_key="k", token=token)
        tell(world, lea)
        assert run(world, **config).sent == 1  # the new address's confirmation only
    assert [m["To"] for m in got] == ["lea@example.org", "new@example.org"]
    assert "Confirm" in got[1]["Subject"]
