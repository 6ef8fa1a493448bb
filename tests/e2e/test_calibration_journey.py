"""Calibration training in a real browser: five items, feedback after each, the summary."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.db import session_scope
from forecast.services.calibration import import_set
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e
ITEMS = [
    {
        "kind": "binary",
        "prompt": f"Statement {i} is true.",
        "answer": i % 2 == 0,
        "source": "test set",
    }
    for i in range(3)
] + [
    {
        "kind": "interval",
        "prompt": f"How many units is quantity {i}?",
        "unit": "units",
        "answer": 10 * (i + 1),
        "source": "test set",
    }
    for i in range(2)
]


def test_take_five_items_see_feedback_then_the_summary_chart(live_app: Any, page: Any) -> None:
    with live_app.app_context(), session_scope() as session:
        import_set(
            session=session,
            actor=None,
            system=True,
            document={
                "format": "forecast-calibration/1",
                "slug": "five",
                "title": "Five items",
                "items": ITEMS,
            },
        )
    make_user(live_app, "ann")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "ann")
    page.goto(f"{base}/calibration/five")
    for i in range(3):
        page.fill("#confidence", "80")
        page.click("#answer-true")
        page.wait_for_selector("#feedback")
        text = page.inner_text("#feedback")
        assert ("Right" if i % 2 == 0 else "Wrong") in text and "test set" in text
        assert "Brier score on this item: " in text
    shot(page, "20-calibration-binary-feedback")
    for bounds in (("5", "15"), ("0", "5")):
        page.fill("input[name=lower]", bounds[0])
        page.fill("input[name=upper]", bounds[1])
        page.click("#answer-interval")
        page.wait_for_selector("#feedback")
    assert "Wrong" in page.inner_text("#feedback")  # 20 is outside [0, 5]
    assert "Interval score: " in page.inner_text("#feedback")
    assert page.locator("#done").count() == 1
    page.goto(f"{base}/calibration/me")
    assert "svg" in page.inner_html(".columns")
    verdict = page.inner_text("#verdict")  # 80% sure, right 2 times of 3
    assert "overconfident by 13.3 points" in verdict
    assert "at 80.0% average confidence you were right 66.7% of the time" in verdict
    shot(page, "21-calibration-summary")
