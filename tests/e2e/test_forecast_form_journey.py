"""The question page's percentile form in a real browser: a mistake keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
WIDE = {"min": 0, "max": 1000, "open_lower": False, "open_upper": True}
BOXES = ("q5", "q25", "q50", "q75", "q95")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _boxes(page: Any) -> list[str]:
    return [page.input_value(f"input[name={name}]") for name in BOXES]


def _screens(page: Any, name: str) -> None:
    """Keep the editor at desktop and phone size as test artifacts."""
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.locator(".editor").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"))
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}-page.png"), full_page=True)
    page.set_viewport_size(SIZES["desktop"])


def test_a_bad_percentile_keeps_the_rest_and_the_fix_comes_back_as_typed(
    live_app: Any, page: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    question = World(live_app).question("numeric", range=WIDE, title="Largest training run?")
    make_user(live_app, "ann")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "ann")
    page.goto(f"{base}/questions/{question.id}")

    typed = {"q5": "4", "q25": "12", "q50": "3O", "q75": "100", "q95": "300"}
    for name, value in typed.items():
        page.fill(f"input[name={name}]", value)
    page.fill("textarea[name=rationale]", "Compute keeps doubling.")
    page.click("#submit-forecast")

    wrong = page.locator("input[name=q50]")
    expect(wrong).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q50-error")).to_have_text("“3O” is not a number.")
    expect(page.locator("#forecast-error")).to_have_text(
        "Not saved. 50th percentile: “3O” is not a number."
    )
    assert _boxes(page) == list(typed.values())
    expect(page.locator("#preview-status")).to_have_text("“3O” is not a number.")
    assert page.input_value("textarea[name=rationale]") == "Compute keeps doubling."
    assert page.locator("[aria-invalid=true]").count() == 1
    _screens(page, "forecast-form-refused")

    page.fill("input[name=q50]", "30")
    page.click("#submit-forecast")
    expect(page.locator(".flash.success")).to_have_text("Forecast saved.")
    assert _boxes(page) == ["4", "12", "30", "100", "300"]
    assert page.locator("[aria-invalid=true]").count() == 0
    _screens(page, "forecast-form-saved")

    # Withdrawing asks first; dismissed, nothing changes; accepted, the history says so.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#withdraw-form button")
    expect(page.locator("#history")).to_contain_text("standing")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#withdraw-form button")
    expect(page.locator(".flash.success")).to_have_text("Forecast withdrawn.")
    expect(page.locator("#history .withdrawn")).to_have_text("withdrawn")
    _screens(page, "forecast-form-withdrawn")


def test_a_date_forecast_shows_its_days_as_typed(live_app: Any, page: Any) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    question = World(live_app).question("date", title="When will an open model match it?")
    make_user(live_app, "ann")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "ann")
    page.goto(f"{base}/questions/{question.id}")
    assert _boxes(page) == ["2028-01-01", "2033-01-01", "2036-01-01", "2039-01-01", "2044-01-01"]
    typed = {"q5": "2027-03-15", "q25": "", "q50": "2029-01-01", "q75": "", "q95": "2035-07-04"}
    for name, value in typed.items():
        page.fill(f"input[name={name}]", value)
    expect(page.locator("#density-preview polyline")).to_have_count(1)
    page.click("#submit-forecast")
    expect(page.locator(".flash.success")).to_have_text("Forecast saved.")
    assert _boxes(page) == list(typed.values())
    _screens(page, "forecast-form-date")
