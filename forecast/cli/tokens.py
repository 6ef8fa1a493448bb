"""`forecast tokens`: create, list and revoke a user's API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from forecast.cli.common import fail
from forecast.core.formatting import plural
from forecast.errors import DomainError
from forecast.infra.clock import format_iso


@click.group("tokens")
def tokens_group() -> None:
    """Manage API tokens."""


@tokens_group.command("create")
@click.argument("name")
@click.option("--label", default="cli", help="A note to recognise the token by.")
@with_appcontext
def tokens_create(name: str, label: str) -> None:
    """Print a new API token for user NAME (one line)."""
    from forecast.infra.db import session_scope
    from forecast.services.accounts.tokens import create_token
    from forecast.services.accounts.users import get_user

    try:
        with session_scope() as session:
            click.echo(create_token(session=session, user=get_user(session, name), label=label))
    except DomainError as exc:
        fail(exc.message)


@tokens_group.command("list")
@click.argument("name")
@with_appcontext
def tokens_list(name: str) -> None:
    """List user NAME's tokens, newest first: id, state, created, hint, label."""
    from forecast.infra.db import session_scope
    from forecast.services.accounts.tokens import list_tokens
    from forecast.services.accounts.users import get_user

    try:
        with session_scope() as session:
            found = list_tokens(session=session, user=get_user(session, name))
    except DomainError as exc:
        fail(exc.message)
    if not found:
        click.echo(f"{name} has no API tokens")
    for token in found:
        state = f"revoked {format_iso(token.revoked_at)}" if token.revoked_at else "live"
        hint = f"...{token.hint}" if token.hint else "-"
        click.echo(f"{token.id}\t{state}\t{format_iso(token.created_at)}\t{hint}\t{token.label}")


@tokens_group.command("revoke")
@click.argument("name")
@click.argument("token_ids", metavar="[ID]...", nargs=-1, type=int)
@click.option("--all", "revoke_all", is_flag=True, help="Revoke every live token of NAME.")
@with_appcontext
def tokens_revoke(name: str, token_ids: tuple[int, ...], revoke_all: bool) -> None:
    """Revoke user NAME's tokens by id (see `tokens list`), or all of them with --all.

    Ids are checked first: if any is not one of NAME's tokens, none is revoked.
    """
    from forecast.infra.db import session_scope
    from forecast.services.accounts.tokens import list_tokens, revoke_token, revoke_tokens
    from forecast.services.accounts.users import get_user

    if revoke_all == bool(token_ids):
        fail("give token ids or --all (not both)")
    try:
        with session_scope() as session:
            user = get_user(session, name)
            if revoke_all:
                count = revoke_tokens(session=session, user=user)
                click.echo(f"revoked {plural(count, 'token')} of {name}")
                return
            owned = {t.id for t in list_tokens(session=session, user=user)}
            unknown = [i for i in token_ids if i not in owned]
            if unknown:
                fail(f"{name} has no API token {unknown[0]}; nothing was revoked")
            for token_id in dict.fromkeys(token_ids):
                revoke_token(session=session, user=user, token_id=token_id)
                click.echo(f"revoked token {token_id} of {name}")
    except DomainError as exc:
        fail(exc.message)
