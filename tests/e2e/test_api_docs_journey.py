"""The API documentation page renders every operation in a real browser, within the CSP."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import ARTIFACTS


def _open_docs(page: Any, live_app: Any, problems: list[str]) -> None:
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "requestfailed",
        lambda request: problems.append(f"{request.url} failed"),
    )
    page.goto(f"{live_app.config['LIVE_URL']}/api/v1/docs")
    page.wait_for_selector(".opblock-summary", timeout=20_000)


def test_the_docs_page_lists_every_operation_without_csp_errors(page: Any, live_app: Any) -> None:
    problems: list[str] = []
    _open_docs(page, live_app, problems)
    spec = live_app.test_client().get("/api/v1/openapi.json").get_json()
    expected = sum(
        1
        for item in spec["paths"].values()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )
    # Every tag is expanded by default: each operation is one block on the page.
    assert page.locator(".opblock").count() == expected
    assert page.get_by_text("/api/v1/questions/{question_id}/forecasts").first.is_visible()
    # Opening an operation shows its documented errors, 429 on the token exchange.
    page.locator("#operations-api_accounts-accounts_Tokens_post .opblock-summary").click()
    responses = page.locator("#operations-api_accounts-accounts_Tokens_post .responses-table")
    responses.first.wait_for()
    assert "429" in responses.first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "api-docs-desktop.png"), full_page=False)
    assert problems == []


def test_the_docs_page_fits_a_phone(page: Any, live_app: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    problems: list[str] = []
    _open_docs(page, live_app, problems)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    page.screenshot(path=str(ARTIFACTS / "api-docs-phone.png"), full_page=False)
    assert problems == []
