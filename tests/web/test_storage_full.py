"""A full disk: writes answer 503 with Retry-After in the usual error shape, reads go on."""

from __future__ import annotations

import errno
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import DBAPIError

from forecast.infra.db import get_engine, session_scope
from forecast.infra.storage_full import RETRY_AFTER_S, is_storage_full
from forecast.models import Forecast
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World, write_lock_is_free
from tests.web.test_pages import login


def _sqlite_full() -> sqlite3.OperationalError:
    """Return the error SQLite itself raises when a write finds no room (SQLITE_FULL)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA max_page_count=1")
        conn.execute("CREATE TABLE t (x)")  # needs a second page
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite found room for a second page")


def _full_disk_connection(full: threading.Event) -> type[sqlite3.Connection]:
    """Return a connection class whose commits of changes fail while full is set."""

    class FullDisk(sqlite3.Connection):
        settled = 0  # total_changes when the last transaction ended

        def commit(self) -> None:
            if full.is_set() and self.total_changes != self.settled:
                super().rollback()  # what SQLite does to a transaction that found no room
                self.settled = self.total_changes
                raise _sqlite_full()
            super().commit()
            self.settled = self.total_changes

        def rollback(self) -> None:
            super().rollback()
            self.settled = self.total_changes

    return FullDisk


@dataclass
class Site:
    """An app whose disk fills when full is set, with a question and a forecaster."""

    app: Flask
    full: threading.Event
    api: Api
    organizer: Api
    question_id: int
    lock: Path

    def forecasts(self) -> int:
        with self.app.app_context(), session_scope() as session:
            return int(session.scalar(select(func.count()).select_from(Forecast)) or 0)


@pytest.fixture
def site(app: Flask, client: FlaskClient) -> Iterator[Site]:
    engine = get_engine(app)
    full = threading.Event()
    factory = _full_disk_connection(full)

    def connect(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        params["factory"] = factory

    event.listen(engine, "do_connect", connect)
    engine.dispose()  # every connection from here on is a FullDisk
    world = World(app)
    question = world.question()
    assert question.id is not None
    make_user(app, "ada")
    organizer = Api(client, make_token(app, world.organizer))
    api = Api(client, make_token(app, make_user(app, "bob")))
    lock = Path(f"{engine.url.database}-writelock")
    yield Site(app, full, api, organizer, question.id, lock)
    event.remove(engine, "do_connect", connect)


def _assert_storage_full(response: Any) -> None:
    assert response.status_code == 503, response.data
    assert response.headers["Retry-After"] == str(RETRY_AFTER_S)


def test_a_forecast_on_a_full_disk_answers_503_and_reads_go_on(site: Site) -> None:
    path = f"/questions/{site.question_id}/forecasts"
    assert site.api.post(path, json={"probability": 0.3}).status_code == 201
    site.full.set()
    response = site.api.post(path, json={"probability": 0.4})
    _assert_storage_full(response)
    error = response.get_json()["error"]
    assert error["code"] == "storage_full" and error["field"] is None
    assert "storage space" in error["message"] and "try again" in error["message"]
    assert write_lock_is_free(site.lock), "the failed write let the next writer in"
    assert site.api.get(f"/questions/{site.question_id}").status_code == 200
    assert site.api.get("/questions").status_code == 200
    assert site.api.client.get(f"/questions/{site.question_id}").status_code == 200
    assert site.forecasts() == 1, "the refused forecast left nothing behind"

    site.full.clear()  # space came back
    assert site.api.post(path, json={"probability": 0.5}).status_code == 201
    assert site.forecasts() == 2


def test_a_question_written_through_the_session_on_a_full_disk_answers_503(site: Site) -> None:
    site.full.set()
    body = {
        "type": "binary",
        "tournament": "ai",
        "title": "Will it rain?",
        "description": "",
        "resolution_criteria": "It rains.",
        "open_time": "2030-01-01T00:00:00Z",
        "close_time": "2030-02-01T00:00:00Z",
        "resolve_time": "2030-03-01T00:00:00Z",
    }
    _assert_storage_full(site.organizer.post("/questions", json=body))
    assert write_lock_is_free(site.lock)
    site.full.clear()
    assert site.organizer.post("/questions", json=body).status_code == 201


def test_a_form_on_a_full_disk_answers_a_page_that_says_to_retry(site: Site) -> None:
    client = site.api.client
    login(client, "ada")
    site.full.set()
    response = client.post(f"/questions/{site.question_id}/forecast", data={"probability": "35"})
    _assert_storage_full(response)
    assert response.mimetype == "text/html"
    assert b"out of storage space" in response.data and b"Traceback" not in response.data
    assert client.get(f"/questions/{site.question_id}").status_code == 200


def _readable_paths(app: Flask, question_id: int) -> list[str]:
    """Return every GET route, filled in with the site's question, tournament and user."""
    values: dict[str, Any] = {"question_id": question_id, "slug": "ai", "name": "bob"}
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in (rule.methods or ()) and rule.arguments <= values.keys():
                paths.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    return sorted(paths)


def test_every_page_and_api_read_answers_on_a_full_disk(site: Site) -> None:
    # A new forecast makes the aggregate stale: reading it must not depend on caching it.
    site.api.post(f"/questions/{site.question_id}/forecasts", json={"probability": 0.3})
    client = site.api.client
    login(client, "ada")
    site.full.set()
    failed = {}
    for path in _readable_paths(site.app, site.question_id):
        headers = site.api._headers() if path.startswith("/api/") else {}
        response = client.get(path, headers=headers)
        response.close()  # files (the icon) are streamed
        if response.status_code >= 500:
            failed[path] = response.status_code
    assert failed == {}
    assert site.forecasts() == 1


def _wrapped(error: Exception) -> Exception:
    """Return error as SQLAlchemy raises a driver's error."""
    return DBAPIError.instance("INSERT", {}, error, sqlite3.Error)


def _raised_from(error: Exception) -> Exception:
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("while saving") from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        _sqlite_full(),
        _wrapped(_sqlite_full()),
        sqlite3.OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        _raised_from(OSError(errno.ENOSPC, "No space left on device")),
        psycopg.errors.DiskFull("could not extend file"),
        _wrapped(psycopg.errors.DiskFull("could not extend file")),
    ],
    ids=repr,
)
def test_every_shape_of_a_full_disk_is_recognised(error: Exception) -> None:
    assert is_storage_full(error)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database is locked"),
        _wrapped(sqlite3.IntegrityError("UNIQUE constraint failed")),
        OSError(errno.EACCES, "Permission denied"),
        psycopg.errors.DeadlockDetected("deadlock"),
        RuntimeError("database or disk is full"),
    ],
    ids=repr,
)
def test_other_failures_are_not_taken_for_a_full_disk(error: Exception) -> None:
    assert not is_storage_full(error)
