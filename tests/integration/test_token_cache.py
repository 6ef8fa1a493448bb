"""Kept token lookups on SQLite: served while current, dropped by any write to accounts."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import col

from forecast.infra import token_store
from forecast.infra.backup import backup, restore
from forecast.infra.db import get_engine, session_scope
from forecast.infra.sqlite import token_cache as token_cache_module
from forecast.infra.sqlite.account_generation import AccountGeneration, writes_accounts
from forecast.infra.sqlite.token_cache import token_cache
from forecast.models import Role, User
from forecast.services.accounts import tokens
from forecast.services.accounts.users import set_role
from tests.conftest import build_app, make_token, make_user


@pytest.fixture
def second_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """Another app on the same file: what another worker process sees."""
    other = build_app(app.config["DATABASE_URL"], tmp_path)
    yield other
    get_engine(other).dispose()


def _user(app: Flask, name: str, role: Role = Role.FORECASTER) -> User:
    return make_user(app, name, role, password=None)


def _owner(app: Flask, secret: str) -> User | None:
    with app.app_context(), session_scope() as session:
        found = tokens.token_owner(session=session, token=secret)
        return found[1] if found else None


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the token lookups that reach the database."""
    seen: list[str] = []
    original = token_store._TOKEN_OWNER.first

    def counting(conn: Any, params: Any) -> Any:
        seen.append(params["token_hash"])
        return original(conn, params)

    monkeypatch.setattr(token_store._TOKEN_OWNER, "first", counting)
    return seen


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ("UPDATE api_tokens SET revoked_at=? WHERE api_tokens.id = ?", True),
        ("UPDATE users SET role=? WHERE users.id = ?", True),
        ("DELETE FROM users WHERE users.id = ?", True),
        ("INSERT INTO users (username, role) VALUES (?, ?)", True),
        ("  insert or replace into api_tokens values (?)", True),
        ("DROP TABLE users", True),
        ("SELECT users.id FROM users JOIN api_tokens ON users.id = api_tokens.user_id", False),
        ("UPDATE questions SET forecasts_version=forecasts_version + 1", False),
        ("INSERT INTO forecasts (question_id, user_id) VALUES (?, ?)", False),
        ("UPDATE superusers_archive SET x = 1", False),
    ],
)
def test_only_writes_to_accounts_or_tokens_move_the_counter(statement: str, writes: bool) -> None:
    assert writes_accounts(statement) is writes


def test_the_counter_is_one_value_for_every_holder_of_the_file(tmp_path: Path) -> None:
    one, two = AccountGeneration(str(tmp_path / "g")), AccountGeneration(str(tmp_path / "g"))
    assert one.read() == two.read() == 0
    with one.changing():
        assert two.read() == 1  # odd: a change is in flight
    assert two.read() == 2
    one.close()
    two.close()


def test_moves_from_many_threads_and_holders_are_never_lost(tmp_path: Path) -> None:
    shared = AccountGeneration(str(tmp_path / "g"))
    other = AccountGeneration(str(tmp_path / "g"))

    def move_many(generation: AccountGeneration) -> None:
        for _ in range(500):
            generation.move()

    threads = [threading.Thread(target=move_many, args=(g,)) for g in (shared, shared, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared.read() == other.read() == 1500
    shared.close()
    other.close()


def test_another_process_moving_the_counter_is_seen_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "g")
    here = AccountGeneration(path)
    before = here.read()
    code = (
        "import sys; from forecast.infra.sqlite.account_generation import AccountGeneration as G; "
        "g = G(sys.argv[1]); g.move(); g.move(); g.move()"
    )
    subprocess.run([sys.executable, "-c", code, path], check=True, timeout=60)
    assert here.read() == before + 3
    here.close()


def test_a_live_token_is_looked_up_once_and_then_kept(app: Flask, lookups: list[str]) -> None:
    secret = make_token(app, _user(app, "alice"))
    first, second = _owner(app, secret), _owner(app, secret)
    assert first is not None and second is not None
    assert (second.id, second.username, second.role) == (first.id, "alice", first.role)
    assert len(lookups) == 1
    assert second is not first  # each request gets its own user object


def test_unknown_tokens_are_never_kept(app: Flask, lookups: list[str]) -> None:
    assert _owner(app, "fc_" + "x" * 43) is None
    assert _owner(app, "fc_" + "x" * 43) is None
    assert len(lookups) == 2


def test_a_write_to_accounts_moves_the_counter_before_it_runs_and_after_it_ends(
    app: Flask,
) -> None:
    alice = _user(app, "alice")
    cache = token_cache(get_engine(app))
    assert cache is not None
    generation = cache.generation
    start = generation.read()
    assert start % 2 == 0
    with app.app_context(), session_scope() as session:
        session.execute(update(User).where(col(User.id) == alice.id).values(role="organizer"))
        assert generation.read() == start + 1  # in flight: nothing is served from the cache
        session.commit()
    assert generation.read() == start + 2


def test_a_token_revoked_by_another_process_is_refused_at_once(
    app: Flask, second_app: Flask, lookups: list[str]
) -> None:
    alice = _user(app, "alice")
    secret = make_token(app, alice)
    assert _owner(app, secret) is not None
    with second_app.app_context(), session_scope() as session:
        assert tokens.revoke_tokens(session=session, user=alice) == 1
    assert _owner(app, secret) is None


def test_a_role_changed_by_another_process_applies_to_the_next_request(
    app: Flask, second_app: Flask
) -> None:
    admin = _user(app, "root", Role.ADMIN)
    secret = make_token(app, _user(app, "bob"))
    before = _owner(app, secret)
    assert before is not None and before.role == Role.FORECASTER.value
    with second_app.app_context(), session_scope() as session:
        set_role(session=session, actor=admin, username="bob", role="organizer")
    after = _owner(app, secret)
    assert after is not None and after.role == Role.ORGANIZER.value


def test_a_revocation_by_the_command_line_in_its_own_process_is_seen(app: Flask) -> None:
    secret = make_token(app, _user(app, "carol"))
    assert _owner(app, secret) is not None
    env = {**os.environ, "FORECAST_DATABASE_URL": app.config["DATABASE_URL"]}
    subprocess.run(
        [sys.executable, "-m", "forecast.cli", "tokens", "revoke", "carol", "--all"],
        check=True,
        env=env,
        timeout=120,
        capture_output=True,
    )
    assert _owner(app, secret) is None


def test_nothing_is_kept_or_served_while_a_write_to_accounts_is_in_flight(
    app: Flask, lookups: list[str]
) -> None:
    secret = make_token(app, _user(app, "dave"))
    cache = token_cache(get_engine(app))
    assert cache is not None
    generation = cache.generation
    generation.move()  # as a writer that has not finished (or died after its commit)
    for _ in range(3):
        assert _owner(app, secret) is not None
    assert len(lookups) == 3
    generation.move()
    _owner(app, secret)
    _owner(app, secret)
    assert len(lookups) == 4


def test_a_kept_answer_expires_after_its_time(
    app: Flask, lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = make_token(app, _user(app, "erin"))
    _owner(app, secret)
    later = token_cache_module.time.monotonic() + token_cache_module.TTL_S + 1
    monkeypatch.setattr(token_cache_module.time, "monotonic", lambda: later)
    _owner(app, secret)
    assert len(lookups) == 2


def test_a_restore_drops_what_running_processes_kept(app: Flask, tmp_path: Path) -> None:
    url = app.config["DATABASE_URL"]
    saved = str(tmp_path / "before.db")
    backup(url, saved)  # no accounts yet
    secret = make_token(app, _user(app, "frank"))
    assert _owner(app, secret) is not None
    restore(url, saved)
    assert _owner(app, secret) is None


def test_only_a_sqlite_file_keeps_lookups(any_app: Flask) -> None:
    # PostgreSQL deployments may span machines, which share no counter file.
    engine = get_engine(any_app)
    assert (token_cache(engine) is not None) == (engine.dialect.name == "sqlite")
