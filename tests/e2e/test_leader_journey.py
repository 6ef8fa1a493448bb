"""A leader's journey in a real browser: a blind ladder, commit, the report, a crossing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forecast.db import session_scope
from forecast.models import Role
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot
from tests.integration.factories import World

pytestmark = pytest.mark.e2e


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
    page.select_option("select[name=question]", str(question.id))
    for i, (threshold, action) in enumerate(
        [("1", "Brief the board"), ("10", "Fund research"), ("30", "Change strategy")], start=1
    ):
        page.fill(f"input[name=threshold_{i}]", threshold)
        page.fill(f"input[name=action_{i}]", action)
    page.fill("input[name=ladder]", "science")
    assert page.is_checked("input[name=blind]")
    shot(page, "10-boundary-ladder-form")
    page.click("#boundary-form button[type=submit]")
    page.wait_for_selector("text=Drafted 3 boundaries")

    page.goto(f"{base}/questions/{question.id}")
    assert page.locator("#aggregate-hidden").count() == 1  # blind: no peeking while drafting
    shot(page, "11-blind-question")

    page.goto(f"{base}/boundaries")
    links = page.locator("#my-boundaries a").all()
    hrefs = [link.get_attribute("href") for link in links]
    for href in hrefs:
        page.goto(f"{base}{href}")
        page.click("#commit-button")
        page.wait_for_selector("#content-hash")
        assert re.fullmatch(r"[0-9a-f]{64}", page.inner_text("#content-hash"))
    page.goto(f"{base}/questions/{question.id}")
    assert page.locator("#aggregate-probability").count() == 1  # committed: now it shows

    page.goto(f"{base}/boundaries/report")
    verdicts = page.locator("#report .verdict").all_inner_texts()
    assert [v.lower() for v in verdicts] == ["crossed", "not crossed", "not crossed"]
    shot(page, "12-report-before")

    with live_app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.2)
    page.reload()
    verdicts = page.locator("#report .verdict").all_inner_texts()
    assert [v.lower() for v in verdicts] == ["crossed", "crossed", "not crossed"]
    assert "Fund research" in page.locator("#report tbody tr").first.inner_text()
    shot(page, "13-report-after-crossing")
