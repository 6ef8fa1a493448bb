"""`forecast db`: migrations, backups and the schema revision."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from forecast.cli.common import fail
from forecast.errors import DomainError


@click.group("db")
def db_group() -> None:
    """Database schema and maintenance."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    from forecast.infra import migrate

    migrate.upgrade(current_app, revision)


@db_group.command("downgrade")
@click.argument("revision")
@click.option("--force", is_flag=True, help="Proceed even when the downgrade destroys data.")
@with_appcontext
def db_downgrade(revision: str, force: bool) -> None:
    """Migrate the database down to REVISION (refused if it destroys data, unless --force)."""
    from alembic.util import CommandError

    from forecast.infra import migrate

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
    from forecast.infra import migrate

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
