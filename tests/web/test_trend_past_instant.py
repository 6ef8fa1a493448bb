"""The trend at a past instant: a series attached after `?at=` (or none at all) gives the trend
"no value" on the threshold report (page, JSON, CSV) and the aggregate API, never an error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import session_scope, write
from forecast.models import Question, Role
from forecast.services.forecasts import submit_forecast
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World
from tests.integration.test_trend_method import boundary, straight_line
from tests.web.test_boundary_pages import login

DAY = timedelta(days=1)


def _crowd(app: Flask, question: Question, name: str) -> None:
    fran = make_user(app, name)
    with app.app_context(), session_scope() as session:
        if question.type == "date":
            submit_forecast(
                session=session,
                actor=fran,
                question_id=question.id,
                quantiles=[[0.05, "2027-01-01"], [0.5, "2030-01-01"], [0.95, "2040-01-01"]],
                now=utcnow() - 5 * DAY,
            )
        else:
            cdf = [0.998 * k / 200 for k in range(201)]
            submit_forecast(
                session=session,
                actor=fran,
                question_id=question.id,
                cdf=cdf,
                now=utcnow() - 5 * DAY,
            )


def _date_series(world: World, question: Question) -> None:
    from forecast.services.trends.series import attach_series

    now = utcnow()
    points = [
        {"date": format_iso(now - k * 365 * DAY), "value": 2.0 ** (8 - k), "source": "a table"}
        for k in range(4)
    ]
    with world.app.app_context(), session_scope() as session:
        attach_series(
            session=session,
            actor=world.organizer,
            question_id=question.id or 0,
            data={"points": points, "fit": "log_linear", "level": 4096},
        )


def test_a_past_report_shows_no_trend_before_the_series_was_attached(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    lined = world.question("numeric", opens=-10 * DAY)
    dated = world.question("date", opens=-10 * DAY)
    bare = world.question("numeric", opens=-10 * DAY)
    for k, question in enumerate((lined, dated, bare)):
        _crowd(app, question, f"fran{k}")
    straight_line(world, lined)  # attached now: after every past instant asked about below
    _date_series(world, dated)
    lea = make_user(app, "lea", Role.LEADER)
    event = {"kind": "at_least", "value": 45}
    on_trend = boundary(world, lea, lined, event=event, threshold=0.2, method="trend")
    on_crowd = boundary(world, lea, lined, event=event, threshold=0.2)
    by_date = {"kind": "before", "date": format_iso(utcnow() + 1000 * DAY)}
    on_dated = boundary(world, lea, dated, event=by_date, threshold=0.2, method="trend")
    on_bare = boundary(world, lea, bare, event=event, threshold=0.2)
    past = format_iso(utcnow() - 3 * DAY)

    api = Api(client, make_token(app, lea))
    answer = api.get(f"/boundaries/report?at={past}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    rows = {r["id"]: r for r in answer.get_json()}
    assert rows[on_trend]["probability"] is None  # the line was not known then
    assert rows[on_dated]["probability"] is None
    assert rows[on_crowd]["by_method"]["trend"] is None
    assert rows[on_crowd]["probability"] is not None  # the crowd's own value stands
    assert rows[on_bare]["by_method"]["trend"] is None  # no series at all
    now_rows = {r["id"]: r for r in api.get("/boundaries/report").get_json()}
    assert now_rows[on_trend]["probability"] is not None  # and today the line stands

    login(client, "lea")
    page = client.get(f"/boundaries/report?at={past}")
    assert page.status_code == 200
    assert client.get(f"/boundaries/report?at={past}&format=csv").status_code == 200
    assert client.get(f"/boundaries/{on_trend}").status_code == 200

    for question in (lined, dated):
        old = api.get(f"/questions/{question.id}/aggregate?method=trend&at={past}")
        assert old.status_code == 200, old.get_data(as_text=True)
        body: dict[str, Any] = old.get_json()
        assert body["cdf"] is None and body["forecaster_count"] == 0
        assert body["trend"]["since"] > past
    missing = api.get(f"/questions/{bare.id}/aggregate?method=trend&at={past}")
    assert missing.status_code == 422


def test_a_series_attached_after_the_commit_leaves_the_early_verdicts_without_a_trend(
    app: Flask, client: FlaskClient
) -> None:
    from forecast.services.resolution.resolve import resolve

    world = World(app)
    question = world.question("numeric", opens=-10 * DAY)
    _crowd(app, question, "fran")
    lea = make_user(app, "lea", Role.LEADER)
    event = {"kind": "at_least", "value": 45}
    on_crowd = boundary(world, lea, question, event=event, threshold=0.2)
    straight_line(world, question)  # after the commit: the first samples knew no line
    with app.app_context(), session_scope() as session:
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id or 0,
            data={"value": 50},
        )
    api = Api(client, make_token(app, lea))
    answer = api.get("/boundaries/report")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    row = next(r for r in answer.get_json() if r["id"] == on_crowd)
    assert row["decision_outcome"] is not None
    login(client, "lea")
    assert client.get(f"/boundaries/{on_crowd}").status_code == 200
    assert client.get("/boundaries/report").status_code == 200


def test_a_stored_series_that_no_longer_fits_its_question_gives_no_trend(
    app: Flask, client: FlaskClient
) -> None:
    from forecast.models import TrendSeries

    world = World(app)
    dated = world.question("date", opens=-10 * DAY)
    _crowd(app, dated, "fran")
    _date_series(world, dated)
    lea = make_user(app, "lea", Role.LEADER)
    by_date = {"kind": "before", "date": format_iso(utcnow() + 1000 * DAY)}
    on_crowd = boundary(world, lea, dated, event=by_date, threshold=0.2)
    with app.app_context(), session_scope() as session, write(session):
        stored = session.get(TrendSeries, dated.id)
        assert stored is not None
        stored.level = -1.0  # a log-linear line never reaches it: no reference forecast
        session.add(stored)
    api = Api(client, make_token(app, lea))
    for at in ("", f"?at={format_iso(utcnow() - 3 * DAY)}"):
        answer = api.get(f"/boundaries/report{at}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        row = next(r for r in answer.get_json() if r["id"] == on_crowd)
        assert row["by_method"]["trend"] is None and row["probability"] is not None
    missing = api.get(f"/questions/{dated.id}/aggregate?method=trend")
    assert missing.status_code == 422
