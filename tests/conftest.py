"""Shared fixtures: an app on a migrated SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text
from sqlmodel import SQLModel

from forecast.app import create_app
from forecast.infra.db import get_engine, session_scope
from forecast.infra.migrate import alembic_config
from forecast.models import Role, User
from forecast.services.accounts import users as users_service
from forecast.services.accounts.tokens import create_token
from forecast.services.accounts.users import create_user


def _database_of_this_worker(url: str | None) -> str | None:
    """Give each pytest-xdist worker its own PostgreSQL database beside the configured one.

    Tests empty and refill the database they run on, so two workers must never share one: the
    worker gw1 of `.../forecast_ci` runs on `.../forecast_ci_gw1`, made here when missing and
    dropped when the worker's session ends. Without xdist the configured database is used as is.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    worker_url = base.set(database=name).render_as_string(hide_password=False)
    # Tests that read the variable themselves, and the processes they start, see this worker's.
    os.environ["FORECAST_TEST_POSTGRES_URL"] = worker_url
    return worker_url


_CONFIGURED_PG_URL = os.environ.get("FORECAST_TEST_POSTGRES_URL")
PG_URL = _database_of_this_worker(_CONFIGURED_PG_URL)
PASSWORD = "correct horse battery"
# Accounts made by tests hash their passwords with scrypt at a thousandth of the production cost
# (N = 2**10 instead of 2**15): the suite makes thousands, and what it checks of passwords does
# not depend on the cost. forecast.services.accounts.users.PASSWORD_METHOD keeps the real one.
users_service.PASSWORD_METHOD = "scrypt:1024:8:1"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file to head; tests start from copies of it."""
    path = tmp_path_factory.mktemp("template") / "forecast.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Return the PostgreSQL test database, migrated to head (skips without one)."""
    if not PG_URL:
        pytest.skip("FORECAST_TEST_POSTGRES_URL is not set")
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(PG_URL), "head")
    return PG_URL


def _truncate_postgres(app: Flask) -> None:
    import forecast.models  # noqa: F401

    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with get_engine(app).begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def build_app(url: str, tmp_path: Path, **overrides: Any) -> Flask:
    """Create an app for tests on the database at url."""
    config = {
        "DATABASE_URL": url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SCHEDULER_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.instance_path = str(tmp_path)
    return app


@pytest.fixture
def app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh migrated SQLite database."""
    db_path = tmp_path / "forecast.db"
    shutil.copy(sqlite_template, db_path)
    application = build_app(f"sqlite:///{db_path}", tmp_path)
    yield application
    get_engine(application).dispose()


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def app_on(
    database: str, request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Flask]:
    """An app on a copy of the migrated SQLite file, or on the emptied PostgreSQL database."""
    if database == "sqlite":
        db_path = tmp_path / "forecast.db"
        shutil.copy(sqlite_template, db_path)
        application = build_app(f"sqlite:///{db_path}", tmp_path)
    else:
        application = build_app(request.getfixturevalue("postgres_url"), tmp_path)
        _truncate_postgres(application)
    yield application
    if database == "postgres":
        _truncate_postgres(application)
    get_engine(application).dispose()


@pytest.fixture(params=DATABASES)
def any_app(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Flask]:
    """The same test on SQLite and, when configured, on PostgreSQL."""
    with app_on(request.param, request, sqlite_template, tmp_path) as application:
        yield application


@pytest.fixture(autouse=True)
def _full_size_only_when_selected(request: pytest.FixtureRequest) -> None:
    """Tests marked `slow` run only when selected (`-m slow`)."""
    if request.node.get_closest_marker("slow") and "slow" not in request.config.option.markexpr:
        pytest.skip("full size: select it with -m slow")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def make_user(
    app: Flask, username: str, role: Role = Role.FORECASTER, password: str | None = PASSWORD
) -> User:
    """Create a user directly through the service."""
    with app.app_context(), session_scope() as session:
        return create_user(session=session, username=username, password=password, role=role)


def make_token(app: Flask, user: User) -> str:
    """Create an API token for user."""
    with app.app_context(), session_scope() as session:
        return create_token(session=session, user=user)


class Api:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self._headers(), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=json, headers=self._headers(), **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", json=json, headers=self._headers(), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self._headers(), **kwargs)


@pytest.fixture
def api_as(app: Flask, client: FlaskClient) -> Any:
    """Return a factory: api_as('alice', Role.ORGANIZER) -> an Api client with a token."""

    def factory(username: str, role: Role = Role.FORECASTER) -> Api:
        user = make_user(app, username, role)
        return Api(client, make_token(app, user))

    return factory


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the database this xdist worker made (the configured one is the caller's to drop)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not PG_URL or not _CONFIGURED_PG_URL or PG_URL == _CONFIGURED_PG_URL:
        return
    admin = create_engine(_CONFIGURED_PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = make_url(PG_URL).database
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _database_of(item: pytest.Item) -> str | None:
    """Return the database a test is parametrized with ("sqlite" or "postgres"), if any."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for value in callspec.params.values():
        if value in ("sqlite", "postgres"):
            return str(value)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group tests for pytest-xdist (`make test` runs `--dist loadgroup`): a module's tests on
    one database run on one worker, in the order they run without xdist.

    Module-scoped fixtures and the state a module's tests leave for each other stay as in a
    serial run, so a run's outcome does not depend on how tests fall to workers; a module that
    runs on both databases is two groups, which lets its SQLite and PostgreSQL halves run at
    once.
    """
    for item in items:
        owner = getattr(item, "module", None)
        module = owner.__name__ if owner is not None else item.nodeid.split("::")[0]
        database = _database_of(item)
        group = module if database is None else f"{module}[{database}]"
        item.add_marker(pytest.mark.xdist_group(group))
