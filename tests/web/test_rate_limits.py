"""Password guessing is slowed: login and token exchange are rate limited per address."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import build_app


def test_the_eleventh_login_attempt_in_a_minute_is_refused(
    sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    app = build_app(f"sqlite:///{tmp_path / 'forecast.db'}", tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [
        client.post("/api/v1/tokens", json={"username": "ann", "password": "guess-x"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    body = client.post("/api/v1/tokens", json={"username": "ann", "password": "x"}).get_json()
    assert body["error"]["code"] == "too_many_requests"
    pages = [
        client.post("/login", data={"username": "ann", "password": "guess"}).status_code
        for _ in range(11)
    ]
    assert pages[-1] == 429
    # Only password checks are limited: the same address keeps using everything else.
    assert all(client.get("/api/v1/health").status_code == 200 for _ in range(30))
    assert client.get("/login").status_code == 200
