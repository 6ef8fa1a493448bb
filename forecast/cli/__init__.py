"""The `forecast` command group."""

from __future__ import annotations

import copy
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from forecast.errors import DomainError
from forecast.infra import migrate
from forecast.infra.db import session_scope


def _create_app() -> Flask:
    from forecast.app import create_app

    return create_app()


class ForecastGroup(FlaskGroup):
    """Flask's command group, with Flask's own options and extensions' commands kept out of
    --help (they still work: -A/--app, -e/--env-file, --debug, `forecast limiter`)."""

    hidden_options = ("app", "env_file", "debug")
    hidden_commands = ("limiter",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Flask shares these option objects between groups: hide copies, not the originals.
        self.params = [_hidden(p) if p.name in self.hidden_options else p for p in self.params]

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the commands --help shows."""
        return [n for n in super().list_commands(ctx) if n not in self.hidden_commands]


def _hidden(param: click.Parameter) -> click.Parameter:
    copied = copy.copy(param)
    if isinstance(copied, click.Option):
        copied.hidden = True
    return copied


@click.group(
    cls=ForecastGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """Forecasting tournaments with decision boundaries."""


def fail(message: str) -> None:
    """Print an error and exit with status 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group("db")
def db_group() -> None:
    """Database schema and maintenance."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    migrate.upgrade(current_app, revision)


@db_group.command("downgrade")
@click.argument("revision")
@click.option("--force", is_flag=True, help="Proceed even when the downgrade destroys data.")
@with_appcontext
def db_downgrade(revision: str, force: bool) -> None:
    """Migrate the database down to REVISION (refused if it destroys data, unless --force)."""
    from alembic.util import CommandError

    try:
        lost = migrate.downgrade(current_app, revision, force=force)
    except DomainError as exc:
        fail(exc.message)
    except CommandError as exc:
        fail(str(exc))
    for loss in lost:
        click.echo(f"destroyed {loss.line()}")
    click.echo(f"downgraded to {revision}")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the database's schema revision."""
    migrate.current(current_app)


@db_group.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@with_appcontext
def db_backup(destination: str) -> None:
    """Copy the SQLite database to DESTINATION while it stays in use."""
    from forecast.infra.backup import backup

    try:
        size = backup(current_app.config["DATABASE_URL"], destination)
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"backed up to {destination} ({size} bytes)")


@db_group.command("restore")
@click.argument("origin", type=click.Path(dir_okay=False))
@with_appcontext
def db_restore(origin: str) -> None:
    """Replace the SQLite database with the backup ORIGIN (stop the app first)."""
    from forecast.infra.backup import restore

    try:
        restored = restore(current_app.config["DATABASE_URL"], origin)
    except DomainError as exc:
        fail(f"{exc.message} (nothing was restored)")
    click.echo(restored.summary(origin))


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
    from forecast.services.accounts.users import get_user, set_password

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope() as session:
            set_password(session=session, user=get_user(session, name), password=password)
            click.echo(f"password set for {name}")
    except DomainError as exc:
        fail(exc.message)


def init_app(app: Flask) -> None:
    """Register the command groups on the app."""
    from forecast.cli import data as cli_data
    from forecast.cli import serve as cli_serve
    from forecast.cli.tokens import tokens_group

    for command in (db_group, users_group, tokens_group, *cli_data.COMMANDS, *cli_serve.COMMANDS):
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
