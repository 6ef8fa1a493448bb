"""Finding users (the admin's users page) on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask

from forecast.errors import Forbidden, ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import Role, User
from forecast.services.accounts.users import create_user, search_users

NAMES = ["Ada", "ada_l", "adam", "bob", "carol", "x_y", "xay"]


def _people(app: Flask) -> User:
    with app.app_context(), session_scope() as session:
        root = create_user(session=session, username="root", password=None, role=Role.ADMIN)
        for name in NAMES:
            role = Role.ORGANIZER if name.startswith("c") or name == "adam" else Role.FORECASTER
            create_user(session=session, username=name, password=None, role=role)
        return root


def _names(app: Flask, root: User, **filters: object) -> tuple[list[str], int]:
    with app.app_context(), session_scope() as session:
        found = search_users(session=session, actor=root, **filters)  # type: ignore[arg-type]
        return [u.username for u in found.items], found.total


def test_a_name_matches_anywhere_in_any_case_and_like_wildcards_are_literal(any_app: Flask) -> None:
    root = _people(any_app)
    assert _names(any_app, root, text="ADA") == (["Ada", "ada_l", "adam"], 3)
    assert _names(any_app, root, text="  am ") == (["adam"], 1)
    assert _names(any_app, root, text="x_y") == (["x_y"], 1)
    assert _names(any_app, root, text="%") == ([], 0)
    assert _names(any_app, root, text="zzz") == ([], 0)


def test_role_and_name_combine_and_pages_split_the_rest(any_app: Flask) -> None:
    root = _people(any_app)
    assert _names(any_app, root, role="organizer") == (["adam", "carol"], 2)
    assert _names(any_app, root, text="a", role="organizer") == (["adam", "carol"], 2)
    everyone = sorted([*NAMES, "root"])
    first, total = _names(any_app, root, per_page=4)
    second, _ = _names(any_app, root, per_page=4, page=2)
    third, _ = _names(any_app, root, per_page=4, page=3)  # past the end: empty
    assert total == 8
    # the order is the database's own collation of usernames: check the pages partition it
    assert (len(first), len(second), third) == (4, 4, [])
    assert sorted(first + second) == everyone


def test_only_an_admin_searches_and_bad_filters_are_refused(any_app: Flask) -> None:
    root = _people(any_app)
    with any_app.app_context(), session_scope() as session:
        someone = create_user(session=session, username="olga", password=None, role=Role.ORGANIZER)
        with pytest.raises(Forbidden):
            search_users(session=session, actor=someone)
        with pytest.raises(ValidationFailed, match="role must be one of"):
            search_users(session=session, actor=root, role="king")
        with pytest.raises(ValidationFailed, match="page must be between 1 and"):
            search_users(session=session, actor=root, page=0)
        with pytest.raises(ValidationFailed, match="per_page"):
            search_users(session=session, actor=root, per_page=10_000)
