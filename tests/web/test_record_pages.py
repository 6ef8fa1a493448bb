"""Leaderboard and track-record pages, on the seeded demo world."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.services.scoring.resolver import score_all
from forecast.services.seeds import load_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def demo(app: Flask) -> None:
    with app.app_context():
        list(load_seeds(str(SEEDS), demo=True))
        with session_scope() as session:
            assert score_all(session=session) > 0


def test_the_leaderboards_rank_the_demo_forecasters(app: Flask, client: FlaskClient) -> None:
    demo(app)
    page = client.get("/tournaments/ai-retrospective/leaderboard").data.decode()
    assert 'id="leaderboard"' in page and page.count("demo-") >= 10
    assert client.get("/tournaments/ai-retrospective/leaderboard?format=csv").mimetype == "text/csv"
    assert 'id="leaderboard"' in client.get("/leaderboard").data.decode()
    assert client.get("/tournaments/nope/leaderboard").status_code == 404


def test_a_track_record_shows_calibration_and_the_brier_decomposition(
    app: Flask, client: FlaskClient
) -> None:
    demo(app)
    board = client.get("/api/v1/leaderboard").get_json()["items"]
    # The best-ranked forecaster with resolved binary forecasts (calibration is drawn from
    # those alone; who ranks first depends on the demo, not on this test).
    name = next(
        entry["user"]
        for entry in board
        if client.get(f"/api/v1/users/{entry['user']}/track-record").get_json()["calibration"]
    )
    page = client.get(f"/users/{name}").data.decode()
    assert 'class="chart calibration"' in page and "Reliability" in page
    assert 'id="scored"' in page and 'id="training"' in page
    assert client.get("/users/nobody-here").status_code == 404


def test_empty_states_explain_themselves(app: Flask, client: FlaskClient) -> None:
    assert b"Nobody has been scored yet" in client.get("/leaderboard").data


def test_a_user_downloads_their_own_forecasts_and_scores(app: Flask, client: FlaskClient) -> None:
    import csv
    import io

    from tests.conftest import PASSWORD

    demo(app)
    with app.app_context(), session_scope() as session:
        from forecast.services.accounts.users import get_user, set_password

        set_password(session=session, user=get_user(session, "demo-ada"), password=PASSWORD)
    assert client.get("/account/download/forecasts.csv").status_code == 302  # log in first
    client.post("/login", data={"username": "demo-ada", "password": PASSWORD})
    rows = list(
        csv.DictReader(io.StringIO(client.get("/account/download/forecasts.csv").data.decode()))
    )
    assert rows and {"question", "time", "probability"} <= set(rows[0])
    scores = client.get("/account/download/scores.json").get_json()
    assert scores and all(s["user"] == "demo-ada" for s in scores)
    assert client.get("/account/download/passwords.csv").status_code == 404


def test_the_score_chart_steps_at_each_resolution_and_names_the_question() -> None:
    from forecast.web.record_charts import cumulative_chart

    points = [
        {"at": "2026-01-01T00:00:00Z", "cumulative_peer": 10.0, "title": "Q1 <b>", "peer": 10.0},
        {"at": "2026-03-01T00:00:00Z", "cumulative_peer": -5.0, "title": "Q2", "peer": -15.0},
    ]
    svg = str(cumulative_chart(points))
    labels = re.findall(r'text-anchor="end">([+-]?\d+)</text>', svg)
    assert labels == ["-5", "0", "+10"]  # the low, zero and high lines; zero has no sign
    assert "<title>Q1 &lt;b&gt; (+10.0): total +10.0</title>" in svg
    assert "<title>Q2 (-15.0): total -5.0</title>" in svg
    line = re.search(r'class="line" points="([^"]+)"', svg)
    assert line is not None
    xy = [tuple(map(float, p.split(","))) for p in line.group(1).split()]
    # Flat from the first resolution until the second, then a vertical jump.
    assert xy[-2][0] == xy[-1][0] and xy[-2][1] == xy[-3][1]
    assert "after two resolved questions" in str(cumulative_chart(points[:1]))
