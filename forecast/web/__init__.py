"""The HTML pages: one blueprint per area."""

from __future__ import annotations

from typing import Any

from flask import Flask

from forecast.http.auth import web_user
from forecast.infra.clock import format_iso
from forecast.web import (
    account,
    admin,
    auth_views,
    boundaries,
    calibration,
    comments,
    conditionals,
    notification_settings,
    notifications,
    organizer,
    pages,
    question_admin,
    question_aggregate,
    questions,
    records,
    teams,
    tournaments,
    trends,
)
from forecast.web.formatting import FILTERS

BLUEPRINTS = (
    auth_views.bp,
    pages.bp,
    questions.bp,
    comments.bp,
    question_admin.bp,
    question_aggregate.bp,
    trends.bp,
    conditionals.bp,
    tournaments.bp,
    teams.bp,
    organizer.bp,
    admin.bp,
    account.bp,
    notifications.bp,
    notification_settings.bp,
    boundaries.bp,
    records.bp,
    calibration.bp,
)


def _globals() -> dict[str, Any]:
    from forecast.infra.db import get_session
    from forecast.services.notifications import unread_count

    user = web_user()
    unread = unread_count(session=get_session(), user=user) if user else 0
    return {"me": user, "unread_notifications": unread}


def init_app(app: Flask) -> None:
    """Register the page blueprints, template filters and globals."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["iso"] = format_iso
    app.context_processor(_globals)
