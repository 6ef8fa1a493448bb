"""A forecaster's first visit, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.services.resolution.resolve import resolve
from tests.e2e.conftest import log_in, shot
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def test_register_forecast_update_and_see_the_history(live_app: Any, page: Any) -> None:
    world = World(live_app)
    binary = world.question(title="Will a training run exceed 1e27 FLOP before 2029?")
    date_q = world.question("date", title="When will an open model match the frontier?")
    numeric_q = world.question("numeric", title="How many parameters will the largest model have?")
    base = live_app.config["LIVE_URL"]

    page.goto(f"{base}/register")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    shot(page, "01-register")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Welcome, alice")

    page.click("text=Log out")
    log_in(page, base, "alice", PASSWORD)
    shot(page, "02-home")

    page.goto(f"{base}/questions/{binary.id}")
    slider = page.locator("#probability-slider")
    slider.fill("35")
    assert page.input_value("#probability-number") == "35"
    shot(page, "03-binary-question")
    page.click("#submit-forecast")
    page.wait_for_selector("text=Forecast saved.")
    assert page.locator("#history td.value").first.inner_text() == "35.0%"

    page.locator("#probability-slider").fill("62.5")
    page.fill("textarea[name=rationale]", "A new scaling result.")
    page.click("#submit-forecast")
    page.wait_for_selector("text=Forecast saved.")
    values = page.locator("#history td.value").all_inner_texts()
    assert values == ["62.5%", "35.0%"]
    assert "A new scaling result." in page.locator("#history").inner_text()
    shot(page, "04-binary-history")

    page.goto(f"{base}/questions/{date_q.id}")
    page.fill("input[name=q5]", "2028-01-01")
    page.fill("input[name=q25]", "")
    page.fill("input[name=q50]", "2031-06-01")
    page.fill("input[name=q75]", "")
    page.fill("input[name=q95]", "2038-01-01")
    page.wait_for_selector("#density-preview polyline")
    shot(page, "05-date-question-preview")
    page.click("#submit-forecast")
    page.wait_for_selector("text=Forecast saved.")
    assert page.locator("#history td.value").first.inner_text() == "distribution"
    shot(page, "06-date-history")

    # The list shows the community prediction beside the forecaster's own.
    page.goto(f"{base}/questions")
    row = page.locator("tr", has_text="Will a training run exceed 1e27 FLOP before 2029?")
    assert row.locator("td.community-cell .value").inner_text() == "62.5%"
    assert row.locator("td.mine-cell").inner_text() == "62.5%"
    assert row.locator("td.community-cell svg.prob-bar rect.fill").get_attribute("width") == "62.5"
    date_row = page.locator("tr", has_text="When will an open model match the frontier?")
    assert date_row.locator("td.community-cell .value").inner_text().startswith("2031-")
    shot(page, "07-question-list")

    # The organizer resolves the question: the top bar counts it, the page names it.
    with live_app.app_context(), session_scope() as session:
        resolve(
            session=session,
            actor=world.organizer,
            question_id=binary.id,  # type: ignore[arg-type]
            data={"outcome": "yes"},
        )
    page.goto(f"{base}/")
    assert page.locator("#notifications-link .badge").inner_text() == "1"
    assert page.get_attribute("#notifications-link", "aria-label") == "Notifications, 1 unread"
    shot(page, "08-notifications-badge")
    page.click("#notifications-link")
    note = page.locator("#notifications li").first
    assert note.locator(".tag").first.inner_text().lower() == "unread"
    assert "resolved: “Will a training run exceed 1e27 FLOP before 2029?”" in note.inner_text()
    for name, size in (("desktop", (1280, 800)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        shot(page, f"08-notifications-{name}")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Seeing the list leaves it unread; marking it read clears the badge.
    assert page.locator("#notifications-link .badge").inner_text() == "1"
    note.get_by_role("button", name="Mark read").click()
    page.wait_for_load_state()
    assert page.locator("#notifications-link .badge").count() == 0
    assert page.locator("#notifications li.unread").count() == 0
    page.click("#notifications li a")
    page.wait_for_url(f"{base}/questions/{binary.id}")

    # A numeric forecast: the percentiles typed come back as typed.
    page.goto(f"{base}/questions/{numeric_q.id}")
    for name, value in (("q5", "4"), ("q25", ""), ("q50", "30"), ("q75", ""), ("q95", "90")):
        page.fill(f"input[name={name}]", value)
    page.click("#submit-forecast")
    page.wait_for_selector("text=Forecast saved.")
    assert [page.input_value(f"input[name={n}]") for n in ("q5", "q50", "q95")] == ["4", "30", "90"]

    # Withdrawing asks first, and the history labels the row.
    page.goto(f"{base}/questions/{date_q.id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#withdraw-form button")
    page.wait_for_selector("#history .withdrawn")
    assert "standing" not in page.inner_text("#history")

    # The track record counts the resolved question.
    page.goto(f"{base}/users/alice")
    assert "Will a training run exceed 1e27 FLOP before 2029?" in page.inner_text("main")
    shot(page, "09-track-record")

    # The main pages fit a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/questions", f"/questions/{numeric_q.id}", "/users/alice"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    shot(page, "09-question-phone")
