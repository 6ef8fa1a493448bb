"""The client's address behind trusted reverse proxies (werkzeug's ProxyFix).

FORECAST_PROXY_COUNT is how many proxies stand in front of the app and append to
X-Forwarded-For (nginx alone: 1). With 0, the default, forwarded headers are ignored, so a client
cannot choose the address the rate limits count it under.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from forecast.infra.config import ConfigError


def proxy_count(app: Flask) -> int:
    """Return how many proxies the app trusts."""
    return int(app.config["PROXY_COUNT"])


def init_app(app: Flask) -> None:
    """Trust the last PROXY_COUNT hops of X-Forwarded-For, -Proto and -Host."""
    try:
        count = int(app.config["PROXY_COUNT"])
    except (TypeError, ValueError):
        raise ConfigError("FORECAST_PROXY_COUNT must be a whole number") from None
    if count < 0:
        raise ConfigError("FORECAST_PROXY_COUNT must be 0 or more")
    app.config["PROXY_COUNT"] = count
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
