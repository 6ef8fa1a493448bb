"""Behind a reverse proxy the client's own address is counted, and only trusted headers count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from forecast.infra.config import ConfigError
from tests.conftest import build_app

WRONG = {"username": "ann", "password": "not the password"}


def _app(sqlite_template: Path, tmp_path: Path, proxies: int) -> Flask:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    return build_app(
        f"sqlite:///{tmp_path / 'forecast.db'}",
        tmp_path,
        RATELIMIT_ENABLED=True,
        PROXY_COUNT=proxies,
    )


def _attempts(app: Flask, forwarded_for: str, n: int) -> list[int]:
    client = app.test_client()
    return [
        client.post(
            "/api/v1/tokens", json=WRONG, headers={"X-Forwarded-For": forwarded_for}
        ).status_code
        for _ in range(n)
    ]


def test_two_clients_behind_one_proxy_are_limited_separately(
    sqlite_template: Path, tmp_path: Path
) -> None:
    app = _app(sqlite_template, tmp_path, proxies=1)
    assert _attempts(app, "198.51.100.1", 11) == [401] * 10 + [429]
    # The second client, arriving through the same proxy (127.0.0.1), still has its attempts.
    assert _attempts(app, "198.51.100.2", 10) == [401] * 10
    assert _attempts(app, "198.51.100.1", 1) == [429]


def test_a_client_cannot_escape_the_limit_by_prepending_addresses(
    sqlite_template: Path, tmp_path: Path
) -> None:
    app = _app(sqlite_template, tmp_path, proxies=1)
    client = app.test_client()
    statuses = [
        client.post(
            "/api/v1/tokens",
            json=WRONG,
            # The proxy appends the address it saw; what the client sent before it is ignored.
            headers={"X-Forwarded-For": f"10.9.9.{i}, 198.51.100.7"},
        ).status_code
        for i in range(11)
    ]
    assert statuses == [401] * 10 + [429]


def test_a_forged_forwarded_header_is_ignored_without_trusted_proxies(
    sqlite_template: Path, tmp_path: Path
) -> None:
    app = _app(sqlite_template, tmp_path, proxies=0)
    assert _attempts(app, "198.51.100.1", 10) == [401] * 10
    # Another forged address changes nothing: the connection's own address (127.0.0.1) counts.
    assert _attempts(app, "198.51.100.2", 1) == [429]


def test_the_client_address_and_scheme_come_from_the_trusted_proxy(
    sqlite_template: Path, tmp_path: Path
) -> None:
    app = _app(sqlite_template, tmp_path, proxies=1)
    seen: dict[str, str] = {}

    @app.get("/_probe")
    def probe() -> str:
        from flask import request

        seen.update(addr=str(request.remote_addr), scheme=request.scheme)
        return "ok"

    app.test_client().get(
        "/_probe", headers={"X-Forwarded-For": "203.0.113.4", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"addr": "203.0.113.4", "scheme": "https"}


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_proxy_count_is_refused_at_start(
    sqlite_template: Path, tmp_path: Path, value: str
) -> None:
    with pytest.raises(ConfigError, match="FORECAST_PROXY_COUNT"):
        build_app("sqlite://", tmp_path, PROXY_COUNT=value)
