"""Cookie sessions for pages only: API requests authenticate with tokens and carry none."""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class PageSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, skipped entirely under /api/ (no cookie read or written)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/api/"):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if isinstance(session, self.null_session_class):
            return
        super().save_session(app, session, response)
