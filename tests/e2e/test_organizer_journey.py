"""An organizer's journey in a real browser, through the pages only: a tournament, a question,
a forecaster's proposal reviewed, an edit, an early close, a confirmed resolution, the scores and
the leaderboard; then the organizer's pages on a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from forecast.infra.clock import utcnow
from forecast.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TITLE = "Will an open-weights model top the Chatbot Arena by 2028?"


def _local(delta: timedelta) -> str:
    """A datetime-local value (UTC) delta from now."""
    return (utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def _new_question(page: Any, base: str, title: str, tournament: str | None) -> None:
    page.goto(f"{base}/questions/new")
    if tournament is not None:
        page.select_option("select[name=tournament]", tournament)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=resolution_criteria]", "Per the leaderboard's published ranking.")
    page.fill("input[name=open_time]", _local(timedelta(hours=-1)))
    page.fill("input[name=close_time]", _local(timedelta(days=60)))
    page.click("#question-form button[type=submit]")


def _forecast(page: Any, base: str, question_url: str, percent: str) -> None:
    page.goto(f"{base}{question_url}")
    page.fill("#probability-number", percent)
    page.click("#submit-forecast")
    page.wait_for_selector("text=Forecast saved.")


def _fits(page: Any) -> None:
    """Assert the page does not scroll sideways on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_slug_pattern_is_a_valid_pattern_in_chromium(live_app: Any, page: Any) -> None:
    make_user(live_app, "olga", Role.ORGANIZER)
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "olga")
    page.goto(f"{base}/tournaments/new")
    slug = page.locator("input[name=slug]")
    slug.fill("Not A Slug")
    # Chromium compiles pattern with the v flag and ignores one that does not compile.
    assert slug.evaluate("el => el.validity.patternMismatch") is True
    slug.fill("ai-2031")
    assert slug.evaluate("el => el.validity.valid") is True


def test_an_organizer_runs_a_question_from_start_to_leaderboard(live_app: Any, page: Any) -> None:
    for name, role in (
        ("olga", Role.ORGANIZER),
        ("fran", Role.FORECASTER),
        ("gus", Role.FORECASTER),
    ):
        make_user(live_app, name, role)
    base = live_app.config["LIVE_URL"]
    browser = page.context.browser
    log_in(page, base, "olga")

    # A tournament, then a question in it, from the organizer console.
    page.goto(f"{base}/organizer")
    page.click("text=New tournament")
    page.fill("input[name=slug]", "ai-2031")
    page.fill("input[name=title]", "AI by 2031")
    page.click("button:has-text('Create')")
    page.wait_for_url(f"{base}/tournaments/ai-2031")
    page.goto(f"{base}/organizer")
    page.click("text=New question")
    _new_question(page, base, TITLE, "ai-2031")
    page.wait_for_selector("text=Question created.")
    question_url = page.url.removeprefix(base)

    # Two forecasters, in their own browser sessions: one proposes a question, both forecast.
    others = []
    for name, percent in (("fran", "70"), ("gus", "20")):
        context = browser.new_context(viewport=DESKTOP)
        other = context.new_page()
        log_in(other, base, name)
        _forecast(other, base, question_url, percent)
        others.append(context)
    fran = others[0].pages[0]
    _new_question(fran, base, "Will a lab publish a 1e27 FLOP training run by 2029?", None)
    fran.wait_for_selector("text=your question waits for an organizer's review")
    proposal_url = fran.url.removeprefix(base)

    # The organizer reviews the proposal from the console and approves it into the tournament.
    page.goto(f"{base}/organizer")
    page.click("section:has(#section-pending) a:has-text('Review')")
    page.select_option("#review select[name=tournament]", "ai-2031")
    page.click("#review button[value=approve]")
    page.wait_for_selector("text=Review recorded; the proposer has been notified.")
    page.goto(f"{base}/organizer")
    shot(page, "41-organizer-console-desktop")
    page.set_viewport_size(PHONE)
    _fits(page)
    shot(page, "42-organizer-console-phone")
    page.set_viewport_size(DESKTOP)

    # Editing once people have forecast: the wording may change, the meaning may not.
    page.goto(f"{base}{question_url}")
    shot(page, "40-organizer-question-desktop")
    page.click("#edit-question")
    page.wait_for_selector("#edit-rules:has-text('People have forecast on this question')")
    assert page.is_disabled("select[name=type]")
    assert page.is_disabled("textarea[name=resolution_criteria]")
    page.fill("input[name=title]", TITLE.replace("top", "rank first on"))
    page.fill("input[name=reason]", "clearer wording")
    page.click("#question-form button[type=submit]")
    page.wait_for_selector("text=Saved; the question's history records the change (title).")
    assert "edited by olga: title; clearer wording" in page.inner_text(".audit")

    # Closing early asks first, then stops forecasts.
    page.click("#close-early")
    page.wait_for_selector("h1:has-text('Close this question now?')")
    page.fill("input[name=reason]", "the ranking was published early")
    page.click("#confirm-close")
    page.wait_for_selector("text=Closed: the question takes no more forecasts.")
    assert page.get_attribute("[data-status]", "data-status") == "closed"
    assert "(in " not in page.inner_text("#close-time")

    # Resolving asks for confirmation; nothing is saved before it.
    page.select_option("#resolve select[name=answer]", "yes")
    page.click("#resolve-button")
    page.wait_for_selector("#confirm-answer:has-text('YES')")
    page.click("#confirm-resolve")
    page.wait_for_selector("text=Resolved; 2 forecasters scored.")
    scores = page.locator("#scores tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in scores] == ["fran", "gus"]

    # The leaderboard: fran's positive Peer score takes the whole prize and gold.
    page.goto(f"{base}/tournaments/ai-2031/leaderboard")
    rows = page.locator("#leaderboard tbody tr").all_inner_texts()
    assert rows[0].startswith("1\tfran") and rows[0].endswith("100.0%\tgold")
    assert "gold" not in rows[1] and "+0.0" not in "".join(rows)

    # The organizer's pages on a phone: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    for path in (
        "/organizer",
        question_url,
        f"{proposal_url}/edit",
        f"{proposal_url}/close",
        "/tournaments/new",
        "/questions/new",
        "/tournaments/ai-2031",
        "/tournaments/ai-2031/leaderboard",
    ):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        _fits(page)
    page.goto(f"{base}{question_url}")
    shot(page, "43-organizer-question-phone")
    for context in others:
        context.close()
