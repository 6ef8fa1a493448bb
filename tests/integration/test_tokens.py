"""API token services on SQLite and PostgreSQL: hints, listing, revoking, counting."""

from __future__ import annotations

import pytest
from flask import Flask

from forecast.errors import Forbidden, NotAuthenticated, NotFound
from forecast.infra.db import session_scope
from forecast.models import Role, User
from forecast.services.accounts import tokens
from forecast.services.accounts.users import create_user


def _user(app: Flask, name: str, role: Role = Role.FORECASTER) -> User:
    with app.app_context(), session_scope() as session:
        return create_user(session=session, username=name, password=None, role=role)


def _token(app: Flask, user: User, label: str = "") -> str:
    with app.app_context(), session_scope() as session:
        return tokens.create_token(session=session, user=user, label=label)


def _owner(app: Flask, secret: str) -> str | None:
    with app.app_context(), session_scope() as session:
        found = tokens.token_owner(session=session, token=secret)
        return found[1].username if found else None


def _live_id(app: Flask, secret: str) -> int | None:
    with app.app_context(), session_scope() as session:
        found = tokens.token_owner(session=session, token=secret)
        return found[0] if found else None


def test_a_token_keeps_its_hint_and_lists_newest_first(any_app: Flask) -> None:
    alice = _user(any_app, "alice")
    first, second = _token(any_app, alice, "one"), _token(any_app, alice, "two")
    with any_app.app_context(), session_scope() as session:
        listed = tokens.list_tokens(session=session, user=alice)
        assert [t.label for t in listed] == ["two", "one"]
        assert [t.hint for t in listed] == [second[-4:], first[-4:]]
    assert _live_id(any_app, first) == listed[1].id
    assert _live_id(any_app, "fc_unknown") is None


def test_revoking_one_is_idempotent_and_another_users_is_not_found(any_app: Flask) -> None:
    alice, bob = _user(any_app, "alice"), _user(any_app, "bob")
    mine, theirs = _token(any_app, alice), _token(any_app, bob)
    mine_id, theirs_id = _live_id(any_app, mine), _live_id(any_app, theirs)
    assert mine_id is not None and theirs_id is not None
    with any_app.app_context(), session_scope() as session:
        revoked = tokens.revoke_token(session=session, user=alice, token_id=mine_id)
        when = revoked.revoked_at
        assert when is not None
        again = tokens.revoke_token(session=session, user=alice, token_id=mine_id)
        assert again.revoked_at == when
        with pytest.raises(NotFound):
            tokens.revoke_token(session=session, user=alice, token_id=theirs_id)
        with pytest.raises(NotFound):
            tokens.revoke_token(session=session, user=alice, token_id=theirs_id + 1000)
    assert _owner(any_app, mine) is None
    assert _owner(any_app, theirs) == "bob"


def test_an_admin_revokes_a_users_tokens_and_the_counts_follow(any_app: Flask) -> None:
    root = _user(any_app, "root", Role.ADMIN)
    olga = _user(any_app, "olga", Role.ORGANIZER)
    alice, bob = _user(any_app, "alice"), _user(any_app, "bob")
    alices = [_token(any_app, alice) for _ in range(3)]
    bobs = _token(any_app, bob)
    with any_app.app_context(), session_scope() as session:
        assert tokens.live_token_counts(session=session) == {alice.id: 3, bob.id: 1}
        with pytest.raises(Forbidden):
            tokens.revoke_user_tokens(session=session, actor=olga, username="alice")
        with pytest.raises(NotAuthenticated):
            tokens.revoke_user_tokens(session=session, actor=None, username="alice")
        with pytest.raises(NotFound):
            tokens.revoke_user_tokens(session=session, actor=root, username="nobody")
        assert tokens.live_token_counts(session=session) == {alice.id: 3, bob.id: 1}
        assert tokens.revoke_user_tokens(session=session, actor=root, username="alice") == 3
        assert tokens.revoke_user_tokens(session=session, actor=root, username="alice") == 0
        assert tokens.live_token_counts(session=session) == {bob.id: 1}
    assert [_owner(any_app, s) for s in alices] == [None, None, None]
    assert _owner(any_app, bobs) == "bob"
