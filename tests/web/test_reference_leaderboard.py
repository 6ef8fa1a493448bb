"""The trend line's row on a tournament leaderboard (page, CSV, API): totals of its reference
scores weighted like people's, over the questions the viewer may see; no rank, no prize, and
nobody's rank moves because of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope, write
from forecast.models import Question, ReferenceScore
from forecast.services.forecasts import submit_forecast
from forecast.services.records.leaderboards import tournament_board
from forecast.services.resolution.resolve import resolve
from forecast.services.teams import membership
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import Api, make_token, make_user
from tests.integration.factories import World


def _scored(world: World, question: Question, people: list[tuple[Any, float]]) -> None:
    """Each person's CDF (0 to 100, open above) on the question, then resolve it at 50."""
    with world.app.app_context(), session_scope() as session:
        for user, top in people:
            cdf = [top * k / 200 for k in range(201)]
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                cdf=cdf,
                now=question.open_time + timedelta(hours=1),
            )
        resolve(
            session=session, actor=world.organizer, question_id=question.id or 0, data={"value": 50}
        )


def _reference(app: Flask, rows: list[tuple[Question, float, float | None, float, float]]) -> None:
    """Store the trend line's (baseline, peer, coverage, crowd_baseline) on each question."""
    with app.app_context(), session_scope() as session, write(session):
        for question, baseline, peer, coverage, crowd in rows:
            session.add(
                ReferenceScore(
                    question_id=question.id or 0,
                    method="trend",
                    baseline=baseline,
                    peer=peer,
                    coverage=coverage,
                    crowd_baseline=crowd,
                )
            )


def _ranks(app: Flask, slug: str, viewer: Any) -> list[tuple[int, str, float]]:
    with app.app_context(), session_scope() as session:
        board = tournament_board(session=session, slug=slug, viewer=viewer)
    return [(e["rank"], e["user"], e["score"]) for e in board["entries"]]


def test_the_trend_line_is_summed_beside_the_board_without_a_rank(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    ann, bob = make_user(app, "ann"), make_user(app, "bob")
    light = world.question("numeric")
    heavy = world.question("numeric")
    secret = world.question("numeric", hide_aggregate_until_forecast=True)
    with app.app_context(), session_scope() as session, write(session):
        stored = session.get(Question, heavy.id)
        assert stored is not None
        stored.weight = 2.0
    for question in (light, heavy, secret):
        _scored(world, question, [(ann, 0.99), (bob, 0.5)])
    # a team's question moved into the public tournament: the board never counts it
    with app.app_context(), session_scope() as session:
        membership.create_team(session=session, actor=world.organizer, slug="lab", name="Lab")
        create_tournament(
            session=session, actor=world.organizer, slug="lab-t", title="Lab", team="lab"
        )
    lab = world.question("numeric", tournament="lab-t")
    before = _ranks(app, "ai", ann)
    assert [name for _, name, _ in before] == ["ann", "bob"]

    _reference(
        app,
        [
            (light, 10.0, -4.0, 0.5, 12.0),
            (heavy, 20.0, 3.0, 1.0, 15.0),
            (secret, 500.0, 500.0, 1.0, 400.0),
            (lab, 1000.0, 1000.0, 1.0, 900.0),
        ],
    )
    with app.app_context(), session_scope() as session, write(session):
        moved = session.get(Question, lab.id)
        assert moved is not None
        moved.tournament_id = world.tournament.id
    assert _ranks(app, "ai", ann) == before  # people's ranks and totals unchanged

    zed = Api(client, make_token(app, make_user(app, "zed")))  # never forecast: secret hidden
    body = zed.get("/tournaments/ai/leaderboard").get_json()
    assert [(e["rank"], e["user"]) for e in body["items"]] == [(r, n) for r, n, _ in before]
    (line,) = body["reference"]
    # light (weight 1) and heavy (weight 2): Peer -4 + 2 * 3, coverage 0.5 + 2 * 1,
    # Baseline 10 + 2 * 20 and the community's 12 + 2 * 15
    assert line["user"] == "Trend line (reference)" and line["questions"] == 2
    assert line["score"] == pytest.approx(2.0) and line["coverage"] == pytest.approx(2.5)
    assert line["baseline"] == pytest.approx(50.0)
    assert line["crowd_baseline"] == pytest.approx(42.0)
    assert line["rank"] is None and line["prize"] is None and line["share"] is None
    # ann forecast the secret question, so she sees its line too (the lab's never)
    mine = Api(client, make_token(app, ann)).get("/tournaments/ai/leaderboard").get_json()
    assert mine["reference"][0]["score"] == pytest.approx(502.0)
    assert mine["reference"][0]["questions"] == 3
    assert [e["user"] for e in mine["items"]] == ["ann", "bob"]

    csv_rows = zed.get("/tournaments/ai/leaderboard?format=csv").get_data(as_text=True)
    lines = csv_rows.splitlines()
    assert lines[0] == "rank,user,score,coverage,questions,take,share,prize,medal"
    assert lines[-1] == ',Trend line (reference),2.0,2.5,2,,,,"a reference line: no rank, no prize"'
    assert [row.split(",")[1] for row in lines[1:-1]] == ["ann", "bob"]

    page = client.get("/tournaments/ai/leaderboard").get_data(as_text=True)
    row = page[page.index('class="reference-row"') :]
    assert "no rank" in row and "Trend line (reference)" in row and "no prize" in row
    assert "+2.0" in row  # its Peer sum, signed
    assert "takes no rank and no prize" in page
    assert 'class="reference-row"' not in client.get("/tournaments/lab-t/leaderboard").get_data(
        as_text=True
    )  # an outsider does not find the team's board at all (404 page)


def test_a_board_without_reference_scores_has_no_reference_row(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    ann, bob = make_user(app, "ann"), make_user(app, "bob")
    _scored(world, world.question("numeric"), [(ann, 0.99), (bob, 0.5)])
    body = Api(client).get("/tournaments/ai/leaderboard").get_json()
    assert body["reference"] == [] and len(body["items"]) == 2
    assert "reference-row" not in client.get("/tournaments/ai/leaderboard").get_data(as_text=True)
