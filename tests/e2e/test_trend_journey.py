"""The trend line in a real browser: an organizer attaches a series through the form (a wrong
line first: named, and the text kept), the question page shows the line and its doubling time,
a leader's boundary on the question reads the trend and best at your threshold on the report,
and a resolved boundary looks back on its decision; desktop and phone screenshots."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.e2e.conftest import ARTIFACTS, log_in, shot
from tests.integration.factories import World
from tests.integration.test_retrospective import resolved_boundaries
from tests.integration.test_threshold_trust import track_records

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# x4 every calendar year: the compute behind frontier models doubling every six months
GOOD = """date,value,source
2021-01-01,1e23,Epoch AI notable models (2024)
2022-01-01,4e23,Epoch AI notable models (2024)
2023-01-01,1.6e24,Epoch AI notable models (2024)
2024-01-01,6.4e24,Epoch AI notable models (2024)
"""
WRONG = GOOD.replace("2023-01-01,1.6e24", "2023-01-01,1.6e24 FLOP")


def _fits(page: Any, width: int) -> None:
    """Assert the page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _artifact(name: str) -> str:
    """Return where an element's screenshot is kept, beside the full-page ones."""
    return str(ARTIFACTS / f"{name}.png")


def _log_out(page: Any, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/")


def test_a_series_the_trend_on_the_report_and_looking_back(live_app: Any, page: Any) -> None:
    world = World(live_app)
    lea = make_user(live_app, "lea", Role.LEADER)
    # A resolved binary question with two forecasters and two of lea's boundaries on it.
    _, _, (looked_back, _) = resolved_boundaries(world, "yes", lea)
    question = world.question(
        "numeric",
        title="How much training compute will the largest model of 2026 use (FLOP)?",
        range={"min": 1e22, "max": 1e28, "zero_point": 0, "open_lower": False, "open_upper": True},
    )
    good, bad = track_records(world)  # three resolved questions each: whom to trust
    with live_app.app_context(), session_scope() as session:
        for k, person in enumerate((good, bad)):
            cdf = [(0.9 + 0.09 * k) * j / 200 for j in range(201)]
            submit_forecast(session=session, actor=person, question_id=question.id, cdf=cdf)
    make_user(live_app, "olga", Role.ORGANIZER)
    base = live_app.config["LIVE_URL"]

    # The organizer attaches the series: a wrong line is named and the text is kept.
    log_in(page, base, "olga")
    page.goto(f"{base}/questions/{question.id}")
    page.click("#trend a:has-text('Attach a series')")
    page.fill("#points_text", WRONG)
    page.select_option("#fit", "log_linear")
    page.click("#series-form button[type=submit]")
    page.wait_for_selector("#series-error")
    assert "line 4" in page.inner_text("#series-error")
    assert "1.6e24 FLOP" in page.inner_text("#series-error")
    assert page.input_value("#points_text").strip() == WRONG.strip()
    assert page.get_attribute("#points_text", "aria-invalid") == "true"
    shot(page, "trend-01-series-form-error")
    page.fill("#points_text", GOOD)
    page.click("#series-form button[type=submit]")
    page.wait_for_selector("#doubling-time")
    assert page.inner_text("#doubling-time") == "6.0 months"
    assert page.locator("#trend svg").count() >= 1
    assert page.locator("#trend-points tbody tr").count() == 4
    assert "Epoch AI notable models (2024)" in page.inner_text("#trend-points")
    page.locator("#trend").screenshot(path=_artifact("trend-02-question-trend-desktop"))
    shot(page, "trend-03-question-page-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])
    page.locator("#trend").screenshot(path=_artifact("trend-04-question-trend-phone"))
    page.set_viewport_size(DESKTOP)
    _log_out(page, base)

    # The leader sets a boundary on the question and reads the trend on the report.
    log_in(page, base, "lea")
    page.goto(f"{base}/boundaries")
    page.select_option("select[name=question]", str(question.id))
    page.select_option("select[name=event_kind]", "at_least")
    page.fill("input[name=event_value]", "1e25")
    page.fill("input[name=threshold_1]", "30")
    page.fill("input[name=action_1]", "Fund a compute-governance team")
    page.uncheck("input[name=blind]")
    page.click("#boundary-form button[type=submit]")
    page.wait_for_selector("text=Drafted")
    page.click("#my-boundaries a:has-text('Fund a compute-governance team')")
    page.click("#commit-button")
    page.click("#confirm-commit")
    page.wait_for_selector("#content-hash")
    page.goto(f"{base}/boundaries/report")
    row = page.locator("#report tbody tr", has_text="Fund a compute-governance team")
    assert "trend line:" in row.inner_text() and "reference, no vote" in row.inner_text()
    notes = page.inner_text("#method-notes")
    assert "Trend line: the line fitted" in notes and "does not vote in the verdict" in notes
    assert "Best at your threshold: the forecasters weighted" in notes
    row.locator("summary:has-text('by method')").click()
    by_method = row.locator(".by-method").inner_text()
    assert "Trend line (reference)" in by_method
    assert "Best at your threshold" in by_method
    assert "best at your threshold:" in row.inner_text()
    shot(page, "trend-05-report-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])
    shot(page, "trend-06-report-phone")
    page.set_viewport_size(DESKTOP)

    # A resolved boundary looks back: how the decision went and how early it was crossed.
    page.goto(f"{base}/boundaries/{looked_back}")
    page.wait_for_selector("#retrospective")
    assert "Hit: the boundary stood crossed" in page.inner_text("#decision-outcome")
    assert page.inner_text("#lead-time") == "First crossed 5.0 days before the question resolved."
    assert page.locator("#verdict-history tbody tr").count() == 8
    page.locator("#retrospective").screenshot(path=_artifact("trend-07-looking-back-desktop"))
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])
    page.locator("#retrospective").screenshot(path=_artifact("trend-08-looking-back-phone"))


def test_the_leaderboard_shows_the_trend_line_apart(live_app: Any, page: Any) -> None:
    from tests.web.test_reference_leaderboard import _reference, _scored

    world = World(live_app)
    ann, bob = make_user(live_app, "ann"), make_user(live_app, "bob")
    question = world.question("numeric")
    _scored(world, question, [(ann, 0.99), (bob, 0.5)])
    _reference(live_app, [(question, 12.5, -3.25, 0.75, 20.0)])
    base = live_app.config["LIVE_URL"]
    page.goto(f"{base}/tournaments/ai/leaderboard")
    ranked = page.locator("#leaderboard tbody:not(.reference-rows) tr").all_inner_texts()
    assert [row.split("\t")[:2] for row in ranked] == [["1", "ann"], ["2", "bob"]]
    line = page.inner_text("#leaderboard .reference-row")
    assert line.split("\t")[:3] == ["no rank", "Trend line (reference)", "-3.2"]
    assert "no prize" in line
    assert "takes no rank and no prize" in page.inner_text("#reference-note")
    shot(page, "trend-09-leaderboard-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])
    shot(page, "trend-10-leaderboard-phone")
