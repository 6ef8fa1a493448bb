"""Calibration training in a real browser: five items, feedback after each, the certificate."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forecast.infra.db import session_scope
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
    # Items come in this person's own shuffled order: each is answered by what it asks.
    for _ in ITEMS:
        prompt = page.inner_text("#prompt")
        number = int(re.findall(r"\d+", prompt)[0])
        if prompt.startswith("Statement"):
            page.fill("#confidence", "80")
            page.click("#answer-true")
            page.wait_for_selector("#feedback")
            text = page.inner_text("#feedback")
            assert ("Right" if number % 2 == 0 else "Wrong") in text and "test set" in text
            assert "Brier score on this item: " in text
            shot(page, "20-calibration-binary-feedback")
        else:
            lower, upper = ("5", "15") if number == 0 else ("0", "5")
            page.fill("input[name=lower]", lower)
            page.fill("input[name=upper]", upper)
            page.click("#answer-interval")
            page.wait_for_selector("#feedback")
            text = page.inner_text("#feedback")
            # 10 is inside [5, 15]; 20 is outside [0, 5].
            assert ("Right" if number == 0 else "Wrong") in text
            assert "Interval score: " in text
    assert page.locator("#done").count() == 1
    page.goto(f"{base}/calibration")
    assert "5 of 5 answered" in page.inner_text(".cards")
    certificate = page.inner_text("#certificate")
    assert "47 more true/false answers and 18 more 90% intervals to earn" in certificate
    assert "not yet: 13.3 points overconfident" in certificate and "not yet: 50%" in certificate
    for name, size in (("desktop", (1280, 800)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        shot(page, f"22-calibration-sets-{name}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/calibration/me")
    assert "svg" in page.inner_html(".columns")
    verdict = page.inner_text("#verdict")  # 80% sure, right 2 times of 3
    assert "overconfident by 13.3 points" in verdict
    assert "at 80.0% average confidence you were right 66.7% of the time" in verdict
    shot(page, "21-calibration-summary")


BADGE_ITEMS = [
    {
        "kind": "binary",
        "prompt": f"Statement {i} is true.",
        "answer": i % 10 != 0,  # 45 of 50 true
        "source": "test set",
    }
    for i in range(50)
] + [
    {
        "kind": "interval",
        "prompt": f"How many units is quantity {i}?",
        "unit": "units",
        "answer": 10 * (i + 1),
        "source": "test set",
    }
    for i in range(20)
]


def test_a_forecaster_answers_a_whole_set_and_earns_the_certificate(
    live_app: Any, page: Any
) -> None:
    with live_app.app_context(), session_scope() as session:
        import_set(
            session=session,
            actor=None,
            system=True,
            document={
                "format": "forecast-calibration/1",
                "slug": "badge",
                "title": "A whole set",
                "items": BADGE_ITEMS,
            },
        )
    make_user(live_app, "ann")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "ann")
    page.goto(f"{base}/calibration/badge")
    # "True" at 90% for every statement is right 45 times of 50: calibrated. Eighteen of the
    # twenty intervals hold their answer: a 90% hit rate.
    for _ in BADGE_ITEMS:
        prompt = page.inner_text("#prompt")
        number = int(re.findall(r"\d+", prompt)[0])
        if prompt.startswith("Statement"):
            page.fill("#confidence", "90")
            page.click("#answer-true")
        else:
            upper = 10 * (number + 1) + 1 if number < 18 else 1
            page.fill("input[name=lower]", "0")
            page.fill("input[name=upper]", str(upper))
            page.click("#answer-interval")
        page.wait_for_selector("#feedback")
        nxt = page.locator("a#next, button#next")
        if nxt.count():
            nxt.first.click()
        else:
            page.goto(f"{base}/calibration/badge")
    assert page.locator("#done").count() == 1
    page.goto(f"{base}/calibration")
    assert "Certified calibrated" in page.inner_text("#certificate")
    page.goto(f"{base}/users/ann")
    assert "certified calibrated" in page.inner_text("main").lower()
    shot(page, "23-calibration-certified")
