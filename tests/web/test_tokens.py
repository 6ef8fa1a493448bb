"""API tokens: listing and revoking them through the API, the account page and the CLI."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import col, select

from forecast.infra.db import session_scope
from forecast.models import ApiToken, Role, User
from forecast.services.accounts.tokens import hash_token
from tests.conftest import PASSWORD, Api, make_token, make_user


def _stored(app: Flask) -> dict[int, tuple[int, str, Any]]:
    """Every stored token: id -> (owner id, hash, revoked_at)."""
    with app.app_context(), session_scope() as session:
        return {
            t.id: (t.user_id, t.token_hash, t.revoked_at)  # type: ignore[misc]
            for t in session.exec(select(ApiToken)).all()
        }


def _works(client: FlaskClient, secret: str) -> bool:
    response = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code in (200, 401), response.get_json()
    return response.status_code == 200


def _two_tokens(app: Flask, username: str = "alice") -> tuple[User, str, str]:
    user = make_user(app, username)
    return user, make_token(app, user), make_token(app, user)


def _id_of(app: Flask, secret: str) -> int:
    with app.app_context(), session_scope() as session:
        token = session.exec(
            select(ApiToken).where(col(ApiToken.token_hash) == hash_token(secret))
        ).one()
        assert token.id is not None
        return token.id


# --- the API ---------------------------------------------------------------------------------


def test_the_list_shows_every_token_newest_first_and_never_a_secret(
    app: Flask, client: FlaskClient
) -> None:
    _, first, second = _two_tokens(app)
    response = Api(client, first).get("/tokens")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    items = body["items"]
    assert [i["id"] for i in items] == [_id_of(app, second), _id_of(app, first)]
    assert [i["current"] for i in items] == [False, True]
    assert [i["hint"] for i in items] == [second[-4:], first[-4:]]
    assert all(i["revoked_at"] is None for i in items)
    text = response.get_data(as_text=True)
    for secret in (first, second):
        assert secret not in text and hash_token(secret) not in text


def test_the_list_pages_like_every_other_list(app: Flask, client: FlaskClient) -> None:
    _, first, _second = _two_tokens(app)
    page = Api(client, first).get("/tokens?per_page=1&page=2").get_json()
    assert page["total"] == 2 and [i["id"] for i in page["items"]] == [_id_of(app, first)]
    bad = Api(client, first).get("/tokens?per_page=0")
    assert bad.status_code == 422


def test_revoking_one_token_refuses_it_at_once_and_leaves_the_other(
    app: Flask, client: FlaskClient
) -> None:
    _, first, second = _two_tokens(app)
    target = _id_of(app, second)
    response = Api(client, first).delete(f"/tokens/{target}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == target and body["revoked_at"] is not None and body["current"] is False
    assert not _works(client, second)
    assert _works(client, first)
    listed = Api(client, first).get("/tokens").get_json()["items"]
    assert {i["id"]: i["revoked_at"] is not None for i in listed} == {
        target: True,
        _id_of(app, first): False,
    }
    # Revoking it again is harmless: the first revocation's time stays.
    again = Api(client, first).delete(f"/tokens/{target}")
    assert again.status_code == 200 and again.get_json()["revoked_at"] == body["revoked_at"]


def test_another_users_token_cannot_be_revoked_or_even_seen(
    app: Flask, client: FlaskClient
) -> None:
    _, mine, _ = _two_tokens(app, "alice")
    _, theirs, _ = _two_tokens(app, "bob")
    before = _stored(app)
    response = Api(client, mine).delete(f"/tokens/{_id_of(app, theirs)}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    # The same answer as for an id that does not exist at all.
    missing = Api(client, mine).delete(f"/tokens/{max(before) + 100}")
    assert missing.status_code == 404
    assert _stored(app) == before and _works(client, theirs)
    listed = Api(client, mine).get("/tokens").get_json()["items"]
    assert _id_of(app, theirs) not in [i["id"] for i in listed]


def test_a_script_revokes_the_token_it_runs_with(app: Flask, client: FlaskClient) -> None:
    _, first, second = _two_tokens(app)
    response = Api(client, first).delete("/tokens/current")
    assert response.status_code == 200
    assert response.get_json()["id"] == _id_of(app, first)
    assert response.get_json()["current"] is True
    assert not _works(client, first) and _works(client, second)
    # The revoked token cannot revoke anything more.
    assert Api(client, first).delete("/tokens").status_code == 401
    assert _works(client, second)


def test_revoking_every_token_counts_the_live_ones(app: Flask, client: FlaskClient) -> None:
    _, first, second = _two_tokens(app)
    Api(client, first).delete(f"/tokens/{_id_of(app, second)}")
    _other_user, other, _ = _two_tokens(app, "bob")
    response = Api(client, first).delete("/tokens")
    assert response.status_code == 200 and response.get_json() == {"revoked": 1}
    assert not _works(client, first) and not _works(client, second)
    assert _works(client, other)


def test_every_token_route_needs_a_live_token(app: Flask, client: FlaskClient) -> None:
    _, secret, _ = _two_tokens(app)
    before = _stored(app)
    target = _id_of(app, secret)
    for api in (Api(client), Api(client, "fc_forged-token-value")):
        assert api.get("/tokens").status_code == 401
        assert api.delete("/tokens").status_code == 401
        assert api.delete("/tokens/current").status_code == 401
        assert api.delete(f"/tokens/{target}").status_code == 401
    assert _stored(app) == before


def test_the_openapi_document_describes_the_token_routes(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/tokens"]) >= {"get", "post", "delete"}
    assert "delete" in paths["/api/v1/tokens/{token_id}"]
    assert "404" in paths["/api/v1/tokens/{token_id}"]["delete"]["responses"]
    assert "delete" in paths["/api/v1/tokens/current"]


# --- the account page ------------------------------------------------------------------------


def _logged_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_account_page_lists_tokens_and_revokes_one(app: Flask) -> None:
    user = make_user(app, "alice")
    browser = _logged_in(app, "alice")
    empty = browser.get("/account").get_data(as_text=True)
    assert "No tokens yet." in empty
    page = browser.post("/account/tokens", data={"label": "laptop"}).get_data(as_text=True)
    match = re.search(r'id="new-token">([^<]+)<', page)
    assert match is not None
    secret = match.group(1)
    make_token(app, user)
    page = browser.get("/account").get_data(as_text=True)
    assert "laptop" in page and f"…{secret[-4:]}" in page
    assert "Revoke all 2 live tokens" in page
    assert secret not in page
    response = browser.post(f"/account/tokens/{_id_of(app, secret)}/revoke")
    assert response.status_code == 302
    page = browser.get("/account").get_data(as_text=True)
    assert "Token “laptop” is revoked" in page
    assert not _works(app.test_client(), secret)
    assert "Revoke all" not in page  # one live token left: its own button is enough


def test_the_account_page_revokes_all_and_refuses_another_users_token(app: Flask) -> None:
    _, first, second = _two_tokens(app, "alice")
    _, theirs, _ = _two_tokens(app, "bob")
    browser = _logged_in(app, "alice")
    before = _stored(app)
    response = browser.post(f"/account/tokens/{_id_of(app, theirs)}/revoke")
    assert response.status_code == 302
    page = browser.get("/account").get_data(as_text=True)
    assert "you have no API token" in page
    assert _stored(app) == before
    browser.post("/account/tokens/revoke-all")
    page = browser.get("/account").get_data(as_text=True)
    assert "Revoked 2 tokens." in page
    api = app.test_client()
    assert not _works(api, first) and not _works(api, second) and _works(api, theirs)


# --- the admin's users page -----------------------------------------------------------------


def _live_cell(page: str, username: str) -> str:
    """The API tokens cell of username's row on the users page."""
    row = re.search(rf"<tr><td>{re.escape(username)}\b.*?</tr>", page, re.S)
    assert row is not None, f"no row for {username}"
    cell = re.search(r'<td class="tokens">(.*?)</td>', row.group(0), re.S)
    assert cell is not None
    return " ".join(cell.group(1).split())


def test_an_admin_sees_live_tokens_and_revokes_a_users_tokens(app: Flask) -> None:
    make_user(app, "root", Role.ADMIN)
    _, first, second = _two_tokens(app, "alice")
    _, theirs, _ = _two_tokens(app, "bob")
    make_user(app, "carol")
    api = app.test_client()
    Api(api, theirs).delete("/tokens/current")
    admin = _logged_in(app, "root")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert _live_cell(page, "alice").startswith("2 live")
    assert _live_cell(page, "bob").startswith("1 live")
    assert "none" in _live_cell(page, "carol") and "Revoke" not in _live_cell(page, "carol")
    response = admin.post("/admin/users/alice/tokens/revoke")
    assert response.status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Revoked 2 API tokens of alice." in page
    assert "none" in _live_cell(page, "alice")
    assert not _works(api, first) and not _works(api, second)
    assert _live_cell(page, "bob").startswith("1 live")


def test_only_an_admin_revokes_other_users_tokens(app: Flask) -> None:
    make_user(app, "root", Role.ADMIN)
    make_user(app, "olga", Role.ORGANIZER)
    _, first, _ = _two_tokens(app, "alice")
    before = _stored(app)
    organizer = _logged_in(app, "olga")
    assert organizer.post("/admin/users/alice/tokens/revoke").status_code == 403
    anonymous = app.test_client().post("/admin/users/alice/tokens/revoke")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _stored(app) == before and _works(app.test_client(), first)
    admin = _logged_in(app, "root")
    admin.post("/admin/users/nobody/tokens/revoke")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "no user named &#39;nobody&#39;" in page
    assert _stored(app) == before


# --- the CLI ---------------------------------------------------------------------------------


def test_the_cli_lists_and_revokes_tokens_by_id(app: Flask, runner: FlaskCliRunner) -> None:
    _, first, second = _two_tokens(app)
    listed = runner.invoke(args=["tokens", "list", "alice"])
    assert listed.exit_code == 0
    lines = listed.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        str(_id_of(app, second)),
        str(_id_of(app, first)),
    ]
    assert all("\tlive\t" in line for line in lines)
    assert f"...{first[-4:]}" in listed.output and first not in listed.output
    revoked = runner.invoke(args=["tokens", "revoke", "alice", str(_id_of(app, first))])
    assert revoked.exit_code == 0 and "revoked token" in revoked.output
    client = app.test_client()
    assert not _works(client, first) and _works(client, second)
    assert "revoked 20" in runner.invoke(args=["tokens", "list", "alice"]).output


def test_the_cli_revokes_nothing_when_one_id_is_wrong(app: Flask, runner: FlaskCliRunner) -> None:
    _, first, _second = _two_tokens(app, "alice")
    _, theirs, _ = _two_tokens(app, "bob")
    before = _stored(app)
    ids = [str(_id_of(app, first)), str(_id_of(app, theirs))]
    result = runner.invoke(args=["tokens", "revoke", "alice", *ids])
    assert result.exit_code == 1
    assert f"alice has no API token {_id_of(app, theirs)}; nothing was revoked" in result.output
    assert _stored(app) == before
    for args in (["tokens", "revoke", "alice"], ["tokens", "revoke", "alice", ids[0], "--all"]):
        refused = runner.invoke(args=args)
        assert refused.exit_code == 1 and "give token ids or --all" in refused.output
    assert _stored(app) == before
    assert runner.invoke(args=["tokens", "revoke", "ghost", "--all"]).exit_code == 1


def test_the_cli_revokes_every_token_of_a_user(app: Flask, runner: FlaskCliRunner) -> None:
    _, first, second = _two_tokens(app, "alice")
    _, theirs, _ = _two_tokens(app, "bob")
    result = runner.invoke(args=["tokens", "revoke", "alice", "--all"])
    assert result.exit_code == 0 and "revoked 2 tokens of alice" in result.output
    client = app.test_client()
    assert not _works(client, first) and not _works(client, second) and _works(client, theirs)
    empty = make_user(app, "carol")
    assert empty.username == "carol"
    assert "carol has no API tokens" in runner.invoke(args=["tokens", "list", "carol"]).output
