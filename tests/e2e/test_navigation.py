"""The navigation of the widest role fits one line on a laptop screen."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e


def test_an_admins_ten_links_and_session_fit_one_line_at_1280_px(live_app: Any, page: Any) -> None:
    make_user(live_app, "administrator", Role.ADMIN)
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "administrator")
    page.goto(f"{base}/questions")
    links = page.locator("header.topbar nav a")
    shot(page, "30-admin-navigation")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert links.count() == 10
    assert len(tops) == 1, tops
    header = page.locator("header.topbar").bounding_box()
    session = page.locator("header.topbar .session").bounding_box()
    assert session["y"] < header["y"] + header["height"] / 2  # beside the links, not below
    # The role pill gives way at this width; the account link still names the role.
    assert page.locator("header .account").get_attribute("title") == "your account (admin)"
    shot(page, "30-admin-navigation")
