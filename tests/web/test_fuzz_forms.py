"""Property-based fuzzing of the web forms: odd input never breaks a page or half-saves.

Each form gets generated submissions: missing fields, arbitrary text and unicode, numbers as
strings, huge and non-finite values. A submission may be accepted or refused, but never with a
5xx, and a refused one leaves every table exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import SQLModel

from forecast.infra.db import get_engine, session_scope
from forecast.models import Role
from forecast.services import calibration
from forecast.services.accounts.users import create_user
from forecast.services.questions import lifecycle as questions
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import DATABASES, PASSWORD, app_on
from tests.integration.factories import question_data

# Derived data a page view may fill in; everything else must stay put on a refusal.
DERIVED_TABLES = {"aggregate_cache", "scheduler_leases"}
USERS = {
    "forecaster": Role.FORECASTER,
    "organizer": Role.ORGANIZER,
    "leader": Role.LEADER,
}
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG = settings(FUZZ, max_examples=100, derandomize=False)

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "nan",
        "NaN%",
        "inf",
        "-inf",
        "1e309",
        "-1e309",
        "1e-400",
        "0",
        "-1",
        "100",
        "101",
        "1,000",
        "\uff15\uff10",  # fullwidth digits
        "½",
        "50%%",
        "0x1p-2",
        "9" * 400,
        "x" * 30_000,
        "\x00",
        "a\x00b",
        "\u202e\u200b",
        "🙂" * 50,
        "<script>alert(1)</script>",
        "2026-13-45",
        "0001-01-01",
        "9999-12-31",
        "9999-12-31T23:59",
        "2026-01-01T00:00:00+14:00",
        "0000-00-00",
        "true",
        "on",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(min_value=0, max_value=100).map(lambda x: f"{x:.3g}"),
)
ANY_VALUE = st.one_of(ODD_TEXT, NUMBERS, st.text(max_size=60))


def values(*good: str) -> st.SearchStrategy[str]:
    """Mostly plausible values for a field, often odd ones."""
    return st.one_of(st.sampled_from(good), ANY_VALUE) if good else ANY_VALUE


def form(fields: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, str]]:
    """A submission with any subset of the fields (missing ones are simply not sent)."""
    return st.fixed_dictionaries({}, optional=fields)


@pytest.fixture(autouse=True)
def full_size_only_when_selected(request: pytest.FixtureRequest) -> None:
    """The long runs are marked `slow` and run only when selected (`-m slow`)."""
    if request.node.get_closest_marker("slow") and "slow" not in request.config.option.markexpr:
        pytest.skip("full size: select it with -m slow")


@dataclass
class Site:
    """A seeded app and the rows forms point at."""

    app: Flask
    ids: dict[str, int]
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def client(self, username: str | None = None) -> FlaskClient:
        """A fresh anonymous client, or the user's logged-in one (logged in once)."""
        if username is None:
            return self.app.test_client()
        if username not in self.clients:
            client = self.app.test_client()
            response = client.post("/login", data={"username": username, "password": PASSWORD})
            assert response.status_code == 302, response.data
            self.clients[username] = client
        return self.clients[username]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table that a refused form must not touch."""
        import forecast.models  # noqa: F401

        with get_engine(self.app).connect() as conn:
            return {
                table.name: sorted(
                    (
                        tuple(map(repr, row))
                        for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))
                    ),
                )
                for table in SQLModel.metadata.sorted_tables
                if table.name not in DERIVED_TABLES
            }


def _seed(app: Flask) -> Site:
    with app.app_context(), session_scope() as session:
        users = {
            name: create_user(session=session, username=name, password=PASSWORD, role=role)
            for name, role in USERS.items()
        }
        create_tournament(session=session, actor=users["organizer"], slug="ai", title="AI")
        made = {
            name: questions.create_question(
                session=session, actor=users["organizer"], data=question_data(qtype)
            ).id
            for name, qtype in (
                ("binary", "binary"),
                ("numeric", "numeric"),
                ("date", "date"),
                ("resolve_binary", "binary"),
                ("resolve_numeric", "numeric"),
                ("resolve_date", "date"),
            )
        }
        made["pending"] = questions.create_question(
            session=session, actor=users["forecaster"], data=question_data(tournament=None)
        ).id
        stored, _ = calibration.import_set(
            session=session,
            actor=users["organizer"],
            document={
                "format": "forecast-calibration/1",
                "slug": "tiny",
                "title": "Tiny",
                "items": [
                    {"kind": "binary", "prompt": f"Fact {n}?", "answer": True, "source": "s"}
                    for n in range(3)
                ]
                + [
                    {"kind": "interval", "prompt": f"Year {n}?", "answer": 2012, "source": "s"}
                    for n in range(3)
                ],
            },
        )
        item = calibration.next_item(session=session, user=users["forecaster"], slug=stored.slug)
        assert item is not None and item.id is not None
        made["item"] = item.id
    return Site(app=app, ids={k: int(v) for k, v in made.items() if v is not None})


@pytest.fixture(scope="module", params=DATABASES)
def site(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    """One seeded site per database, shared by the module's tests."""
    tmp_path = tmp_path_factory.mktemp("fuzz-forms")
    with app_on(request.param, request, sqlite_template, tmp_path) as app:
        yield _seed(app)


def _flashed_error(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return any(category == "error" for category, _ in session.get("_flashes", []))


def submit(
    site: Site,
    client: FlaskClient,
    path: str,
    data: dict[str, str],
    refused: Callable[[Any, FlaskClient], bool],
) -> Any:
    """Post the form; no 5xx; when the form is refused, no table changed."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)  # the redirect is never followed, so nothing read them
    before = site.snapshot()
    response = client.post(path, data=data)
    assert response.status_code < 500, (path, data, response.data[:500])
    if refused(response, client):
        assert site.snapshot() == before, (path, data)
    return response


def by_status(response: Any, client: FlaskClient) -> bool:
    return response.status_code >= 400


def by_flash(response: Any, client: FlaskClient) -> bool:
    return response.status_code >= 400 or _flashed_error(client)


QUESTION_FIELDS = {
    "type": values("binary", "numeric", "date"),
    "tournament": values("ai", "no-such"),
    "title": values("Will it happen?"),
    "description": values("Context."),
    "resolution_criteria": values("Per the source."),
    "source": values("https://example.org"),
    "open_time": values("2026-01-01T00:00", "2026-01-01"),
    "close_time": values("2030-01-01T00:00", "2030-01-01"),
    "resolve_time": values("2030-06-01T00:00", ""),
    "range_min": values("0", "2026-01-01"),
    "range_max": values("100", "2040-01-01"),
    "open_lower": values("on"),
    "open_upper": values("on"),
    "log_scale": values("on"),
    "zero_point": values("-1", "0"),
    "hide_aggregate_until_forecast": values("on"),
    "aggregate_reveal_time": values("2027-01-01T00:00"),
}


@dataclass(frozen=True)
class FormCase:
    """Who posts the form, where, with which fields, and how a refusal shows."""

    user: str | None
    path: Callable[[Site], str]
    fields: dict[str, st.SearchStrategy[str]]
    refused: Callable[[Any, FlaskClient], bool]


FORECAST_FIELDS = {
    "probability": values("30", "30%", "0.1", "99.9"),
    "rationale": values("because"),
    **{f"q{level}": values("10", "50", "90", "2030-01-01") for level in (5, 25, 50, 75, 95)},
}
RESOLVE_FIELDS = {
    "action": values("resolve", "unresolve"),
    "answer": values("yes", "no", "annulled", "42", "2031-05-01", "above_upper_bound"),
    "reason": values("Source corrected."),
}
BOUNDARY_FIELDS = {
    "question": values("1", "2", "3", "0", "-5"),
    "event_kind": values("yes", "before", "within", "at_least", "at_most"),
    "event_date": values("2030-01-01"),
    "event_years": values("5"),
    "event_value": values("50"),
    "comparator": values(">=", "<="),
    "method": values("recency_weighted", "mean", ""),
    "blind": values("on"),
    "shared": values("on"),
    "hysteresis": values("0", "2", "60"),
    "ladder": values("Ladder"),
    "threshold_1": values("10", "10%", "0"),
    "action_1": values("Act"),
    "rationale_1": values("Why"),
    "threshold_2": values("20"),
    "action_2": values("Act more"),
}


def _question_path(name: str, action: str) -> Callable[[Site], str]:
    return lambda site: f"/questions/{site.ids[name]}/{action}"


FORMS: dict[str, FormCase] = {
    "register": FormCase(
        None,
        lambda site: "/register",
        {
            "username": values("new-user", "forecaster"),
            "password": values(PASSWORD),
            "confirm": values(PASSWORD),
        },
        by_status,
    ),
    "login": FormCase(
        None,
        lambda site: "/login",
        {
            "username": values("forecaster"),
            "password": values(PASSWORD),
            "remember": values("on"),
        },
        by_status,
    ),
    "propose a question": FormCase(
        "forecaster", lambda site: "/questions/new", QUESTION_FIELDS, by_status
    ),
    "create a question": FormCase(
        "organizer", lambda site: "/questions/new", QUESTION_FIELDS, by_status
    ),
    "review a proposal": FormCase(
        "organizer",
        _question_path("pending", "review"),
        {
            "decision": values("approve", "return", "reject"),
            "comment": values("Thanks."),
            "tournament": values("ai", "nope"),
        },
        by_flash,
    ),
    "forecast binary": FormCase(
        "forecaster", _question_path("binary", "forecast"), FORECAST_FIELDS, by_flash
    ),
    "forecast numeric": FormCase(
        "forecaster", _question_path("numeric", "forecast"), FORECAST_FIELDS, by_flash
    ),
    "forecast date": FormCase(
        "forecaster", _question_path("date", "forecast"), FORECAST_FIELDS, by_flash
    ),
    "draft boundaries": FormCase("leader", lambda site: "/boundaries", BOUNDARY_FIELDS, by_flash),
    "resolve binary": FormCase(
        "organizer", _question_path("resolve_binary", "resolve"), RESOLVE_FIELDS, by_flash
    ),
    "resolve numeric": FormCase(
        "organizer", _question_path("resolve_numeric", "resolve"), RESOLVE_FIELDS, by_flash
    ),
    "resolve date": FormCase(
        "organizer", _question_path("resolve_date", "resolve"), RESOLVE_FIELDS, by_flash
    ),
    "answer a calibration item": FormCase(
        "forecaster",
        lambda site: "/calibration/tiny",
        {
            "item_id": values("1", "4", "999"),
            "kind": values("binary", "interval"),
            "answer": values("true", "false"),
            "confidence": values("50", "80", "99", "100"),
            "lower": values("2000", "2010"),
            "upper": values("2015", "2020"),
        },
        by_flash,
    ),
}


def _fuzz(site: Site, name: str, draw: st.DataObject) -> None:
    case = FORMS[name]
    data = draw.draw(form(case.fields), label="form")
    submit(site, site.client(case.user), case.path(site), data, case.refused)


@pytest.mark.parametrize("name", FORMS)
@given(draw=st.data())
@FUZZ
def test_odd_submissions_never_fail_or_half_save(
    site: Site, name: str, draw: st.DataObject
) -> None:
    _fuzz(site, name, draw)


@pytest.mark.slow
@pytest.mark.parametrize("name", FORMS)
@given(draw=st.data())
@LONG
def test_odd_submissions_never_fail_or_half_save_at_length(
    site: Site, name: str, draw: st.DataObject
) -> None:
    _fuzz(site, name, draw)
