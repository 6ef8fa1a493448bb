"""Registering is rate limited per address like any other password check."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import build_app


def test_the_eleventh_registration_in_a_minute_is_refused(
    sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    app = build_app(f"sqlite:///{tmp_path / 'forecast.db'}", tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    answers = [
        client.post("/api/v1/register", json={"username": f"new{n}", "password": "a long password"})
        for n in range(11)
    ]
    assert [a.status_code for a in answers] == [201] * 10 + [429]
    assert answers[10].get_json()["error"]["code"] == "too_many_requests"
    assert int(answers[10].headers["Retry-After"]) > 0
    # Only the password checks are limited: the same address keeps using the rest.
    assert client.get("/api/v1/health").status_code == 200
