"""Web logins end on logout, a new password, a new role and an admin's revocation.

Cookies are signed, not stored: a copy of a browser's cookies taken before the event (the
session cookie alone, or the remember cookie alone) must no longer open /account afterwards,
while logging in again does, and other users stay logged in.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import encode_cookie

from forecast.models import Role
from tests.conftest import PASSWORD, make_token, make_user

NEW_PASSWORD = "a brand new passphrase"
COOKIES = ("session", "remember_token")


def _log_in(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    browser = app.test_client()
    response = browser.post(
        "/login", data={"username": username, "password": password, "remember": "on"}
    )
    assert response.status_code == 302, f"{username} could not log in"
    return browser


def _saved(browser: FlaskClient) -> dict[str, str]:
    """The browser's session and remember cookies, as someone copying them would keep them."""
    jar = {name: browser.get_cookie(name) for name in COOKIES}
    return {name: cookie.value for name, cookie in jar.items() if cookie is not None}


def _opens_account(app: Flask, name: str, value: str) -> bool:
    """Tell whether a fresh browser holding only this one cookie sees /account."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    response = browser.get("/account")
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
    return response.status_code == 200


def _bearer_works(app: Flask, secret: str) -> bool:
    response = app.test_client().get(
        "/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code in (200, 401)
    return response.status_code == 200


def _log_out(app: Flask, alice: FlaskClient) -> None:
    assert alice.post("/logout").status_code == 302


def _log_out_elsewhere(app: Flask, alice: FlaskClient) -> None:
    _log_out(app, _log_in(app, "alice"))


def _new_password(app: Flask, alice: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "alice"], input=f"{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output


def _new_role_by_admin(app: Flask, alice: FlaskClient) -> None:
    response = _log_in(app, "root").post("/admin/users/alice/role", data={"role": "organizer"})
    assert response.status_code == 302


def _new_role_by_cli(app: Flask, alice: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(args=["users", "set-role", "alice", "leader"])
    assert result.exit_code == 0, result.output


def _admin_revocation(app: Flask, alice: FlaskClient) -> None:
    assert _log_in(app, "root").post("/admin/users/alice/tokens/revoke").status_code == 302


EVENTS: dict[str, Callable[[Flask, FlaskClient], None]] = {
    "logout": _log_out,
    "logout in another browser": _log_out_elsewhere,
    "password change": _new_password,
    "role change by an admin": _new_role_by_admin,
    "role change on the command line": _new_role_by_cli,
    "admin revocation": _admin_revocation,
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_cookies_saved_before_the_event_no_longer_open_the_account(
    any_app: Flask, event: str
) -> None:
    make_user(any_app, "root", Role.ADMIN)
    alice_user = make_user(any_app, "alice")
    make_user(any_app, "bob")
    secret = make_token(any_app, alice_user)
    alice, bob = _log_in(any_app, "alice"), _log_in(any_app, "bob")
    saved, bobs = _saved(alice), _saved(bob)
    assert set(saved) == set(bobs) == set(COOKIES)
    for name, value in [*saved.items(), *bobs.items()]:
        assert _opens_account(any_app, name, value), f"{name} did not open /account at first"

    EVENTS[event](any_app, alice)

    outlived = [name for name, value in saved.items() if _opens_account(any_app, name, value)]
    assert outlived == [], f"saved cookies outlived the {event}"
    assert alice.get("/account").status_code == 302
    ended = [name for name, value in bobs.items() if not _opens_account(any_app, name, value)]
    assert ended == [], f"bob's cookies ended with alice's {event}"
    password = NEW_PASSWORD if event == "password change" else PASSWORD
    assert _log_in(any_app, "alice", password).get("/account").status_code == 200
    # An admin's revocation stops API tokens too; the other events leave them to their owner.
    assert _bearer_works(any_app, secret) == (event != "admin revocation")


def test_saving_the_same_role_keeps_the_user_logged_in(any_app: Flask) -> None:
    make_user(any_app, "root", Role.ADMIN)
    make_user(any_app, "alice")
    saved = _saved(_log_in(any_app, "alice"))
    admin = _log_in(any_app, "root")
    admin.post("/admin/users/alice/role", data={"role": "forecaster"})
    assert all(_opens_account(any_app, name, value) for name, value in saved.items())
    admin.post("/admin/users/alice/role", data={"role": "leader"})
    assert not any(_opens_account(any_app, name, value) for name, value in saved.items())


# "<id>" alone is the form login ids had before they carried a generation.
STALE_OR_MALFORMED = ["{id}", "{id}:1", "{id}:", "x:0", "{id}:0:0", "4294967296:0", "-1:0", ""]


def test_a_remember_cookie_naming_no_current_login_opens_nothing(any_app: Flask) -> None:
    alice = make_user(any_app, "alice")
    for login_id in STALE_OR_MALFORMED:
        with any_app.test_request_context():
            cookie = encode_cookie(login_id.format(id=alice.id))  # signed with the app's key
        assert not _opens_account(any_app, "remember_token", cookie), login_id
    with any_app.test_request_context():
        current = encode_cookie(f"{alice.id}:0")
    assert _opens_account(any_app, "remember_token", current)
