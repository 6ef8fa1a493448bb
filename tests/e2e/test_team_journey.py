"""A team's private tournament in a real browser: an organizer makes a team, adds a member by
name, makes an invitation link and a private tournament with a question; an outsider sees none
of it anywhere; a person who opens the link joins and sees it; the team page fits a phone."""

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
TITLE = "Will the lab eval suite be saturated by 2027?"


def _local(delta: timedelta) -> str:
    return (utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def _as(page: Any, base: str, name: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, name)


def test_a_private_tournament_is_seen_by_members_and_invisible_to_outsiders(
    live_app: Any, page: Any
) -> None:
    for name, role in (("olga", Role.ORGANIZER), ("mia", Role.FORECASTER)):
        make_user(live_app, name, role)
    make_user(live_app, "otto", Role.ORGANIZER)
    make_user(live_app, "nina")
    base = live_app.config["LIVE_URL"]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    _as(page, base, "olga")
    page.goto(f"{base}/teams")
    assert page.locator("text=You are not in any team yet").is_visible()
    page.fill("input[name=name]", "Safety Lab <script>alert(1)</script>")
    page.fill("input[name=slug]", "safety-lab")
    page.click("text=Create team")
    page.wait_for_selector("text=Team created. You are its owner.")
    page.fill("input[name=username]", "mia")
    page.click("text=Add or change")
    page.wait_for_selector("#members >> text=mia")
    page.click("text=Make a link")
    invite = page.input_value("#invite-link")
    assert "/teams/join/" in invite
    shot(page, "team-page")

    page.goto(f"{base}/tournaments/new")
    page.fill("input[name=slug]", "lab-evals")
    page.fill("input[name=title]", "Lab evals (private)")
    page.select_option("select[name=team]", "safety-lab")
    page.click("section.card button[type=submit]")
    page.wait_for_selector("#private-to")
    page.goto(f"{base}/questions/new")
    page.select_option("select[name=tournament]", "lab-evals")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=resolution_criteria]", "Per the lab's dashboard.")
    page.fill("input[name=open_time]", _local(timedelta(hours=-1)))
    page.fill("input[name=close_time]", _local(timedelta(days=60)))
    page.click("#question-form button[type=submit]")
    page.wait_for_selector(f"h1:has-text('{TITLE}')")
    question_url = page.url

    # A site organizer outside the team: nothing anywhere, and 404 on the addresses.
    _as(page, base, "otto")
    page.goto(f"{base}/tournaments")
    assert page.locator("text=Lab evals").count() == 0
    page.goto(f"{base}/questions?search=saturated")
    assert page.locator(f"text={TITLE}").count() == 0
    for url in (question_url, f"{base}/tournaments/lab-evals", f"{base}/teams/safety-lab"):
        assert page.goto(url).status == 404
    shot(page, "team-outsider-404")

    # The member sees it on the tournament list and the question page.
    _as(page, base, "mia")
    page.goto(f"{base}/tournaments")
    page.click("text=Lab evals (private)")
    page.wait_for_selector(f"text={TITLE}")

    # Whoever opens the invitation link joins and sees it too.
    _as(page, base, "nina")
    page.goto(invite)
    page.click("button:has-text('Join')")
    page.wait_for_selector("text=You joined")
    page.goto(question_url)
    page.wait_for_selector(f"h1:has-text('{TITLE}')")

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/teams/safety-lab")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "team-page-phone")
    page.goto(f"{base}/teams")
    shot(page, "teams-phone")
    assert dialogs == []
