"""Conditional pairs in a real browser: an organizer links a condition and an outcome, a
forecaster gives both branches in one form, and a leader reads a decision-relevant signpost on
the threshold report and the boundary page, at desktop and phone size."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as boundaries
from forecast.services.conditionals.create import create_pair
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_create_a_pair_and_forecast_both_branches(live_app: Any, page: Any) -> None:
    world = World(live_app)
    world.question(opens=timedelta(days=-1), title="Will a 1e27 FLOP run be reported by 2028?")
    world.question("date", opens=timedelta(days=-1), title="When will AI make a major discovery?")
    make_user(live_app, "olga", Role.ORGANIZER)
    make_user(live_app, "fay")
    base = live_app.config["LIVE_URL"]

    log_in(page, base, "olga")
    page.goto(f"{base}/organizer")
    page.click("#new-pair")
    page.select_option("#condition", label="Will a 1e27 FLOP run be reported by 2028?")
    page.select_option("#outcome", label="When will AI make a major discovery? (date)")
    shot(page, "60-new-conditional-pair")
    page.click("#create-pair")
    page.wait_for_selector("#branches")
    assert page.locator("#branches .branch").count() == 2
    pair_url = page.url
    page.context.clear_cookies()

    log_in(page, base, "fay")
    page.goto(pair_url)
    page.fill("#yes-p5", "2029-01-01")
    page.fill("#yes-p50", "2034-01-01")
    page.fill("#yes-p95", "2044-01-01")
    page.fill("#no-p5", "2045-01-01")  # out of order: refused, kept as typed
    page.fill("#no-p50", "2036-01-01")
    page.fill("#no-p95", "2044-06-01")
    page.click("#submit-both")
    page.wait_for_selector("#pair-error")
    assert page.input_value("#no-p5") == "2045-01-01"
    assert page.input_value("#yes-p50") == "2034-01-01"
    page.fill("#no-p5", "2030-01-01")
    page.click("#submit-both")
    page.wait_for_selector("text=Both forecasts saved")
    assert "no forecasts yet" not in page.inner_text("#branch-yes")
    shot(page, "61-pair-both-branches")
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])
    shot(page, "62-pair-phone")


def test_a_leader_sees_a_decision_relevant_signpost(live_app: Any, page: Any) -> None:
    world = World(live_app)
    outcome = world.question(opens=timedelta(days=-3), title="Transformative AI science by 2036?")
    quiet = world.question(opens=timedelta(days=-3), title="Will a new chip export rule pass?")
    loud = world.question(opens=timedelta(days=-3), title="Will a 1e27 FLOP run be reported?")
    leader = make_user(live_app, "lea", Role.LEADER)
    ann = world.user("ann")
    with live_app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=outcome.id or 0, probability=0.2)
        for condition, (p_s, p_yes, p_no) in ((quiet, (0.5, 0.4, 0.3)), (loud, (0.4, 0.35, 0.05))):
            pair = create_pair(
                session=session, actor=world.organizer, condition=condition.id, outcome=outcome.id
            )
            assert pair.yes is not None and pair.no is not None
            for qid, p in ((condition.id, p_s), (pair.yes.id, p_yes), (pair.no.id, p_no)):
                submit_forecast(session=session, actor=ann, question_id=qid or 0, probability=p)
        b = boundaries.create_boundary(
            session=session,
            actor=leader,
            data={
                "question": outcome.id,
                "action": "Start a safety hiring round",
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.1,
            },
        )
        boundaries.commit_boundary(session=session, actor=leader, boundary_id=b.id or 0)
    base = live_app.config["LIVE_URL"]

    log_in(page, base, "lea")
    page.goto(f"{base}/boundaries/report")
    rows = page.locator(f"#signposts-{b.id} tr.signpost")
    assert rows.count() == 2
    first = rows.nth(0)
    assert "Will a 1e27 FLOP run be reported?" in first.inner_text()
    assert "decision-relevant" in first.inner_text()
    assert "would fall below 10% if not S" in first.inner_text()
    assert "decision-relevant" not in rows.nth(1).inner_text()
    shot(page, "63-report-signposts")
    page.goto(f"{base}/boundaries/{b.id}")
    assert page.locator("#propose-signpost").count() == 1
    # t = 10%: now min(.1, .4 * .35 + .6 * .05 = .17) = .1; after .4 * .1 + .6 * .05 = .07.
    assert "3.0% of L" in page.inner_text(f"#signposts-{b.id}")
    shot(page, "64-boundary-signposts")
    # The leader names the quiet pair (a suggestion, one click away): it is listed first, named.
    page.get_by_role("button", name="Name Will a new chip export rule pass? as a signpost").click()
    assert "Signpost named." in page.inner_text("body")
    first = page.locator(f"#signposts-{b.id} tr.signpost").nth(0)
    assert "Will a new chip export rule pass?" in first.inner_text()
    assert "named" in first.locator(".signpost-kind").inner_text()
    # A question in no pair is refused by the form, with the message and the input kept.
    page.get_by_label("Condition question (id or key)").fill(str(outcome.id))
    page.get_by_role("button", name="Name as a signpost").click()
    assert "No conditional pair has" in page.inner_text("#signpost-error")
    assert page.get_by_label("Condition question (id or key)").input_value() == str(outcome.id)
    assert page.locator(".signpost-names li").count() == 1
    assert page.locator(".signpost-suggestions li").count() == 1
    from tests.e2e.test_accessibility import _violations

    assert _violations(page) == []  # the form with its refusal, named and suggested rows
    shot(page, "80-boundary-name-signposts")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/boundaries/{b.id}#named-signposts")
    _fits(page, PHONE["width"])
    shot(page, "81-boundary-name-signposts-phone")
    page.get_by_role("button", name="Remove the signpost Will a new chip export rule pass?").click()
    assert "Signpost removed." in page.inner_text("body")
    assert page.locator("#no-named-signposts").count() == 1
    page.goto(f"{base}/boundaries/report")
    _fits(page, PHONE["width"])
    shot(page, "65-report-signposts-phone")
