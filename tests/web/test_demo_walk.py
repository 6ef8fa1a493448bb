"""The seeded demo, walked as each kind of person: every page a link leads to answers and none
shows an error. The demo mixes every question kind, conditional pairs, trend series, resolved
questions and committed boundaries, so it catches a rule that fails on a kind it did not expect.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import get_engine, session_scope
from forecast.models import Role
from forecast.services.accounts.users import get_user, set_password
from forecast.services.seeds import load_seeds
from tests.conftest import PASSWORD, build_app, make_user

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ERROR = re.compile(r'class="error"[^>]*>\s*[^<\s]')
# Pages worth opening from the ones the walk reaches: everything on the site itself except
# actions (logout), downloads (checked by their own tests) and pages that change with the clock.
LINK = re.compile(r'href="(/[^"#?]*)"')
SKIP = re.compile(r"^/(static|logout|api)/|\.(csv|json)$|/(download|export)")


@pytest.fixture(scope="module")
def demo_app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("demo")
    shutil.copy(sqlite_template, tmp / "demo.db")
    app = build_app(f"sqlite:///{tmp / 'demo.db'}", tmp)
    with app.app_context():
        list(load_seeds(str(SEEDS), demo=True))
        with session_scope() as session:
            set_password(session=session, user=get_user(session, "demo-leader"), password=PASSWORD)
    make_user(app, "walk-organizer", Role.ORGANIZER)
    make_user(app, "walk-forecaster")
    yield app
    get_engine(app).dispose()


def walk(client: FlaskClient, start: list[str], limit: int = 400) -> dict[str, int]:
    """Open the start pages and every site page they link to (breadth first), up to limit."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        response = client.get(path)
        seen[path] = response.status_code
        body = response.get_data(as_text=True)
        assert not ERROR.search(body), f"{path} shows an error: {ERROR.search(body)}"
        if response.status_code == 200 and "text/html" in response.content_type:
            queue += [link for link in LINK.findall(body) if link not in seen]
    return seen


@pytest.mark.parametrize("username", [None, "walk-forecaster", "walk-organizer", "demo-leader"])
def test_every_page_of_the_demo_answers_without_an_error(
    demo_app: Flask, username: str | None
) -> None:
    client = demo_app.test_client()
    if username:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302
    seen = walk(client, ["/", "/questions", "/boundaries", "/boundaries/report", "/calibration"])
    broken = {path: status for path, status in seen.items() if status >= 500}
    assert not broken
    assert sum(1 for p in seen if re.fullmatch(r"/questions/\d+", p)) >= 40
