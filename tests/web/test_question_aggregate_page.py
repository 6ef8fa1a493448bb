"""The community-prediction panel of the question page and its CSV download."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Question
from forecast.services.forecasts import submit_forecast
from tests.integration.factories import World


def seeded(app: Flask, qtype: str = "binary") -> Question:
    world = World(app)
    question = world.question(qtype)
    with app.app_context(), session_scope() as session:
        for i, name in enumerate(("ann", "ben", "cat")):
            user = world.user(name)
            if qtype == "binary":
                submit_forecast(
                    session=session, actor=user, question_id=question.id, probability=0.2 + 0.2 * i
                )
            else:
                submit_forecast(
                    session=session,
                    actor=user,
                    question_id=question.id,
                    quantiles=[[0.05, 10 + i], [0.5, 40 + i], [0.95, 80 + i]],
                )
    return question


def test_the_page_shows_the_chart_the_numbers_and_every_method(
    app: Flask, client: FlaskClient
) -> None:
    question = seeded(app)
    page = client.get(f"/questions/{question.id}").data.decode()
    assert '<svg class="chart"' in page and 'class="band"' in page
    assert 'id="aggregate-probability">40.0%' in page
    for method in ("unweighted", "geo_mean_odds", "track_record"):
        assert f"?method={method}#community" in page
    mean = client.get(f"/questions/{question.id}?method=mean").data.decode()
    assert 'class="active">Weighted mean' in mean


def test_an_empty_question_says_so(app: Flask, client: FlaskClient) -> None:
    question = World(app).question()
    assert b"No standing forecasts yet" in client.get(f"/questions/{question.id}").data


def test_a_continuous_question_shows_its_distribution_and_answers_p_at_most(
    app: Flask, client: FlaskClient
) -> None:
    question = seeded(app, "numeric")
    page = client.get(f"/questions/{question.id}?x=41").data.decode()
    assert "community median over time" in page and "Median" in page
    match = re.search(r"P\(X ≤ 41\) = <strong>([\d.]+)%</strong>; P\(X ≥ 41\) = ([\d.]+)%", page)
    assert match is not None
    below, above = float(match.group(1)), float(match.group(2))
    # Medians at 40, 41 and 42, the newest weighing most: just under half lies below 41.
    assert 45 < below < 50 and below + above == 100.0
    bad = client.get(f"/questions/{question.id}?x=lots").data.decode()
    assert "x must be a finite number" in bad


def test_the_history_downloads_as_csv(app: Flask, client: FlaskClient) -> None:
    question = seeded(app)
    response = client.get(f"/questions/{question.id}/aggregate.csv?method=unweighted")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [int(r["forecaster_count"]) for r in rows] == [1, 2, 3]
    assert (
        float(rows[-1]["probability"]) == 0.4000000000000001
        or abs(float(rows[-1]["probability"]) - 0.4) < 1e-12
    )


def test_a_hidden_aggregate_is_hidden_on_the_page_and_in_the_download(
    app: Flask, client: FlaskClient
) -> None:
    question = seeded(app)
    with app.app_context(), session_scope() as session:
        stored = session.get(Question, question.id)
        assert stored is not None
        stored.hide_aggregate_until_forecast = True
        session.add(stored)
        session.commit()
    page = client.get(f"/questions/{question.id}").data.decode()
    assert 'id="aggregate-hidden"' in page and "aggregate-probability" not in page
    assert client.get(f"/questions/{question.id}/aggregate.csv").status_code == 403


def test_the_chart_draws_the_bootstrap_interval_over_time(app: Flask, client: FlaskClient) -> None:
    question = seeded(app)
    page = client.get(f"/questions/{question.id}").data.decode()
    assert page.count('class="interval"') == 2 and "bootstrap interval" in page
    assert 'class="count"' in page and "3 forecasters</text>" in page


def test_date_axis_ticks_fall_on_new_years_days_and_the_chart_starts_at_the_first_forecast(
    app: Flask, client: FlaskClient
) -> None:
    # Opened twenty days ago, first forecast now: the history chart covers the last hour, not
    # twenty empty days; the density's ticks over 2026..2046 are every fifth New Year's day.
    world = World(app)
    question = world.question("date", opens=timedelta(days=-20))
    with app.app_context(), session_scope() as session:
        submit_forecast(
            session=session,
            actor=world.user("dee"),
            question_id=question.id,
            quantiles=[[0.05, "2028-01-01"], [0.5, "2036-01-01"], [0.95, "2044-01-01"]],
        )
    page = client.get(f"/questions/{question.id}").data.decode()
    ticks = re.findall(r'<text class="tick" x="[\d.]+" y="232" text-anchor="\w+">([^<]+)<', page)
    density, history = ticks[:4], ticks[4:]
    assert density == ["2030", "2035", "2040", "2045"]
    assert len(history) == 5 and len(set(history)) == 5
    assert all(re.fullmatch(r"\d\d-\d\d \d\d:\d\d", t) for t in history), history
    assert '<circle class="now"' in page
