"""An admin's journey in a real browser: find a user, change their role, log them out, and the
same page on a phone. The user's open browser follows each change."""

from __future__ import annotations

from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.accounts.users import create_user
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def _logged_in(page: Any, base: str) -> bool:
    page.goto(f"{base}/account")
    return "/login" not in page.url


def test_roles_and_logins_from_the_admin_page(live_app: Any, page: Any) -> None:
    with live_app.app_context(), session_scope() as session:
        create_user(session=session, username="root", password=PASSWORD, role=Role.ADMIN)
        create_user(session=session, username="casey", password=PASSWORD)
        for k in range(3):
            create_user(session=session, username=f"other{k}", password=None)
    base = live_app.config["LIVE_URL"]
    # Casey is logged in in a browser of their own throughout.
    casey = page.context.browser.new_context().new_page()
    log_in(casey, base, "casey", PASSWORD)
    assert casey.locator("header a", has_text="Organize").count() == 0

    log_in(page, base, "root", PASSWORD)
    page.goto(f"{base}/admin/users")
    page.fill("input[name=q]", "cas")
    page.click("form.filters button[type=submit]")
    rows = page.locator("#users tbody tr")
    assert rows.count() == 1 and "casey" in rows.first.inner_text()
    page.select_option("select[aria-label='Role of casey']", "organizer")
    rows.first.locator("button", has_text="Save").click()
    page.wait_for_selector("#users tbody tr")
    assert "organizer" in page.locator("#users tbody tr", has_text="casey").inner_text()
    assert page.input_value("input[name=q]") == "cas"  # the list stays as the admin left it
    shot(page, "33-admin-role-changed")

    # A new role ends casey's logins: they log in again and see the organizer's pages.
    assert not _logged_in(casey, base)
    log_in(casey, base, "casey", PASSWORD)
    assert casey.locator("header a[href='/organizer']").count() == 1
    assert casey.goto(f"{base}/organizer").status == 200

    # Casey has no API token; the admin can still log them out of every browser.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#users tr", has_text="casey").locator(
        "button", has_text="Log out everywhere"
    ).click()
    page.wait_for_selector("text=casey is logged out everywhere.")
    assert not _logged_in(casey, base)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/admin/users")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "34-admin-users-phone")
    casey.context.close()
