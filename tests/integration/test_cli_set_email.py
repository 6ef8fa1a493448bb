"""`forecast users set-email`: the settings page's service, its confirmation rule, its errors."""

from __future__ import annotations

import json

from flask import Flask
from sqlmodel import col, select

from forecast.infra.db import session_scope
from forecast.models import OutboxMessage, User
from forecast.services.notifications.queue import CONFIRMATION, channels_for
from forecast.services.notifications.settings import read_settings
from tests.conftest import make_user


def _state(app: Flask, name: str) -> tuple[str | None, bool, list[str], list[str]]:
    """The address, whether it is confirmed, the addresses links went to, mail's channels."""
    with app.app_context(), session_scope() as session:
        user = session.exec(select(User).where(col(User.username) == name)).one()
        view = read_settings(session=session, user=user)
        links = [
            json.loads(m.payload)["data"]["to"]
            for m in session.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.user_id) == user.id, col(OutboxMessage.kind) == CONFIRMATION
                )
            )
        ]
        assert user.id is not None
        return view.email, view.email_confirmed, links, channels_for(session, user.id, "alerts")


def test_an_address_set_by_command_gets_the_confirmation_link(any_app: Flask) -> None:
    make_user(any_app, "lena")
    runner = any_app.test_cli_runner()
    result = runner.invoke(args=["users", "set-email", "lena", " lena@example.org "])
    assert result.exit_code == 0, result.output
    assert "lena@example.org: a confirmation link is queued" in result.output
    # As the settings page: stored, unconfirmed, the link queued, no other mail until followed.
    assert _state(any_app, "lena") == ("lena@example.org", False, ["lena@example.org"], [])
    # The same address again sends no second link.
    again = runner.invoke(args=["users", "set-email", "lena", "lena@example.org"])
    assert again.exit_code == 0 and "not confirmed yet" in again.output
    assert _state(any_app, "lena")[2] == ["lena@example.org"]


def test_an_address_the_operator_vouches_for_counts_as_confirmed(any_app: Flask) -> None:
    make_user(any_app, "lena")
    result = any_app.test_cli_runner().invoke(
        args=["users", "set-email", "lena", "lena@example.org", "--confirmed"]
    )
    assert result.exit_code == 0 and "(confirmed)" in result.output
    assert _state(any_app, "lena") == ("lena@example.org", True, [], ["email"])


def test_an_empty_address_removes_it(any_app: Flask) -> None:
    make_user(any_app, "lena")
    runner = any_app.test_cli_runner()
    runner.invoke(args=["users", "set-email", "lena", "lena@example.org", "--confirmed"])
    result = runner.invoke(args=["users", "set-email", "lena", ""])
    assert result.exit_code == 0 and "no e-mail address now" in result.output
    assert _state(any_app, "lena") == (None, False, [], [])


def test_a_bad_address_or_an_unknown_user_is_refused_with_the_services_words(
    any_app: Flask,
) -> None:
    make_user(any_app, "lena")
    runner = any_app.test_cli_runner()
    bad = runner.invoke(args=["users", "set-email", "lena", "not-an-address", "--confirmed"])
    assert bad.exit_code == 1
    assert "“not-an-address” is not an e-mail address" in bad.output
    assert _state(any_app, "lena") == (None, False, [], [])
    ghost = runner.invoke(args=["users", "set-email", "ghost", "g@example.org"])
    assert ghost.exit_code == 1 and "no user named 'ghost'" in ghost.output
