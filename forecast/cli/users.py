"""`forecast users`: create accounts, change roles, passwords and e-mail addresses."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from forecast.cli.common import fail
from forecast.errors import DomainError


@click.group("users")
def users_group() -> None:
    """Manage accounts."""


@users_group.command("create")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["forecaster", "organizer", "leader", "admin"]),
    default="forecaster",
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(name: str, role: str, password_stdin: bool) -> None:
    """Create a user (without --password-stdin it cannot log in until a password is set)."""
    from forecast.infra.db import session_scope
    from forecast.services.accounts.users import create_user, parse_role

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        with session_scope() as session:
            user = create_user(
                session=session, username=name, password=password, role=parse_role(role)
            )
            click.echo(f"created {user.username} ({user.role})")
    except DomainError as exc:
        fail(exc.message)


@users_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(["forecaster", "organizer", "leader", "admin"]))
@with_appcontext
def users_set_role(name: str, role: str) -> None:
    """Change a user's role (which logs them out of the web everywhere)."""
    from forecast.infra.db import session_scope
    from forecast.services.accounts.users import change_role

    try:
        with session_scope() as session:
            change_role(session=session, username=name, role=role)
            click.echo(f"{name} is now {role}")
    except DomainError as exc:
        fail(exc.message)


@users_group.command("set-password")
@click.argument("name")
@with_appcontext
def users_set_password(name: str) -> None:
    """Set a user's password, read from standard input, and log them out of the web everywhere."""
    from forecast.infra.db import session_scope
    from forecast.services.accounts.users import get_user, set_password

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope() as session:
            set_password(session=session, user=get_user(session, name), password=password)
            click.echo(f"password set for {name}")
    except DomainError as exc:
        fail(exc.message)


@users_group.command("set-email")
@click.argument("name")
@click.argument("email")
@click.option(
    "--confirmed",
    is_flag=True,
    help="Count the address as confirmed at once (you checked it is theirs); no link is sent.",
)
@with_appcontext
def users_set_email(name: str, email: str, confirmed: bool) -> None:
    """Set a user's e-mail address ("" removes it), as their notification settings page does.

    Without --confirmed the address gets a confirmation link, and no other mail, until its owner
    follows the link: the same rule as an address typed into the settings page.
    """
    from forecast.infra.db import session_scope
    from forecast.services.accounts.users import get_user
    from forecast.services.notifications.settings import update_settings

    try:
        with session_scope() as session:
            view = update_settings(
                session=session,
                user=get_user(session, name),
                data={"email": email},
                email_confirmed=confirmed,
            )
    except DomainError as exc:
        fail(exc.message)
    if view.email is None:
        click.echo(f"{name} has no e-mail address now")
    elif view.confirmation_sent:
        click.echo(f"{name}'s address is {view.email}: a confirmation link is queued for it")
    elif view.email_confirmed:
        click.echo(f"{name}'s address is {view.email} (confirmed)")
    else:
        click.echo(f"{name}'s address is {view.email} (unchanged, not confirmed yet)")
