"""Defaults and FORECAST_* environment overrides."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from forecast.infra.resources import resource

DEFAULT_SECRET_KEY = "dev-only-change-me"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the mode the app runs in."""


def defaults(app: Flask) -> dict[str, Any]:
    """Return the built-in settings, before environment overrides."""
    return {
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{os.path.join(app.instance_path, 'forecast.db')}",
        "ENV": "development",
        "SCHEDULER_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "IMPORT_MAX_BYTES": 4 * 1024 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "SEEDS_DIR": resource("seeds"),
        "SQL_ECHO": False,
        # Seconds a new PostgreSQL connection may take: readiness answers 503 after this long
        # when the server accepts connections but does not answer.
        "DB_CONNECT_TIMEOUT": 5,
        # How long after posting a comment its author may still edit it.
        "COMMENT_EDIT_MINUTES": 15,
        "API_TITLE": "forecast",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_URL_PREFIX": "/api/v1",
        # Operations (deploy/README.md): trusted proxies, logging, who may read /metrics.
        "PROXY_COUNT": 0,
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
        "METRICS_ALLOW": "127.0.0.1,::1",
        "METRICS_TOKEN": None,
    }


def load(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill app.config from defaults, FORECAST_* variables, then explicit overrides."""
    app.config.from_mapping(defaults(app))
    app.config.from_prefixed_env("FORECAST")
    if overrides:
        app.config.update(overrides)
    if app.config["ENV"] == "production":
        if app.config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
            raise ConfigError("FORECAST_SECRET_KEY must be set to a random value in production")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
