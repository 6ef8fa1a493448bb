"""Every main page passes an automated accessibility check (axe-core): nothing serious.

Each page is checked at desktop and at phone size, as a person of each role would open it.
"""

from __future__ import annotations

from typing import Any

import pytest

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.e2e.conftest import log_in
from tests.integration.factories import World

pytestmark = pytest.mark.e2e
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

SERIOUS = ("serious", "critical")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _world(app: Any) -> dict[str, Any]:
    world = World(app)
    questions = {kind: world.question(kind) for kind in ("binary", "numeric", "date")}
    forecasters = [world.user(f"fc{i}") for i in range(3)]
    admin = make_user(app, "ada", Role.ADMIN)
    with app.app_context(), session_scope() as session:
        for k, user in enumerate(forecasters):
            submit_forecast(
                session=session,
                actor=user,
                question_id=questions["binary"].id,
                probability=0.2 + 0.1 * k,
                rationale="Scaling trends.",
            )
        boundary = boundary_service.create_boundary(
            session=session,
            actor=admin,
            data={
                "question": questions["binary"].id,
                "action": "Fund a team",
                "event": {"kind": "yes"},
                "threshold": 0.1,
            },
        )
        boundary_service.commit_boundary(session=session, actor=admin, boundary_id=boundary.id)
    return {"questions": questions, "boundary": boundary.id}


def _pages(w: dict[str, Any]) -> list[str]:
    q = w["questions"]
    return [
        "/",
        "/questions",
        *(f"/questions/{question.id}" for question in q.values()),
        "/questions/new",
        "/tournaments",
        "/tournaments/ai",
        "/tournaments/ai/leaderboard",
        "/leaderboard",
        "/calibration",
        "/boundaries",
        "/boundaries/report",
        f"/boundaries/{w['boundary']}",
        "/account",
        "/admin/users",
        "/organizer",
        "/users/fc0",
    ]


def _violations(page: Any) -> list[str]:
    results = axe_sync.Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("size", list(SIZES))
def test_no_page_has_a_serious_accessibility_violation(live_app: Any, page: Any, size: str) -> None:
    w = _world(live_app)
    base = live_app.config["LIVE_URL"]
    page.set_viewport_size(SIZES[size])
    found = {}
    for path in ("/login", "/register"):
        page.goto(base + path)
        found[path] = _violations(page)
    log_in(page, base, "ada")
    for path in _pages(w):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        found[path] = _violations(page)
    bad = {p: v for p, v in found.items() if v}
    assert not bad, "\n".join(f"{p}: {v}" for p, v in bad.items())
