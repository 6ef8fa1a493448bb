"""Two app instances given one FORECAST_RATELIMIT_STORAGE_URI count failed logins together.

Each instance runs in its own process, as gunicorn workers and hosts do (in one process the
extension's storage is a single object, so sharing could not fail there). The first guesses
six times, the second five: with Redis shared the second's last guess is the eleventh in the
minute and is refused; with each process's own memory (the control) none of its guesses is.
Skipped when no Redis answers at FORECAST_TEST_REDIS_URL (redis://127.0.0.1:6379/0 by default).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

REDIS_URL = os.environ.get("FORECAST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# One instance: the app on the shared SQLite file, `count` wrong passwords, the statuses.
GUESSES = """
import json, sys
from tests.conftest import build_app
from pathlib import Path
url, folder, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
app = build_app(url, folder, RATELIMIT_ENABLED=True)
client = app.test_client()
body = {"username": "ann", "password": "guess"}
print(json.dumps([client.post("/api/v1/tokens", json=body).status_code for _ in range(count)]))
"""


def _redis() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"no Redis answers at {REDIS_URL}: {error}")
    return client


def _instance(db_url: str, folder: Path, count: int, env: dict[str, str]) -> list[int]:
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", GUESSES, db_url, str(folder), str(count)],
        env={**os.environ, **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    statuses: list[int] = json.loads(done.stdout.strip().splitlines()[-1])
    return statuses


def _database(sqlite_template: Path, tmp_path: Path) -> str:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    return f"sqlite:///{tmp_path / 'forecast.db'}"


def test_two_instances_sharing_redis_count_failed_logins_together(
    sqlite_template: Path, tmp_path: Path
) -> None:
    client = _redis()
    prefix = f"forecast-test-{uuid.uuid4().hex}"
    env = {"FORECAST_RATELIMIT_STORAGE_URI": REDIS_URL, "FORECAST_RATELIMIT_KEY_PREFIX": prefix}
    db_url = _database(sqlite_template, tmp_path)
    try:
        first = _instance(db_url, tmp_path / "one", 6, env)
        second = _instance(db_url, tmp_path / "two", 5, env)
        stored = client.keys(f"*{prefix}*")
    finally:
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
    assert first == [401] * 6
    assert second == [401] * 4 + [429]
    assert stored, "the count lives in Redis under the configured prefix"


def test_instances_on_their_own_memory_count_apart(sqlite_template: Path, tmp_path: Path) -> None:
    env = {"FORECAST_RATELIMIT_STORAGE_URI": "memory://"}
    db_url = _database(sqlite_template, tmp_path)
    assert _instance(db_url, tmp_path / "one", 6, env) == [401] * 6
    assert _instance(db_url, tmp_path / "two", 5, env) == [401] * 5
