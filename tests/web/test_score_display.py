"""Scores on the pages: zero reads 0.0, and a cancelling Peer sum wins no medal."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.services.forecasts import submit_forecast
from forecast.services.resolution.resolve import resolve
from tests.integration.factories import World


def test_equal_forecasts_score_0_0_and_win_no_medal(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    question = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    with app.app_context(), session_scope() as session:
        for user in (ann, ben):
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.7)
        resolve(
            session=session,
            actor=world.organizer,
            question_id=question.id,  # type: ignore[arg-type]
            data={"outcome": "yes"},
        )
    pages = {
        "leaderboard": client.get("/tournaments/ai/leaderboard").data.decode(),
        "question": client.get(f"/questions/{question.id}").data.decode(),
        "profile": client.get("/users/ann").data.decode(),
    }
    for name, page in pages.items():
        assert "+0.0" not in page and "-0.0" not in page, name
        assert ">0.0<" in page, name
    board = client.get("/api/v1/tournaments/ai/leaderboard").get_json()["items"]
    assert [(e["score"], e["share"], e["medal"]) for e in board] == [(0.0, 0.0, None)] * 2
