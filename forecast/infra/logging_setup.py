"""Logging through one dictConfig: text lines or JSON lines, each carrying its request id.

FORECAST_LOG_FORMAT (`text` or `json`) and FORECAST_LOG_LEVEL choose the shape and the level.
The same configuration serves the app's own loggers and gunicorn's (deploy/gunicorn.conf.py
passes `logging_config()` as its logconfig_dict), so access lines look like every other line.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context

from forecast.infra.config import ConfigError

FORMATS = ("text", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" fwd=%({x-forwarded-for}i)s'
# The attributes every LogRecord has; anything else on a record came through `extra=`.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}
# gunicorn's access atoms, under the names the JSON lines give them.
_ACCESS_FIELDS = {
    "h": "remote_addr",
    "{x-forwarded-for}i": "forwarded_for",
    "m": "method",
    "U": "path",
    "q": "query",
    "H": "protocol",
    "s": "status",
    "B": "bytes",
    "a": "user_agent",
    "f": "referer",
}


class ConfigurationError(ConfigError):
    """A logging setting has a value we do not know."""


class RequestIdFilter(logging.Filter):
    """Give every record a `request_id`: the current request's, an access line's, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            atoms = record.args if isinstance(record.args, dict) else None
            if atoms is not None and record.name == "gunicorn.access":
                record.request_id = atoms.get("{x-request-id}o") or "-"
            elif has_request_context():
                record.request_id = g.get("request_id", "-")
            else:
                record.request_id = "-"
        return True


class TextFormatter(logging.Formatter):
    """One readable line per record, with the request id in brackets, times in UTC."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso(record.created)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            line.update(_access_fields(record.args))
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for atom, name in _ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value not in (None, "-", ""):
            fields[name] = value
    if "status" in fields:
        fields["status"] = int(fields["status"])
    if "bytes" in fields:
        fields["bytes"] = int(fields["bytes"])
    if "D" in atoms:  # microseconds
        fields["duration_ms"] = round(int(atoms["D"]) / 1000, 3)
    return fields


def _iso(created: float) -> str:
    return (
        datetime.fromtimestamp(created, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def check(fmt: str, level: str) -> tuple[str, str]:
    """Return the format and level normalised, or raise ConfigurationError naming the bad one."""
    fmt, level = str(fmt).strip().lower(), str(level).strip().upper()
    if fmt not in FORMATS:
        raise ConfigurationError(f"FORECAST_LOG_FORMAT must be one of {', '.join(FORMATS)}")
    if level not in LEVELS:
        raise ConfigurationError(f"FORECAST_LOG_LEVEL must be one of {', '.join(LEVELS)}")
    return fmt, level


def logging_config(fmt: str = "text", level: str = "INFO") -> dict[str, Any]:
    """Return the dictConfig for the app and gunicorn: one handler on stderr, in fmt."""
    fmt, level = check(fmt, level)
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"main": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "main",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["console"]},
        "loggers": {
            # gunicorn's loggers lose their own handlers and pass their lines to the root's.
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": level, "handlers": [], "propagate": True},
            # APScheduler reports every run at INFO; our jobs log their own runs.
            "apscheduler": {"level": "WARNING"},
        },
    }


def from_environment() -> dict[str, Any]:
    """Return the dictConfig that FORECAST_LOG_FORMAT and FORECAST_LOG_LEVEL ask for."""
    return logging_config(
        os.environ.get("FORECAST_LOG_FORMAT", "text"), os.environ.get("FORECAST_LOG_LEVEL", "INFO")
    )


def configure(fmt: str = "text", level: str = "INFO") -> None:
    """Apply the configuration to this process's logging."""
    from flask.logging import default_handler

    logging.config.dictConfig(logging_config(fmt, level))
    # Flask's own handler on the app's logger would print each line a second time.
    logging.getLogger("forecast").removeHandler(default_handler)


def init_app(app: Flask) -> None:
    """Check the logging settings; configure logging unless the app runs under tests."""
    fmt, level = check(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.config["LOG_FORMAT"], app.config["LOG_LEVEL"] = fmt, level
    if not app.testing:
        configure(fmt, level)
