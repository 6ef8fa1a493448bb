"""The threshold report names the trend line and best at your threshold in words, says on the
page what each is, and marks the trend as a reference that does not vote in the verdict."""

from __future__ import annotations

import numpy as np
from flask import Flask
from flask.testing import FlaskClient

from forecast.core.distributions import cdf_at
from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.forecasts import submit_forecast
from forecast.services.questions.input import question_scale
from forecast.services.trends.series import trend_of
from tests.conftest import make_user
from tests.integration.factories import World
from tests.integration.test_trend_method import boundary, straight_line
from tests.web.test_boundary_pages import login


def test_the_report_labels_and_explains_the_trend_and_best_at_threshold(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question("numeric")
    straight_line(world, question)
    fran = make_user(app, "fran")
    with app.app_context(), session_scope() as session:
        cdf = [0.998 * k / 200 for k in range(201)]
        submit_forecast(session=session, actor=fran, question_id=question.id, cdf=cdf)
    lea = make_user(app, "lea", Role.LEADER)
    boundary(world, lea, question, event={"kind": "at_least", "value": 45}, threshold=0.2)
    login(client, "lea")
    page = client.get("/boundaries/report").get_data(as_text=True)
    row = page[page.index('class="trend-reference"') :]
    with app.app_context(), session_scope() as session:
        trend = trend_of(session, question)
        assert trend is not None
        below = float(cdf_at(np.asarray(trend["cdf"]), question_scale(question), 45.0))
    # the line's P(X >= 45), shown in words and marked as not voting
    assert row.startswith(f'class="trend-reference">trend line: <strong>{100 * (1 - below):.1f}%')
    assert "(reference, no vote)" in row[:200]
    assert 'Trend line (reference) <span class="muted">(no vote)</span></dt>' in page
    notes = page[page.index('id="method-notes"') :]
    assert "<strong>Trend line</strong>: the line fitted" in notes
    assert "does not vote in the verdict" in notes
    assert "<strong>Best at your threshold</strong>: the forecasters weighted" in notes
    # the crowd's six methods judge the verdict; the line is beside them
    assert "6 of 6</strong> methods cross" in page
    # and the range is theirs: fran's uniform CDF gives P(X >= 45) = 1 - 0.998 * 0.45 = 55.1%
    assert "range 55.1\u201355.1%" in page


def test_an_empty_report_has_no_method_notes(app: Flask, client: FlaskClient) -> None:
    make_user(app, "lea", Role.LEADER)
    login(client, "lea")
    page = client.get("/boundaries/report").get_data(as_text=True)
    assert "No committed boundary to report" in page and 'id="method-notes"' not in page
