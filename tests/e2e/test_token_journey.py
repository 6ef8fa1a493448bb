"""API tokens in a real browser: a forecaster makes one, uses it and revokes it; an admin
revokes a user's tokens after confirming."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.accounts.tokens import create_token
from forecast.services.accounts.users import create_user
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def _api_status(base: str, token: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
            assert [i["hint"] for i in body["items"] if i["current"]] == [token[-4:]]
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_create_use_and_revoke_a_token(live_app: Any, page: Any) -> None:
    with live_app.app_context(), session_scope() as session:
        create_user(session=session, username="alice", password=PASSWORD)
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "alice", PASSWORD)

    page.goto(f"{base}/account")
    assert page.locator("text=No tokens yet.").is_visible()
    page.fill("input[name=label]", "nightly script")
    page.click("text=Create a token")
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("fc_")
    row = page.locator("#tokens tbody tr").first
    assert "nightly script" in row.inner_text() and f"…{secret[-4:]}" in row.inner_text()
    shot(page, "30-account-token-created")
    assert _api_status(base, secret) == 200

    row.locator("button", has_text="Revoke").click()
    page.wait_for_selector("text=is revoked")
    assert "revoked" in page.locator("#tokens tbody tr").first.inner_text()
    assert page.locator("#tokens button", has_text="Revoke").count() == 0
    shot(page, "31-account-token-revoked")
    assert _api_status(base, secret) == 401


def test_an_admin_revokes_a_users_tokens_after_confirming(live_app: Any, page: Any) -> None:
    with live_app.app_context(), session_scope() as session:
        create_user(session=session, username="root", password=PASSWORD, role=Role.ADMIN)
        alice = create_user(session=session, username="alice", password=None)
        secrets = [create_token(session=session, user=alice, label=n) for n in ("a", "b")]
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "root", PASSWORD)

    page.goto(f"{base}/admin/users")
    cell = page.locator("#users tr", has_text="alice").locator("td.tokens")
    assert cell.inner_text().startswith("2 live")
    questions: list[str] = []

    def answer(accept: bool) -> None:
        def handle(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", handle)

    answer(accept=False)
    cell.locator("button", has_text="Revoke all").click()
    assert questions == [
        "Revoke every API token of alice and log them out everywhere?"
        " Their scripts stop working at once."
    ]
    assert cell.inner_text().startswith("2 live")
    assert all(_api_status(base, s) == 200 for s in secrets)

    answer(accept=True)
    cell.locator("button", has_text="Revoke all").click()
    page.wait_for_selector("text=Revoked 2 API tokens of alice.")
    assert "none" in page.locator("#users tr", has_text="alice").locator("td.tokens").inner_text()
    shot(page, "32-admin-tokens-revoked")
    assert all(_api_status(base, s) == 401 for s in secrets)
