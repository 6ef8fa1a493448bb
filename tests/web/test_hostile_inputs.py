"""Hostile input gets a 4xx in the error shape, never a 500, and leaves every table as it was.

Lone surrogates and bytes that are not UTF-8 in any text, JSON nested 100,000 deep, odd query
values and over-long addresses; on the API (JSON) and on the pages (HTML forms).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import SQLModel

from forecast.http.url_limit import MAX_TARGET
from forecast.infra.db import get_engine, session_scope
from forecast.models import Role
from tests.conftest import PASSWORD, Api, make_user
from tests.integration.factories import question_data

# Derived data a request may fill in; every other table must stay as it was.
DERIVED_TABLES = {"aggregate_cache", "scheduler_leases"}
LONE = "a\\ud800b"  # JSON text: the escape of half a UTF-16 pair, without its other half
NOT_UTF8 = b"a\xed\xa0\x80b"  # the same half pair, encoded as (invalid) UTF-8 bytes
DEEP = [b"[" * 100_000, b'{"a":' * 50_000, b'{"probability": 0.4, "x": ' + b"[" * 100_000]


@dataclass
class Site:
    """An app with a tournament, a binary and a numeric question with forecasts, and users."""

    app: Flask
    client: FlaskClient
    organizer: Api
    forecaster: Api
    leader: Api
    binary: int
    numeric: int

    def api(self, who: str | None) -> Api:
        """The named user's API client, or an anonymous one."""
        return Api(self.client) if who is None else getattr(self, who)


@pytest.fixture
def site(app: Flask, client: FlaskClient, api_as: Any) -> Site:
    from forecast.services.accounts.users import get_user
    from forecast.services.tournaments.catalog import create_tournament

    organizer: Api = api_as("olga", Role.ORGANIZER)
    with app.app_context(), session_scope() as session:
        create_tournament(session=session, actor=get_user(session, "olga"), slug="ai", title="AI")
    binary = organizer.post("/questions", json=question_data()).get_json()["id"]
    numeric = organizer.post("/questions", json=question_data("numeric")).get_json()["id"]
    forecaster: Api = api_as("fran")
    assert forecaster.post(f"/questions/{binary}/forecasts", json={"probability": 0.3})
    quantiles = {"quantiles": [[0.1, 10], [0.5, 20], [0.9, 50]]}
    assert forecaster.post(f"/questions/{numeric}/forecasts", json=quantiles).status_code == 201
    return Site(app, client, organizer, forecaster, api_as("lea", Role.LEADER), binary, numeric)


def row_counts(app: Flask) -> dict[str, int]:
    """Count the rows of every table a refused request must not touch."""
    import forecast.models  # noqa: F401

    with get_engine(app).connect() as conn:
        return {
            table.name: conn.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in DERIVED_TABLES
        }


def refused(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """Check a JSON refusal: its status and the one error shape; return the error."""
    assert response.status_code == status, (response.status_code, response.data[:300])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, body
    if field is not None:
        assert body["error"]["field"] == field, body
    return body["error"]


def post_raw(api: Api, path: str, body: bytes) -> Any:
    headers = {**api._headers(), "Content-Type": "application/json"}
    return api.client.post(f"/api/v1{path}", data=body, headers=headers)


def _question_body(title: str) -> str:
    return json.dumps(question_data(title="TITLE")).replace("TITLE", title)


def _boundary_body(site: Site, action: str) -> str:
    body = {"question": site.binary, "action": "ACTION", "event": {"kind": "yes"}}
    return json.dumps({**body, "threshold": 0.1}).replace("ACTION", action)


# (who, path, JSON text with a lone surrogate, the field named)
SURROGATES: list[tuple[str | None, Any, Any, str]] = [
    (None, "/register", f'{{"username": "{LONE}", "password": "{PASSWORD}"}}', "username"),
    (None, "/register", f'{{"username": "alice", "password": "{PASSWORD}{LONE}"}}', "password"),
    (None, "/tokens", f'{{"username": "{LONE}", "password": "{PASSWORD}"}}', "username"),
    (None, "/tokens", f'{{"username": "fran", "password": "{LONE}"}}', "password"),
    (
        "forecaster",
        lambda s: f"/questions/{s.binary}/forecasts",
        f'{{"probability": 0.4, "rationale": "{LONE}"}}',
        "rationale",
    ),
    ("organizer", "/questions", lambda s: _question_body(LONE), "title"),
    ("leader", "/boundaries", lambda s: _boundary_body(s, LONE), "action"),
    ("forecaster", "/calibration/sets", f'{{"slug": "{LONE}"}}', "slug"),
]


@pytest.mark.parametrize("who,path,body,field", SURROGATES)
def test_a_lone_surrogate_in_any_json_text_is_refused_and_nothing_changes(
    site: Site, who: str | None, path: Any, body: Any, field: str
) -> None:
    path = path(site) if callable(path) else path
    body = body(site) if callable(body) else body
    before = row_counts(site.app)
    error = refused(post_raw(site.api(who), path, body.encode()), 422, field)
    assert "surrogate" in error["message"]
    # The same half pair sent as raw bytes is not UTF-8: the body is refused as malformed.
    raw = body.replace(LONE, "LONE").encode().replace(b"LONE", NOT_UTF8)
    refused(post_raw(site.api(who), path, raw), 400)
    assert row_counts(site.app) == before


def test_a_lone_surrogate_in_a_key_or_a_list_is_found_while_a_pair_is_kept(site: Site) -> None:
    before = row_counts(site.app)
    path = f"/questions/{site.binary}/forecasts"
    body = f'{{"probability": 0.4, "{LONE}": 1}}'.encode()
    refused(post_raw(site.forecaster, path, body), 422)
    body = _question_body("ok").replace('"type"', f'"tags": ["{LONE}"], "type"').encode()
    refused(post_raw(site.organizer, "/questions", body), 422, "tags[0]")
    assert row_counts(site.app) == before
    # Both halves of a pair make one character (an emoji), which is stored as sent.
    body = b'{"probability": 0.4, "rationale": "rocket \\ud83d\\ude80"}'
    response = post_raw(site.forecaster, path, body)
    assert response.status_code == 201 and response.get_json()["rationale"] == "rocket \U0001f680"


DEEP_TARGETS = [
    (None, "/register"),
    (None, "/tokens"),
    ("forecaster", "/questions/1/forecasts"),
    ("organizer", "/questions"),
    ("leader", "/boundaries"),
    ("organizer", "/calibration/sets"),
]


def test_json_nested_100000_deep_is_a_400_while_brackets_in_text_are_text(site: Site) -> None:
    before = row_counts(site.app)
    for who, path in DEEP_TARGETS:
        for body in DEEP:
            error = refused(post_raw(site.api(who), path, body), 400)
            assert "nests deeper" in error["message"], (path, body[:20])
    assert row_counts(site.app) == before
    rationale = '["\\' + "[{" * 2000  # brackets, a quote and a backslash inside a string
    path = f"/questions/{site.binary}/forecasts"
    response = site.forecaster.post(path, json={"probability": 0.4, "rationale": rationale})
    assert response.status_code == 201, response.get_json()


ODD_AGGREGATE_QUERIES = [
    "x=nan",
    "x=inf",
    "x=-inf",
    "x=1e400",
    "at=nan",
    "at=1e400",
    "method=bogus",
    "method=",
    "before=nan",
    "x=%ED%A0%80",
]


def test_odd_aggregate_query_values_are_a_4xx(site: Site) -> None:
    for query in ODD_AGGREGATE_QUERIES:
        for question in (site.numeric, site.binary):
            response = site.client.get(f"/api/v1/questions/{question}/aggregate?{query}")
            assert 400 <= response.status_code < 500, (question, query, response.data[:200])
            refused(response, response.status_code)


ODD_LIST_QUERIES = [
    "/api/v1/questions?page=nan",
    "/api/v1/questions?per_page=1e400",
    "/api/v1/questions?page=1e400",
    "/api/v1/questions?per_page=nan",
    "/api/v1/questions?search=%ED%A0%80",
    "/api/v1/questions/2/aggregate/history?page=nan",
    "/api/v1/questions/2/aggregate/history?per_page=1e400",
]


def test_odd_list_query_values_are_a_4xx(site: Site) -> None:
    for path in ODD_LIST_QUERIES:
        response = site.client.get(path)
        assert 400 <= response.status_code < 500, (path, response.data[:200])
        refused(response, response.status_code)


def test_an_address_that_is_not_utf8_is_a_400(site: Site) -> None:
    raw_path = "/api/v1/tournaments/a\xed\xa0\x80b"  # WSGI paths are bytes held in latin-1
    response = site.client.get("/", environ_overrides={"PATH_INFO": raw_path})
    refused(response, 400, "path")


def _page_client(site: Site, username: str | None = None) -> FlaskClient:
    client = site.app.test_client()
    if username:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302
    return client


def _form(client: FlaskClient, path: str, body: bytes) -> Any:
    return client.post(
        path, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )


@pytest.mark.parametrize(
    "path,body",
    [
        ("/register", b"username=a%ED%A0%80b&password=correct+horse+battery&confirm=x"),
        ("/register", b"username=alice&password=correct%ED%A0%80horse+battery"),
        ("/login", b"username=a%ED%A0%80b&password=correct+horse+battery"),
        ("/login", b"username=fran&password=\xed\xa0\x80"),
    ],
)
def test_form_bytes_that_are_not_utf8_are_a_400_page(site: Site, path: str, body: bytes) -> None:
    before = row_counts(site.app)
    response = _form(_page_client(site), path, body)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert b"not valid UTF-8" in response.data
    assert row_counts(site.app) == before


def test_the_question_form_refuses_bytes_that_are_not_utf8(site: Site) -> None:
    from urllib.parse import urlencode

    client = _page_client(site, "olga")
    fields = {k: v for k, v in question_data().items() if isinstance(v, str)}
    body = urlencode(fields).encode().replace(b"title=A", b"title=%ED%A0%80A")
    before = row_counts(site.app)
    response = _form(client, "/questions/new", body)
    assert response.status_code == 400 and b"title is not valid UTF-8" in response.data
    assert row_counts(site.app) == before
    assert _form(client, "/questions/new", urlencode(fields).encode()).status_code == 302


def test_an_address_over_the_limit_is_a_414_in_the_error_shape(site: Site) -> None:
    long_query = "search=" + "a" * MAX_TARGET
    error = refused(site.client.get(f"/api/v1/questions?{long_query}"), 414, "path")
    assert error["code"] == "uri_too_long"
    before = row_counts(site.app)
    response = site.forecaster.post(
        f"/questions/{site.binary}/forecasts?{long_query}", json={"probability": 0.6}
    )
    refused(response, 414)
    assert row_counts(site.app) == before
    page = site.client.get(f"/questions?{long_query}", headers={"Accept": "text/html"})
    assert page.status_code == 414 and page.mimetype == "text/html"
    assert site.client.get(f"/api/v1/questions?search={'a' * 100}").status_code == 200


@pytest.mark.parametrize(
    "path", ["/questions", "/admin/users", "/notifications", "/tournaments/ai", "/"]
)
def test_a_page_number_past_any_integer_is_an_empty_page_not_a_500(
    site: Site, app: Flask, path: str
) -> None:
    make_user(app, "root", Role.ADMIN)
    client = app.test_client()
    client.post("/login", data={"username": "root", "password": PASSWORD})
    for raw in ("99999999999999999999", "-5", "1e9", "nan"):
        response = client.get(f"{path}?page={raw}")
        assert response.status_code == 200, (path, raw, response.status_code)


def test_an_api_page_past_the_bound_is_a_422(site: Site) -> None:
    refused(site.client.get("/api/v1/questions?page=99999999999999999999"), 422, "page")
