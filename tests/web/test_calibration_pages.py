"""The calibration page: each set's count of answered items and how far the certificate is."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.services import calibration as training
from tests.conftest import make_user
from tests.integration.test_calibration_training import load_shipped
from tests.web.test_pages import login


def test_the_page_counts_each_sets_items_and_says_how_far_the_certificate_is(
    app: Flask, client: FlaskClient
) -> None:
    load_shipped(app)
    ann = make_user(app, "ann")
    login(client, "ann")
    page = client.get("/calibration").data.decode()
    assert "built-in method" not in page
    assert "0 of 57 answered" in page and "0 of 45 answered" in page
    assert "50 more true/false answers and 20 more 90% intervals</strong> to earn" in page
    assert page.count("nothing answered yet") == 2
    with app.app_context(), session_scope() as session:
        for _ in range(38):
            item = training.next_item(session=session, user=ann, slug="ai-progress")
            assert item is not None
            data = (
                {"answer": item.answer_bool, "confidence": 0.6}
                if item.kind == "binary"
                else {"lower": item.answer_value, "upper": item.answer_value}
            )
            training.answer(session=session, user=ann, item_id=item.id or 0, data=data)
        record = training.summary(session=session, user=ann)
    binary, intervals = record["binary"]["answered"], record["interval"]["answered"]
    assert binary + intervals == 38
    page = client.get("/calibration").data.decode()
    assert "38 of 57 answered" in page
    needed = f"{50 - binary} more true/false answers and {20 - intervals} more 90% interval"
    assert needed in page
    # Always right at 60%: 40 points underconfident; every interval held its answer.
    assert "not yet: 40.0 points underconfident" in page and "not yet: 100%" in page
