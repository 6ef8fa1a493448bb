"""Over-long addresses under real gunicorn: the app's 414 (JSON under /api), not gunicorn's page.

Both ways the app is served are checked: gunicorn with deploy/gunicorn.conf.py (many machines)
and `forecast serve` (one machine), each on a loopback port.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench._common import BIN, ROOT, free_port, server_env, stop_gunicorn, wait_for
from forecast.http.url_limit import GUNICORN_REQUEST_LINE, MAX_TARGET


def _command(kind: str, port: int) -> list[str]:
    if kind == "deploy":
        config = os.path.join(ROOT, "deploy", "gunicorn.conf.py")
        return [os.path.join(BIN, "gunicorn"), "-c", config, "forecast.wsgi:app"]
    return [os.path.join(BIN, "forecast"), "serve", "--port", str(port), "--no-scheduler"]


@pytest.fixture(params=["deploy", "serve"])
def server(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[tuple[str, int]]:
    """Serve a fresh database the named way; yield the host and port."""
    path = tmp_path / "forecast.db"
    shutil.copy(sqlite_template, path)
    port = free_port()
    env = {
        **os.environ,
        **server_env(f"sqlite:///{path}"),
        "FORECAST_BIND": f"127.0.0.1:{port}",
        "FORECAST_WORKERS": "1",
    }
    process = subprocess.Popen(
        _command(request.param, port),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/health", process=process)
        yield "127.0.0.1", port
    finally:
        stop_gunicorn(process, signal.SIGTERM)


def _get(server: tuple[str, int], target: str, accept: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        connection.request("GET", target, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_an_over_long_api_address_is_a_json_414(server: tuple[str, int]) -> None:
    # Longer than the app reads and than gunicorn's default request line (4094 bytes).
    target = "/api/v1/questions?search=" + "a" * (MAX_TARGET + 900)
    status, content_type, body = _get(server, target, "application/json")
    assert status == 414 and content_type.startswith("application/json"), body[:200]
    error = json.loads(body)["error"]
    assert error["code"] == "uri_too_long" and set(error) == {"code", "message", "field"}
    # Under the limit, served (unknown arguments are ignored); past gunicorn's own, still a 414.
    target = "/api/v1/questions?unused=" + "a" * (MAX_TARGET - 100)
    assert _get(server, target, "application/json")[0] == 200
    target = "/api/v1/questions?unused=" + "a" * GUNICORN_REQUEST_LINE
    assert _get(server, target, "application/json")[0] == 414


def test_an_over_long_page_address_is_the_apps_414_page(server: tuple[str, int]) -> None:
    status, content_type, body = _get(server, "/questions?search=" + "a" * 5000, "text/html")
    assert status == 414 and content_type.startswith("text/html")
    assert b"<!doctype html>" in body and b"longer than" in body
