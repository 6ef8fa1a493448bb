"""A leader's journey in a real browser: a blind ladder, one commit, the report and its exports,
a crossing with its reason, and the same pages on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import alerts
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
RUNGS = [("1", "Brief the board"), ("10", "Fund research"), ("30", "Change strategy")]


def _fill_ladder(page: Any, question_id: int) -> None:
    page.select_option("select[name=question]", str(question_id))
    for i, (threshold, action) in enumerate(RUNGS, start=1):
        page.fill(f"input[name=threshold_{i}]", threshold)
        page.fill(f"input[name=action_{i}]", action)
    page.fill("input[name=ladder]", "science")


def _fits(page: Any, width: int) -> None:
    """Assert the page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_blind_ladder_commit_report_and_a_crossing(live_app: Any, page: Any) -> None:
    world = World(live_app)
    question = world.question(title="Will an AI system make a major scientific discovery by 2036?")
    forecasters = [world.user(f"fc{i}") for i in range(3)]
    with live_app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.06)
    make_user(live_app, "lea", Role.LEADER)
    base = live_app.config["LIVE_URL"]

    log_in(page, base, "lea")
    page.goto(f"{base}/boundaries")
    _fill_ladder(page, question.id)
    page.select_option("select[name=event_kind]", "at_least")  # wrong for a binary question
    assert page.is_checked("input[name=blind]")
    page.click("#boundary-form button[type=submit]")
    # The mistake is named, its field marked, and everything typed is still there.
    page.wait_for_selector("#form-error")
    assert page.get_attribute("select[name=event_kind]", "aria-invalid") == "true"
    assert page.input_value("input[name=action_2]") == "Fund research"
    assert page.input_value("input[name=threshold_3]") == "30"
    assert page.input_value("select[name=question]") == str(question.id)
    page.select_option("select[name=event_kind]", "yes")
    shot(page, "10-boundary-ladder-form")
    page.click("#boundary-form button[type=submit]")
    page.wait_for_selector("text=Drafted 3 boundaries")

    page.goto(f"{base}/questions/{question.id}")
    assert page.locator("#aggregate-hidden").count() == 1  # blind: no peeking while drafting
    shot(page, "11-blind-question")

    # One action commits the whole ladder, after a confirmation that lists every rung.
    page.goto(f"{base}/boundaries")
    page.click("#my-boundaries a >> nth=0")
    page.click("#commit-button")
    assert page.locator("#confirm-list tbody tr").count() == 3
    page.click("#confirm-commit")
    page.wait_for_selector("#content-hash")
    assert re.fullmatch(r"[0-9a-f]{64}", page.inner_text("#content-hash"))
    page.goto(f"{base}/boundaries")
    statuses = page.locator("#my-boundaries .status").all_inner_texts()
    assert statuses == ["committed"] * 3
    page.goto(f"{base}/questions/{question.id}")
    assert page.locator("#aggregate-probability").count() == 1  # committed: now it shows

    page.goto(f"{base}/boundaries/report")
    verdicts = page.locator("#report .verdict").all_inner_texts()
    assert [v.lower() for v in verdicts] == ["crossed", "not crossed", "not crossed"]
    shot(page, "12-report-before")
    # Every export link works in this browser session, with its type and a file name.
    for link, mimetype in (("#export-csv", "text/csv"), ("#export-json", "application/json")):
        answer = page.request.get(base + page.get_attribute(link, "href"))
        assert answer.status == 200 and answer.headers["content-type"].startswith(mimetype)
        assert "filename=" in answer.headers["content-disposition"]
        assert "Fund research" in answer.text()

    with live_app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.2)
        alerts.run(session=session)
    page.reload()
    verdicts = page.locator("#report .verdict").all_inner_texts()
    assert [v.lower() for v in verdicts] == ["crossed", "crossed", "not crossed"]
    assert "Fund research" in page.locator("#report tbody tr").first.inner_text()
    shot(page, "13-report-after-crossing")
    page.click("#report a:has-text('Fund research')")
    assert "20.0% is at least the threshold 10.0%" in page.inner_text("#state-reason")
    assert "crossed" in page.inner_text("#changes")
    shot(page, "14-boundary-page")

    page.set_viewport_size(PHONE)
    for path, name in (
        (page.url, "15-boundary-phone"),
        (f"{base}/boundaries/report", "16-report-phone"),
    ):
        page.goto(path)
        _fits(page, PHONE["width"])
        shot(page, name)
    # On a phone each report row is a card whose cells name their column.
    assert page.locator("#report td[data-label=Now]").first.is_visible()
    page.goto(f"{base}/boundaries")
    _fits(page, PHONE["width"])
