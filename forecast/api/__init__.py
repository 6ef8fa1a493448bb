"""The JSON API under /api/v1, with its generated OpenAPI document."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect

from forecast.api import (
    accounts,
    aggregates,
    boundaries,
    calibration,
    comments,
    conditionals,
    docs,
    forecasts,
    notification_settings,
    notifications,
    question_changes,
    questions,
    readiness,
    records,
    resolutions,
    teams,
    tournaments,
    trends,
)
from forecast.api.openapi_docs import ConventionsPlugin
from forecast.api.schemas import ApiErrorSchema

BLUEPRINTS = (
    accounts.bp,
    questions.bp,
    forecasts.bp,
    aggregates.bp,
    boundaries.bp,
    resolutions.bp,
    conditionals.bp,
    question_changes.bp,
    records.bp,
    calibration.bp,
    tournaments.bp,
    teams.bp,
    notifications.bp,
    comments.bp,
    notification_settings.bp,
    readiness.bp,
    trends.bp,
)


class ForecastApi(Api):
    """flask-smorest's Api, documenting errors in the project's one error shape."""

    ERROR_SCHEMA = ApiErrorSchema


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    """Register the API blueprints (token-authenticated, so exempt from form CSRF)."""
    api = ForecastApi(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "Forecasts, questions, scores, aggregates and decision boundaries. "
                    "Authenticate with `Authorization: Bearer <token>` (POST /api/v1/tokens). "
                    'Errors are `{"error": {"code", "message", "field"}}` with a 4xx status.'
                )
            },
            # operationIds and the implied error responses on every operation, new ones too.
            "extra_plugins": [ConventionsPlugin(app)],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.extensions["forecast_api"] = api
    app.register_blueprint(docs.bp)
