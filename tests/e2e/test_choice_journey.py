"""A multiple-choice forecast in a real browser: the sliders keep 100%, a lock holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
LABELS = ["OpenAI", "Google DeepMind", "Anthropic", "Another lab"]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _numbers(page: Any) -> list[float]:
    return [float(page.input_value(f"input[name=p{i}]")) for i in range(len(LABELS))]


def _screens(page: Any, name: str, part: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.locator(part).scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"))
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}-page.png"), full_page=True)
    page.set_viewport_size(SIZES["desktop"])


def test_moving_one_option_rescales_the_others_and_a_locked_one_stays(
    live_app: Any, page: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    world = World(live_app)
    question = world.question(
        "multiple_choice", options=LABELS, title="Which lab first reaches 85% on ARC-AGI-2?"
    )
    for i, p in enumerate(([0.5, 0.3, 0.15, 0.05], [0.3, 0.4, 0.2, 0.1])):
        user = make_user(live_app, f"other{i}")
        with live_app.app_context(), session_scope() as session:
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probabilities=p,
                now=question.open_time + timedelta(hours=i + 1),
            )
    make_user(live_app, "ann")
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "ann")
    page.goto(f"{base}/questions/{question.id}")

    assert _numbers(page) == [25, 25, 25, 25]
    expect(page.locator("#choice-total")).to_have_text("100%")
    page.fill("input[name=p0]", "55")
    assert _numbers(page) == [55, 15, 15, 15]
    expect(page.locator("#choice-total")).to_have_text("100%")

    page.check("input.choice-lock[data-index='1']")
    page.locator("#p2-slider").fill("25")
    numbers = _numbers(page)
    assert numbers[1] == 15 and numbers[2] == 25
    assert sum(numbers) == pytest.approx(100)
    # The two free options gave up the 10 points in proportion: 55 : 15 of 70 became
    # 47.14 : 12.86 of 60, shown at one decimal.
    assert numbers[0] == pytest.approx(47.1) and numbers[3] == pytest.approx(12.9)
    expect(page.locator("#p1")).to_have_attribute("readonly", "")
    _screens(page, "choice-form", ".editor")

    page.click("#submit-forecast")
    expect(page.locator(".flash.success")).to_have_text("Forecast saved.")
    assert _numbers(page) == [47.1, 15, 25, 12.9]
    rows = page.locator("#aggregate-options tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("OpenAI")
    expect(rows.nth(0)).to_contain_text("47.1%")  # your own, beside the community's
    _screens(page, "choice-aggregate", "#community")
    # The question list shows the most likely option and where you stand.
    page.goto(f"{base}/questions")
    row = page.locator("tr", has_text="Which lab first reaches 85% on ARC-AGI-2?")
    expect(row.locator(".community-cell")).to_contain_text("OpenAI")
    expect(row.locator(".mine-cell")).to_contain_text("OpenAI 47.1%")
    _screens(page, "choice-list", "table")


def test_the_question_form_shows_the_options_editor_for_multiple_choice(
    live_app: Any, page: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    World(live_app)
    make_user(live_app, "olga", Role.ORGANIZER)
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "olga")
    page.goto(f"{base}/questions/new")
    expect(page.locator("#option-fields")).to_be_hidden()
    page.select_option("#question-type", "multiple_choice")
    expect(page.locator("#option-fields")).to_be_visible()
    expect(page.locator("#range-fields")).to_be_hidden()
    page.fill("input[name=title]", "Which lab first?")
    page.fill("textarea[name=resolution_criteria]", "Per the ARC Prize leaderboard.")
    page.fill("input[name=open_time]", "2026-01-01T00:00")
    page.fill("input[name=close_time]", "2040-01-01T00:00")
    page.fill("textarea[name=options]", "OpenAI\nAnthropic\nAnother lab")
    _screens(page, "choice-question-form", "#option-fields")
    page.click("#question-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Which lab first?")
    expect(page.locator(".schedule")).to_contain_text("OpenAI · Anthropic · Another lab")
