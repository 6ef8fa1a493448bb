"""gunicorn as a library: one worker process with threads, for `forecast serve`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from forecast.http.url_limit import GUNICORN_REQUEST_LINE
from forecast.infra.logging_setup import ACCESS_FORMAT, logging_config


class SingleProcessServer(BaseApplication):
    """Serve app from one gunicorn worker; on_start runs inside that worker (the scheduler)."""

    def __init__(
        self, app: Flask, *, bind: str, threads: int, on_start: Callable[[], None]
    ) -> None:
        self.application = app
        self.options = {
            "bind": bind,
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "accesslog": "-",
            # Access lines in the app's log format, with the request id (logging_setup).
            "logconfig_dict": logging_config(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"]),
            "access_log_format": ACCESS_FORMAT,
            # The app answers over-long addresses itself, in its own error shape.
            "limit_request_line": GUNICORN_REQUEST_LINE,
            "post_worker_init": lambda _worker: on_start(),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application
