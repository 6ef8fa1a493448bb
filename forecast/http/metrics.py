"""Request metrics and the `/metrics` page for Prometheus.

Who may read /metrics: a client whose address is in FORECAST_METRICS_ALLOW (comma-separated
addresses or networks; default the loopback, where a local Prometheus scrapes the workers
directly), or one that sends `Authorization: Bearer <FORECAST_METRICS_TOKEN>` when that
setting is set. Anyone else gets 403. Behind nginx the address is the proxy's unless
FORECAST_PROXY_COUNT is set, so the nginx site in deploy/ also refuses /metrics from outside.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Sequence

from flask import Flask, Response, current_app, g, request

from forecast.infra.config import ConfigError
from forecast.infra.metrics import exposition, observe_request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Sequence[str]) -> tuple[Network, ...]:
    """Parse the allowed addresses or networks (a comma-separated string or a list)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()
        )
    except ValueError as exc:
        raise ConfigError(f"FORECAST_METRICS_ALLOW: {exc}") from None


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        rule = request.url_rule
        # Unmatched addresses share one label: a raw path would make a series per URL.
        endpoint = rule.rule if rule is not None else "(unmatched)"
        observe_request(
            endpoint, request.method, response.status_code, time.perf_counter() - started
        )
    return response


def allowed(networks: tuple[Network, ...], token: str | None) -> bool:
    """Tell whether the current request may read the metrics."""
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


def metrics_page() -> Response:
    """Serve the metrics in the Prometheus text format (operators only)."""
    networks = current_app.extensions["forecast_metrics_allow"]
    if not allowed(networks, current_app.config.get("METRICS_TOKEN") or None):
        return Response("forbidden\n", status=403, mimetype="text/plain")
    body, content_type = exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Time every request first thing, count it last, and add GET /metrics."""
    app.extensions["forecast_metrics_allow"] = parse_networks(app.config["METRICS_ALLOW"])
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", metrics_page, methods=["GET"])
