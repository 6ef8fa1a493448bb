"""Fixtures of the integration tests that run real processes on either database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATABASES, _truncate_postgres, build_app


@pytest.fixture(params=DATABASES)
def database(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[str]:
    """The URL of an empty migrated database: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        path = tmp_path / "forecast.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    _empty_postgres(url, tmp_path)
    yield url
    _empty_postgres(url, tmp_path)


def _empty_postgres(url: str, tmp_path: Path) -> None:
    from forecast.infra.db import get_engine

    app = build_app(url, tmp_path)
    _truncate_postgres(app)
    get_engine(app).dispose()
