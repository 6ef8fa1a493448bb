"""What every command shares: failing with a message."""

from __future__ import annotations

import sys
from typing import NoReturn

import click


def fail(message: str) -> NoReturn:
    """Print an error and exit with status 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
