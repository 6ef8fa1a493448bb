"""The application factory: configuration, database, auth, blueprints, CLI."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from forecast import api, cli, web
from forecast.http import auth, json_guard, proxies, rate_limits, request_ids, text_guard, url_limit
from forecast.http import errors as errors_http
from forecast.http import metrics as metrics_http
from forecast.http.json_provider import OrjsonProvider
from forecast.http.sessions import PageSessionInterface
from forecast.infra import config, db, logging_setup
from forecast.infra.resources import resource


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, auth, blueprints, CLI."""
    # Named after the package, not this module: the logger, the instance folder and the
    # static folder are the package's.
    app = Flask("forecast", instance_relative_config=True, template_folder=resource("templates"))
    app.json = OrjsonProvider(app)
    config.load(app, overrides)
    logging_setup.init_app(app)
    proxies.init_app(app)
    request_ids.init_app(app)
    metrics_http.init_app(app)  # first to start the clock, last to stop it
    app.session_interface = PageSessionInterface()
    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    auth.init_app(app)
    rate_limits.init_app(app)
    url_limit.init_app(app)  # the guards read the request in this order
    json_guard.init_app(app)  # before text_guard, which may parse the body
    text_guard.init_app(app)
    csrf = CSRFProtect(app)
    api.init_app(app, csrf)
    web.init_app(app)
    errors_http.init_app(app)
    cli.init_app(app)
    return app
