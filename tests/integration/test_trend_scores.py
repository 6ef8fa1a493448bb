"""The trend line scored like a forecaster after resolution: its continuous Baseline over the
time it stood, its Peer against the community prediction, and the community's Baseline beside
it, stored apart from people's scores (checked against SCORING.md's formulas by hand)."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from flask import Flask
from sqlmodel import select

from forecast.core.distributions import resolution_bucket
from forecast.infra.clock import parse_iso, to_epoch
from forecast.infra.db import session_scope
from forecast.models import ReferenceScore, Score
from forecast.services.forecasts import submit_forecast
from forecast.services.questions.input import question_scale
from forecast.services.resolution.resolve import resolve
from forecast.services.trends.series import trend_of
from tests.integration.factories import World
from tests.integration.test_trend_method import straight_line


def test_the_trend_is_scored_like_a_forecaster_and_apart_from_people(any_app: Flask) -> None:
    world = World(any_app)
    question = world.question("numeric", opens=timedelta(days=-10), closes=timedelta(days=10))
    fran = world.user("fran")
    uniform = [0.998 * k / 200 for k in range(201)]
    with any_app.app_context(), session_scope() as session:
        submit_forecast(
            session=session,
            actor=fran,
            question_id=question.id,
            cdf=uniform,
            now=question.open_time + timedelta(days=1),
        )
    straight_line(world, question)  # attached now, half way through the window
    with any_app.app_context(), session_scope() as session:
        trend = trend_of(session, question)
        assert trend is not None
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,
            data={"value": 41},
            now=question.close_time + timedelta(days=1),
        )
        row = session.exec(select(ReferenceScore)).one()
        people = session.exec(select(Score)).all()
    assert [s.user_id for s in people] == [fran.id]  # the line is nobody's score row
    window = to_epoch(question.close_time) - to_epoch(question.open_time)
    line_cover = (to_epoch(question.close_time) - to_epoch(parse_iso(trend["updated_at"]))) / window
    b = resolution_bucket(41.0, question_scale(question))
    cdf = np.asarray(trend["cdf"])
    p_line = cdf[b] - cdf[b - 1]
    p_crowd = 0.998 / 200
    beta = (1 - 0.05 * 1) / 200  # one open bound
    assert row.method == "trend" and row.coverage == pytest.approx(line_cover, rel=1e-6)
    assert row.baseline == pytest.approx(line_cover * 100 * math.log(p_line / beta) / 2, rel=1e-6)
    assert row.crowd_baseline == pytest.approx(
        (19 / 20) * 100 * math.log(p_crowd / beta) / 2, rel=1e-6
    )
    # Peer with two standing: 100 * 2 * ln(p / sqrt(p * q)) / 2 = 50 ln(p / q), while both stand
    assert row.peer == pytest.approx(line_cover * 50 * math.log(p_line / p_crowd), rel=1e-6)
    assert row.baseline > row.crowd_baseline  # the line, sharp and right, beat the crowd


def test_the_question_page_says_whether_the_crowd_beat_the_line(app: Flask) -> None:
    from tests.conftest import make_user
    from tests.web.test_boundary_pages import login

    test_the_trend_is_scored_like_a_forecaster_and_apart_from_people(app)
    make_user(app, "reader")
    client = app.test_client()
    login(client, "reader")
    page = client.get("/questions/1").get_data(as_text=True)
    verdict = page[page.index('id="crowd-vs-line"') :]
    assert "Did the crowd beat the line?" in verdict and "<strong>No</strong>" in verdict


def test_the_seeds_attach_five_sourced_series(app: Flask) -> None:
    import os

    from forecast.models import TrendSeries
    from forecast.services.seeds import load_seeds

    seeds = os.path.join(os.path.dirname(__file__), "..", "..", "seeds")
    with app.app_context():
        lines = list(load_seeds(seeds))
        again = list(load_seeds(seeds))
        with session_scope() as session:
            series = session.exec(select(TrendSeries)).all()
    assert "trends.json: 5 trend series attached, 0 already present" in lines
    assert "trends.json: 0 trend series attached, 5 already present" in again
    assert len(series) == 5 and all('"source": "' in s.points for s in series)
