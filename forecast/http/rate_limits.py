"""Rate limits on password checks (login and token exchange), per client address.

The default storage is each process's memory, which is enough to slow password guessing on one
worker; deployments with several workers set FORECAST_RATELIMIT_STORAGE_URI to a shared store.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

PASSWORD_ATTEMPTS = "10 per minute; 100 per day"
# Comments are counted per author (per address for a request without a user, which the view
# then refuses): a burst of posts is flooding, whatever the address.
COMMENT_POSTS = "10 per minute; 300 per day"

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
password_limit = limiter.limit(PASSWORD_ATTEMPTS, methods=["POST"])


def _author_key() -> str:
    """Key a comment post by its author: the web session's user, else the token's."""
    from forecast.http.auth import bearer_user, web_user

    user = web_user() or bearer_user()
    return f"user:{user.id}" if user is not None else get_remote_address()


comment_limit = limiter.limit(COMMENT_POSTS, key_func=_author_key, methods=["POST"])


def init_app(app: Flask) -> None:
    """Attach the limiter (RATELIMIT_* settings come from the app's configuration)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    # Only decorated views are limited, and each decorated view checks its own limit. The
    # extension also checks every request before dispatch, looking for default limits we do not
    # set; that hook costs about 0.1 ms on every request, so it is taken off.
    hooks = app.before_request_funcs.get(None, [])
    check = Limiter._check_request_limit
    hooks[:] = [h for h in hooks if getattr(h, "__func__", None) is not check]
