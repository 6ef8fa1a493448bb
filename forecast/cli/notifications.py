"""`forecast notifications`: list the messages the outbox gave up on, and send them again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from forecast.cli.common import fail
from forecast.errors import DomainError


@click.group("notifications")
def notifications_group() -> None:
    """Look after e-mail and webhook deliveries."""


@notifications_group.command("dead")
@click.option("--user", "username", help="Only this person's messages.")
@with_appcontext
def notifications_dead(username: str | None) -> None:
    """List the messages given up on after every attempt, oldest first (one a line: delivery
    id, person, channel, what, when given up)."""
    from forecast.infra.clock import format_iso
    from forecast.infra.db import session_scope
    from forecast.services.notifications.resend import dead_messages

    with session_scope() as session:
        rows = dead_messages(session=session, username=username)
    for message, name in rows:
        ended = format_iso(message.finished_at) if message.finished_at else "-"
        click.echo(f"{message.delivery_id}\t{name}\t{message.channel}\t{message.kind}\t{ended}")
    click.echo(f"{len(rows)} dead message{'' if len(rows) == 1 else 's'}", err=True)


@notifications_group.command("resend")
@click.argument("delivery_ids", nargs=-1, required=True)
@with_appcontext
def notifications_resend(delivery_ids: tuple[str, ...]) -> None:
    """Queue dead messages to be sent again by the outbox job, under their own delivery ids
    (each is checked and queued on its own; the command fails if any was refused)."""
    from forecast.infra.db import session_scope
    from forecast.services.notifications.resend import resend

    refused = []
    with session_scope() as session:
        for delivery_id in delivery_ids:
            try:
                done = resend(session=session, actor=None, delivery_id=delivery_id, system=True)
            except DomainError as exc:
                refused.append(f"{delivery_id}: {exc.message}")
                continue
            click.echo(f"{done.delivery_id} ({done.username}, {done.channel}) queued again")
    if refused:
        fail("; ".join(refused))
