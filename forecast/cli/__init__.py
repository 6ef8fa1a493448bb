"""The `forecast` command group."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import click
from flask.cli import FlaskGroup

from forecast.cli import data as cli_data
from forecast.cli import serve as cli_serve
from forecast.cli.database import db_group
from forecast.cli.notifications import notifications_group
from forecast.cli.tokens import tokens_group
from forecast.cli.users import users_group

if TYPE_CHECKING:
    from flask import Flask


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
        """List the commands --help shows: the project's own, without building the app."""
        return [n for n in click.Group.list_commands(self, ctx) if n not in self.hidden_commands]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Find a command: the project's own without building the app (a command that needs
        it builds it), then extensions' and the app's (`forecast limiter`, `forecast openapi`)."""
        return click.Group.get_command(self, ctx, cmd_name) or super().get_command(ctx, cmd_name)


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


COMMANDS = (
    db_group,
    users_group,
    tokens_group,
    notifications_group,
    *cli_data.COMMANDS,
    *cli_serve.COMMANDS,
)


def init_app(app: Flask) -> None:
    """Register the command groups on the app (`flask --app`, the app's test CLI runner)."""
    for command in COMMANDS:
        app.cli.add_command(command)


for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
