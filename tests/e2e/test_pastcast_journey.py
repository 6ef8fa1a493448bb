"""A pastcast in a real browser: from the training page to the reveal, on a desktop and a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot
from tests.integration.factories import World
from tests.integration.test_pastcast_intervals import resolved_continuous
from tests.integration.test_pastcasts import resolved

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 740}


def fits(page: Any) -> bool:
    """Tell whether the page needs no sideways scrolling."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_answer_a_pastcast_then_see_the_outcome_against_the_community(
    live_app: Any, page: Any
) -> None:
    question = resolved(World(live_app))
    make_user(live_app, "pat")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "pat")
    page.goto(f"{base}/calibration")
    assert "1 resolved question you have not forecast" in page.inner_text("#pastcasts")
    page.click("#start-pastcasts")
    page.wait_for_selector("#pastcast-form")
    assert page.inner_text("#pastcast-title") == question.title
    assert page.inner_text("#community-then") == "20.0%"
    assert page.inner_text("#forecasters-then") == "1"
    body = page.inner_text("main")
    assert "It resolved" not in body and "92.5%" not in body and "right side" not in body
    shot(page, "60-pastcast-desktop")
    page.set_viewport_size(PHONE)
    assert fits(page)
    shot(page, "61-pastcast-phone")
    # A value out of range is refused and stays typed.
    page.fill("#probability", "100")
    page.evaluate("document.getElementById('pastcast-form').noValidate = true")
    page.click("#answer-pastcast")
    page.wait_for_selector("#probability-error")
    assert page.input_value("#probability") == "100"
    page.fill("#probability", "80")
    page.click("#answer-pastcast")
    page.wait_for_selector("#reveal")
    assert "It resolved Yes" in page.inner_text("#reveal")
    assert "right side" in page.inner_text("#reveal")
    assert page.inner_text("#your-brier") == "0.040"
    assert page.inner_text("#community-brier") == "0.640"
    assert page.inner_text("#versus") == "better by 0.600"
    assert page.inner_text("#community-close").startswith("92.5%")
    assert fits(page)
    shot(page, "63-pastcast-reveal-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "62-pastcast-reveal-desktop")
    page.click("#next-pastcast")
    page.wait_for_selector("#no-pastcasts")
    page.goto(f"{base}/calibration/me")
    assert "Pastcasts answered" in page.inner_text("#pastcast-record")


def serious_violations(page: Any) -> list[str]:
    """Return the serious accessibility findings on the page (axe-core), as the pages' check."""
    pytest.importorskip("axe_playwright_python.sync_playwright")
    from tests.e2e.test_accessibility import _violations

    return _violations(page)


def test_answer_a_numeric_pastcast_with_a_90_percent_interval(live_app: Any, page: Any) -> None:
    question = resolved_continuous(World(live_app))
    make_user(live_app, "pia")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "pia")
    page.goto(f"{base}/calibration")
    page.click("#start-pastcasts")
    page.wait_for_selector("#pastcast-form")
    assert page.inner_text("#pastcast-title") == question.title
    assert page.inner_text("#community-then") == "30"
    assert page.inner_text("#community-interval-then") == "20 to 40"
    assert page.inner_text("#question-range").startswith("0 to 100")
    assert "It resolved" not in page.inner_text("main")
    shot(page, "64-pastcast-interval-desktop")
    page.set_viewport_size(PHONE)
    assert fits(page)
    shot(page, "65-pastcast-interval-phone")
    # Ends the wrong way round are refused; both stay as typed, the low one marked.
    page.fill("#lower", "90")
    page.fill("#upper", "55")
    page.click("#answer-pastcast")
    page.wait_for_selector("#interval-error")
    assert "lower must not exceed upper" in page.inner_text("#interval-error")
    assert page.input_value("#lower") == "90" and page.input_value("#upper") == "55"
    assert page.get_attribute("#lower", "aria-invalid") == "true"
    assert fits(page) and not serious_violations(page)
    shot(page, "66-pastcast-interval-refused-phone")
    page.fill("#lower", "55")
    page.fill("#upper", "90")
    page.click("#answer-pastcast")
    page.wait_for_selector("#reveal")
    assert "It resolved 72" in page.inner_text("#reveal")
    assert "a hit" in page.inner_text("#reveal")
    assert page.inner_text("#your-score") == "35"
    assert page.inner_text("#versus").startswith("better by 62")
    assert fits(page) and not serious_violations(page)
    shot(page, "67-pastcast-interval-reveal-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "68-pastcast-interval-reveal-desktop")
    page.goto(f"{base}/calibration/me")
    assert page.inner_text("#pastcast-interval-hits").startswith("100.0%")
    assert page.inner_text("#pastcast-interval-beat") == "1 of 1"
    shot(page, "69-pastcast-interval-record-desktop")


def test_answer_a_date_pastcast_with_dates_on_a_phone(live_app: Any, page: Any) -> None:
    question = resolved_continuous(World(live_app), "date")
    make_user(live_app, "pia")
    base = live_app.config["LIVE_URL"]
    page.set_viewport_size(PHONE)
    log_in(page, base, "pia")
    page.goto(f"{base}/calibration/pastcasts/{question.id}")
    page.wait_for_selector("#pastcast-form")
    assert page.inner_text("#question-range").startswith("2026-01-01 to 2046-01-01")
    assert page.get_attribute("#upper", "type") == "date"
    assert "(that whole day)" in page.inner_text("#pastcast-form")
    page.fill("#lower", "2030-06-01")
    page.fill("#upper", "2030-06-15")
    assert fits(page) and not serious_violations(page)
    shot(page, "70-pastcast-date-phone")
    page.click("#answer-pastcast")
    page.wait_for_selector("#reveal")
    assert "It resolved 2030-06-15" in page.inner_text("#reveal")
    assert "2030-06-01 to 2030-06-15: a hit" in page.inner_text("#reveal")
    assert page.inner_text("#your-score") == "15"  # days, the 15th taken in whole
    assert fits(page)
    shot(page, "71-pastcast-date-reveal-phone")
