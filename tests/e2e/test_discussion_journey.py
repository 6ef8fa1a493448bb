"""Discussing a question in a real browser: comment, reply, mention, edit, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_discuss_a_question(live_app: Any, page: Any) -> None:
    base = live_app.config["LIVE_URL"]
    q = World(live_app).question(title="Will a 1e27 FLOP training run happen by 2029?")
    make_user(live_app, "ann")
    make_user(live_app, "ben")
    log_in(page, base, "ann")
    page.goto(f"{base}/questions/{q.id}")
    page.wait_for_selector("text=No comments yet")
    page.fill("#comment-body", "Compute grows **4x a year**; see @ben's notes.")
    page.click("#post-comment")
    page.wait_for_selector("text=Comment posted.")
    assert page.inner_html(".comment-body strong") == "4x a year"
    # Edit within the window: the comment shows as edited.
    page.click(".comment-actions >> text=Edit")
    page.fill("#comment-body", "Compute grows **4x a year**; @ben, what do you think?")
    page.click("#save-comment")
    page.wait_for_selector("text=Comment edited.")
    assert page.is_visible(".edited")
    page.context.clear_cookies()  # log out
    # ben was mentioned: his notification leads to the thread, where he replies.
    log_in(page, base, "ben")
    page.goto(f"{base}/notifications")
    page.wait_for_selector("text=ann mentioned you in a comment")
    page.goto(f"{base}/questions/{q.id}")
    page.click(".reply-box summary")
    page.fill(".reply-box textarea", "Slower after 2027: power limits.")
    page.click(".reply-box button[type=submit]")
    page.wait_for_selector("text=Comment posted.")
    assert page.inner_text(".replies .author") == "ben"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#discussion").screenshot(path=str(ARTIFACTS / "discussion-desktop.png"))
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    page.locator("#discussion").screenshot(path=str(ARTIFACTS / "discussion-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    # ben deletes his reply after a confirmation; its place stays.
    page.click(".replies button.link")
    page.click("#confirm-delete")
    page.wait_for_selector("text=Comment deleted.")
    assert page.is_visible("text=This comment was deleted by its author.")
    assert page.is_visible("text=Compute grows")
