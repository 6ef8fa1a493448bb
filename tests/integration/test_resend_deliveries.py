"""A message the outbox gave up on is seen in its owner's log and sent again on request.

The receiver is down through all twelve attempts (the message dies), then up: the owner asks
again and the same delivery id arrives once. Only the owner or an admin may ask (the CLI for
anyone); a message still being tried, delivered or cancelled is not sent again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from forecast.errors import Conflict, NotAuthenticated, NotFound
from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope, write
from forecast.models import OutboxMessage, Role, User
from forecast.services.notifications.deliveries import list_deliveries
from forecast.services.notifications.outbox import MAX_ATTEMPTS, backoff
from forecast.services.notifications.resend import Resent, resend
from tests.integration.factories import World
from tests.integration.receivers import WebhookReceiver, free_port
from tests.integration.test_notification_outbox import outbox, run, settings, tell


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def kill(world: World, user: User) -> tuple[str, int, datetime]:
    """Queue one alert for user to a webhook nobody answers and let every attempt fail; return
    its delivery id, the port that was down and the time after the last attempt."""
    port = free_port()
    settings(world, user, webhook_url=f"http://127.0.0.1:{port}/hook")
    tell(world, user)
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run(world, now=now)
        now += backoff(attempt)
    (message,) = [m for m in outbox(world) if m.user_id == user.id]
    assert message.status == "dead"
    return message.delivery_id, port, now


def ask(world: World, actor: User | None, delivery_id: object, system: bool = False) -> Resent:
    with world.app.app_context(), session_scope() as session:
        return resend(session=session, actor=actor, delivery_id=delivery_id, system=system)


def test_the_owner_sees_the_dead_message_and_it_arrives_once_when_sent_again(
    world: World,
) -> None:
    lea = world.user("lea", Role.LEADER)
    delivery_id, port, now = kill(world, lea)
    with world.app.app_context(), session_scope() as session:
        log = list_deliveries(session=session, user=lea, per_page=50)
    assert log.total == MAX_ATTEMPTS
    assert {(d.delivery_id, d.ok, d.attempt_status) for d in log.items} == {
        (delivery_id, False, "dead")
    }
    secret = settings(world, lea, rotate_secret=True).webhook_secret
    receiver = WebhookReceiver(secret)
    receiver.start(port)
    try:
        assert run(world, now=now).sent == 0  # given up: the job leaves it alone
        done = ask(world, lea, delivery_id)
        assert (done.delivery_id, done.username, done.status) == (delivery_id, "lea", "pending")
        # The job's clock went on past the last attempt: the log's newest row is this one.
        sent = run(world, now=now)
        assert run(world, now=now + timedelta(days=1)).sent == 0
    finally:
        receiver.stop()
    assert sent.delivery_ids == [delivery_id]
    assert list(receiver.received) == [delivery_id] and receiver.requests[delivery_id] == 1
    assert receiver.rejected == 0
    with world.app.app_context(), session_scope() as session:
        log = list_deliveries(session=session, user=lea, per_page=50)
    assert log.total == MAX_ATTEMPTS + 1
    assert (log.items[0].ok, log.items[0].attempt_status) == (True, "sent")
    with pytest.raises(Conflict, match="was delivered"):
        ask(world, lea, delivery_id)


def test_only_the_owner_or_an_admin_may_send_it_again(world: World) -> None:
    lea = world.user("lea", Role.LEADER)
    delivery_id, _, _ = kill(world, lea)
    for someone in (world.user("ben"), world.organizer, world.user("lee", Role.LEADER)):
        # As if it did not exist: the same answer as an id nobody has.
        with pytest.raises(NotFound, match=f"no delivery {delivery_id}"):
            ask(world, someone, delivery_id)
    with pytest.raises(NotAuthenticated):
        ask(world, None, delivery_id)
    for unknown in ("msg_nobody", "x" * 500, 7, None):
        with pytest.raises(NotFound):
            ask(world, lea, unknown)
    assert [m.status for m in outbox(world)] == ["dead"]
    assert ask(world, world.user("root", Role.ADMIN), delivery_id).username == "lea"
    with pytest.raises(Conflict, match="still being tried"):
        ask(world, lea, delivery_id)


@pytest.mark.parametrize(
    ("status", "words"),
    [("pending", "still being tried"), ("sent", "was delivered"), ("cancelled", "nowhere to go")],
)
def test_a_message_that_is_not_dead_is_not_sent_again(
    world: World, status: str, words: str
) -> None:
    lea = world.user("lea", Role.LEADER)
    settings(world, lea, webhook_url=f"http://127.0.0.1:{free_port()}/hook")
    tell(world, lea)
    with world.app.app_context(), session_scope() as session, write(session):
        session.execute(update(OutboxMessage).values(status=status))
    (message,) = outbox(world)
    with pytest.raises(Conflict, match=words):
        ask(world, lea, message.delivery_id)
    assert [m.status for m in outbox(world)] == [status]


def test_the_commands_list_the_dead_and_send_them_again(world: World) -> None:
    lea, ben = world.user("lea", Role.LEADER), world.user("ben")
    lea_id, _, _ = kill(world, lea)
    ben_id, _, _ = kill(world, ben)
    runner = world.app.test_cli_runner()
    listed = runner.invoke(args=["notifications", "dead"])
    assert listed.exit_code == 0
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(row[0], row[1], row[2]) for row in lines] == [
        (lea_id, "lea", "webhook"),
        (ben_id, "ben", "webhook"),
    ]
    assert "2 dead messages" in listed.stderr
    only_ben = runner.invoke(args=["notifications", "dead", "--user", "ben"])
    assert [line.split("\t")[0] for line in only_ben.stdout.splitlines()] == [ben_id]
    sent = runner.invoke(args=["notifications", "resend", lea_id, "msg_nobody"])
    assert sent.exit_code == 1
    assert f"{lea_id} (lea, webhook) queued again" in sent.stdout
    assert "msg_nobody: no delivery msg_nobody" in sent.stderr
    statuses = {m.delivery_id: m.status for m in outbox(world)}
    assert statuses == {lea_id: "pending", ben_id: "dead"}
    again = runner.invoke(args=["notifications", "resend", lea_id])
    assert again.exit_code == 1 and "still being tried" in again.stderr


def test_a_message_sent_again_gets_a_full_round_of_attempts(world: World) -> None:
    lea = world.user("lea", Role.LEADER)
    delivery_id, _, now = kill(world, lea)
    ask(world, lea, delivery_id)
    (message,) = outbox(world)
    assert (message.status, message.attempts, message.finished_at) == ("pending", 0, None)
    # Still down: the first new failure is retried after 30 s, not given up at once.
    result = run(world, now=now)
    assert (result.failed, result.dead) == (1, 0)
    (message,) = outbox(world)
    assert message.next_attempt_at == now + backoff(1)
