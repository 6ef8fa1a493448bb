"""How long a comment stays editable: FORECAST_COMMENT_EDIT_MINUTES in the configuration."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app


def edit_window() -> timedelta:
    """Return the configured edit window (15 minutes unless set)."""
    return timedelta(minutes=float(current_app.config.get("COMMENT_EDIT_MINUTES", 15)))
