"""A team's private tournament and question reach nobody outside the team, on any GET route.

Every GET route of the app (read from the Flask url_map, so a new route cannot be forgotten)
is classified below and requested as each outsider: a forecaster, an organizer, a leader and
an admin who are not members, and an anonymous visitor. The team's name, slug, tournament,
question, forecast rationale and boundary all carry the marker "zq7"; no answer to an outsider
may contain it, lists and counts must equal the public ones, and the private question's own
routes answer 404 (never 403, which would confirm that it exists). The same routes as a member
show the private things (the control: a rule that hid everything would fail it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.clock import format_iso, utcnow
from forecast.models import Role
from tests.conftest import PASSWORD, Api, make_token, make_user

MARKER = re.compile(rb"zq7", re.I)
OUTSIDERS = {
    "forecaster": Role.FORECASTER,
    "organizer": Role.ORGANIZER,
    "leader": Role.LEADER,
    "admin": Role.ADMIN,
}

# How each GET route is requested. A placeholder in braces is filled from the world;
# "skip" routes carry nothing of any question (static files, documents, health).
ROUTES: dict[str, list[str]] = {
    "/": ["/"],
    "/account": ["/account"],
    "/account/download/<what>.<fmt>": [
        "/account/download/forecasts.csv",
        "/account/download/scores.json",
        "/account/download/comments.csv",
        "/account/download/comments.json",
    ],
    "/admin/users": ["/admin/users", "/admin/users?q=m"],
    "/api/v1/boundaries": ["/api/v1/boundaries"],
    "/api/v1/boundaries/<int:boundary_id>": ["/api/v1/boundaries/{boundary}"],
    "/api/v1/boundaries/<int:boundary_id>/events": ["/api/v1/boundaries/{boundary}/events"],
    "/api/v1/boundaries/report": [
        "/api/v1/boundaries/report",
        "/api/v1/boundaries/report?format=csv",
        "/api/v1/boundaries/report?tournament=zq7-tour",
        "/api/v1/boundaries/report?team=zq7team",
    ],
    "/api/v1/calibration/me": ["/api/v1/calibration/me"],
    "/api/v1/calibration/pastcasts/<int:question_id>": [
        "/api/v1/calibration/pastcasts/{question}"
    ],
    "/api/v1/calibration/pastcasts/next": ["/api/v1/calibration/pastcasts/next"],
    "/api/v1/calibration/sets": ["/api/v1/calibration/sets"],
    "/api/v1/calibration/sets/<slug>/next": ["/api/v1/calibration/sets/none/next"],
    "/api/v1/comments/<int:comment_id>": ["/api/v1/comments/{comment}"],
    "/api/v1/comments/<int:comment_id>/moderation": ["/api/v1/comments/{comment}/moderation"],
    "/api/v1/docs": [],
    "/api/v1/docs/assets/<name>": [],
    "/api/v1/health": [],
    "/api/v1/leaderboard": ["/api/v1/leaderboard", "/api/v1/leaderboard?format=csv"],
    "/api/v1/me/notification-deliveries": ["/api/v1/me/notification-deliveries"],
    "/api/v1/me/notification-settings": ["/api/v1/me/notification-settings"],
    "/api/v1/me/notifications": ["/api/v1/me/notifications"],
    "/api/v1/openapi.json": [],
    "/api/v1/questions": [
        "/api/v1/questions",
        "/api/v1/questions?search=zq7",
        "/api/v1/questions?tournament=zq7-tour",
        "/api/v1/questions?status=resolved",
    ],
    "/api/v1/questions/<int:question_id>": ["/api/v1/questions/{question}"],
    "/api/v1/questions/<int:question_id>/aggregate": ["/api/v1/questions/{question}/aggregate"],
    "/api/v1/questions/<int:question_id>/aggregate/history": [
        "/api/v1/questions/{question}/aggregate/history"
    ],
    "/api/v1/questions/<int:question_id>/comments": ["/api/v1/questions/{question}/comments"],
    "/api/v1/questions/<int:question_id>/follow": ["/api/v1/questions/{question}/follow"],
    "/api/v1/questions/<int:question_id>/forecasts/mine": [
        "/api/v1/questions/{question}/forecasts/mine"
    ],
    "/api/v1/questions/<int:question_id>/pair": ["/api/v1/questions/{question}/pair"],
    "/api/v1/questions/<int:question_id>/scores": ["/api/v1/questions/{question}/scores"],
    "/api/v1/questions/<int:question_id>/series": ["/api/v1/questions/{question}/series"],
    "/api/v1/ready": [],
    "/api/v1/teams": ["/api/v1/teams"],
    "/api/v1/teams/<slug>": ["/api/v1/teams/zq7team"],
    "/api/v1/tokens": ["/api/v1/tokens"],
    "/api/v1/tournaments": ["/api/v1/tournaments"],
    "/api/v1/tournaments/<slug>": ["/api/v1/tournaments/zq7-tour"],
    "/api/v1/tournaments/<slug>/leaderboard": [
        "/api/v1/tournaments/zq7-tour/leaderboard",
        "/api/v1/tournaments/zq7-tour/leaderboard?format=csv",
        "/api/v1/tournaments/pub/leaderboard",
    ],
    "/api/v1/users/<name>/track-record": [
        "/api/v1/users/mfore/track-record",
        "/api/v1/users/mfore/track-record?tournament=zq7-tour",
    ],
    "/boundaries": ["/boundaries"],
    "/boundaries/<int:boundary_id>": ["/boundaries/{boundary}"],
    "/boundaries/<int:boundary_id>/commit": ["/boundaries/{boundary}/commit"],
    "/boundaries/<int:boundary_id>/delete": ["/boundaries/{boundary}/delete"],
    "/boundaries/report": [
        "/boundaries/report",
        "/boundaries/report?format=csv",
        "/boundaries/report?format=json",
        "/boundaries/report?team=zq7team",
    ],
    "/calibration": ["/calibration"],
    "/calibration/<slug>": ["/calibration/none"],
    "/calibration/me": ["/calibration/me"],
    "/calibration/pastcasts": ["/calibration/pastcasts"],
    "/calibration/pastcasts/<int:question_id>": ["/calibration/pastcasts/{question}"],
    "/comments/<int:comment_id>/edit": ["/comments/{comment}/edit"],
    "/comments/<int:comment_id>/moderation": ["/comments/{comment}/moderation"],
    "/conditionals/new": ["/conditionals/new"],
    "/favicon.ico": [],
    "/leaderboard": ["/leaderboard", "/leaderboard?format=csv"],
    "/login": [],
    "/metrics": ["/metrics"],
    "/notifications": ["/notifications"],
    "/organizer": ["/organizer"],
    "/questions": [
        "/questions",
        "/questions?search=zq7",
        "/questions?tournament=zq7-tour",
        "/questions?status=resolved",
    ],
    "/questions/<int:question_id>": ["/questions/{question}"],
    "/questions/<int:question_id>/aggregate.csv": ["/questions/{question}/aggregate.csv"],
    "/questions/<int:question_id>/close": ["/questions/{question}/close"],
    "/questions/<int:question_id>/comments.<any(csv, json):fmt>": [
        "/questions/{question}/comments.csv",
        "/questions/{question}/comments.json",
    ],
    "/questions/<int:question_id>/edit": ["/questions/{question}/edit"],
    "/questions/<int:question_id>/pair": ["/questions/{question}/pair"],
    "/questions/<int:question_id>/series/edit": ["/questions/{question}/series/edit"],
    "/questions/new": ["/questions/new"],
    "/register": [],
    "/settings/notifications": ["/settings/notifications"],
    "/settings/notifications/confirm/<token>": [],
    "/static/<path:filename>": [],
    "/teams": ["/teams"],
    "/teams/<slug>": ["/teams/zq7team"],
    # Whoever holds a live invitation link sees the team's name: that is what it is for.
    "/teams/join/<token>": ["/teams/join/not-the-token"],
    "/tournaments": ["/tournaments"],
    "/tournaments/<slug>": ["/tournaments/zq7-tour"],
    "/tournaments/<slug>/leaderboard": [
        "/tournaments/zq7-tour/leaderboard",
        "/tournaments/zq7-tour/leaderboard?format=csv",
        "/tournaments/pub/leaderboard",
    ],
    "/tournaments/new": ["/tournaments/new"],
    "/users/<name>": ["/users/mfore", "/users/mfore?tournament=zq7-tour"],
}

# The private question's and boundary's own routes: an outsider gets 404 (or, where a role
# check comes before any lookup, the same refusal any id would get; anonymous: the login).
OWN_ROUTES = ("{question}", "{boundary}", "{comment}", "zq7-tour", "zq7team")


@dataclass
class World:
    question: int
    public_question: int
    boundary: int
    comment: int


def _api(app: Flask, client: FlaskClient, name: str, role: Role) -> Api:
    return Api(client, make_token(app, make_user(app, name, role)))


def _question(api: Api, title: str, tournament: str, key: str) -> int:
    now = utcnow()
    body = {
        "key": key,
        "type": "binary",
        "tournament": tournament,
        "title": title,
        "description": f"About {title}",
        "resolution_criteria": "Per the source.",
        "open_time": format_iso(now - timedelta(days=2)),
        "close_time": format_iso(now + timedelta(days=30)),
        "resolve_time": format_iso(now + timedelta(days=40)),
    }
    response = api.post("/questions", json=body)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def build_world(app: Flask) -> World:
    client = app.test_client()
    owner = _api(app, client, "zowner", Role.ORGANIZER)
    mleader = _api(app, client, "mleader", Role.LEADER)
    mfore = _api(app, client, "mfore", Role.FORECASTER)
    xfore = Api(client, make_token(app, make_user(app, "xfore", Role.FORECASTER)))
    assert owner.post("/teams", json={"slug": "zq7team", "name": "Zq7 Team"}).status_code == 201
    for name, role in (("mleader", "leader"), ("mfore", "member")):
        added = owner.post("/teams/zq7team/members", json={"username": name, "role": role})
        assert added.status_code == 201, added.json
    assert owner.post("/tournaments", json={"slug": "pub", "title": "Public"}).status_code == 201
    made = owner.post(
        "/tournaments", json={"slug": "zq7-tour", "title": "Zq7 tournament", "team": "zq7team"}
    )
    assert made.status_code == 201 and made.json["team"] == "zq7team", made.json
    private = _question(owner, "Zq7 private question?", "zq7-tour", "zq7-key")
    public = _question(owner, "A public question?", "pub", "public-key")
    for api, question, p in ((mfore, private, 0.7), (mfore, public, 0.6), (xfore, public, 0.2)):
        sent = api.post(
            f"/questions/{question}/forecasts", json={"probability": p, "rationale": "zq7 hunch"}
        )
        assert sent.status_code == 201, sent.json
    for question in (private, public):
        resolved = owner.post(f"/questions/{question}/resolution", json={"outcome": "yes"})
        assert resolved.status_code in (200, 201), resolved.json
    boundary = mleader.post(
        "/boundaries",
        json={
            "question": private,
            "action": "Zq7 act",
            "event": {"kind": "yes"},
            "threshold": 0.5,
            "shared": True,
            "shared_team": "zq7team",
        },
    )
    assert boundary.status_code == 201, boundary.json
    bid = int(boundary.json["id"])
    assert mleader.post(f"/boundaries/{bid}/commit").status_code == 200
    comment = mfore.post(f"/questions/{private}/comments", json={"body": "zq7 comment"})
    cid = int(comment.json["id"]) if comment.status_code == 201 else 1
    return World(question=private, public_question=public, boundary=bid, comment=cid)


def _urls(world: World) -> list[tuple[str, str | None]]:
    """Return each URL to request and, for the private things' own, the same URL about
    something that does not exist (the answers must not tell them apart)."""
    fill = {"question": world.question, "boundary": world.boundary, "comment": world.comment}
    none = {"question": 999999, "boundary": 999999, "comment": 999999}
    pairs = []
    for urls in ROUTES.values():
        for url in urls:
            own = any(part in url for part in OWN_ROUTES)
            absent = url.format(**none).replace("zq7-tour", "no-such").replace("zq7team", "nope")
            pairs.append((url.format(**fill), absent if own else None))
    return pairs


def _echo_free(url: str, body: bytes) -> bytes:
    """Remove from body what the URL itself asked for (an error may name what was asked)."""
    for word in re.findall(r"zq7[\w-]*", url, re.I):
        body = body.replace(word.encode(), b"")
    return body


def _login(app: Flask, name: str | None) -> FlaskClient:
    client = app.test_client()
    if name is not None:
        response = client.post("/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302
    return client


def _get(client: FlaskClient, url: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token and url.startswith("/api/") else {}
    return client.get(url, headers=headers)


def test_every_get_route_is_classified(app: Flask) -> None:
    rules = {r.rule for r in app.url_map.iter_rules() if "GET" in (r.methods or set())}
    assert sorted(rules - set(ROUTES)) == [], "classify the new GET routes in ROUTES"


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "anonymous"])
def test_nothing_private_reaches_an_outsider(app: Flask, outsider: str) -> None:
    world = build_world(app)
    name = None
    token = None
    if outsider != "anonymous":
        name = f"x{outsider}"
        user = make_user(app, name, OUTSIDERS[outsider])
        token = make_token(app, user)
    client = _login(app, name)
    for url, absent in _urls(world):
        response = _get(client, url, token)
        assert response.status_code < 500, (url, response.status_code)
        body = _echo_free(url, response.data)
        assert not MARKER.search(body), (outsider, url, body[:300])
        if absent is not None:
            # The private thing's own route answers as it would for one that does not exist.
            assert response.status_code == _get(client, absent, token).status_code, url
    for url in (f"/questions/{world.question}", f"/api/v1/questions/{world.question}"):
        assert _get(client, url, token).status_code == 404, url
    # Counts are the public ones: one public question, one public tournament.
    assert _get(client, "/api/v1/questions", token).json["total"] == 1
    assert [t["slug"] for t in _get(client, "/api/v1/tournaments", token).json["items"]] == ["pub"]


def test_a_member_sees_the_private_things(app: Flask) -> None:
    world = build_world(app)
    token = make_token(app, _user(app, "mfore"))
    client = _login(app, "mfore")
    for url in (
        f"/questions/{world.question}",
        f"/api/v1/questions/{world.question}",
        "/tournaments/zq7-tour",
        "/api/v1/tournaments/zq7-tour",
        "/teams/zq7team",
        "/api/v1/teams/zq7team",
        "/users/mfore",
        "/api/v1/users/mfore/track-record",
        "/questions?search=zq7",
    ):
        response = _get(client, url, token)
        assert response.status_code == 200 and MARKER.search(response.data), url
    assert _get(client, "/api/v1/questions", token).json["total"] == 2
    leader_token = make_token(app, _user(app, "mleader"))
    report = _get(client, "/api/v1/boundaries/report?team=zq7team", leader_token)
    assert report.status_code == 200 and [r["id"] for r in report.json] == [world.boundary]


def test_an_outsiders_track_record_of_a_member_leaves_out_private_scores(app: Flask) -> None:
    build_world(app)
    outsider = make_token(app, make_user(app, "xfore2", Role.FORECASTER))
    member = make_token(app, _user(app, "mfore"))
    client = app.test_client()
    seen_out = _get(client, "/api/v1/users/mfore/track-record", outsider).json
    seen_in = _get(client, "/api/v1/users/mfore/track-record", member).json
    assert (seen_out["resolved_questions"], seen_in["resolved_questions"]) == (1, 2)
    assert [s["question"] for s in seen_out["scores"]] == ["public-key"]


def _user(app: Flask, name: str) -> Any:
    from forecast.infra.db import session_scope
    from forecast.services.accounts.users import get_user

    with app.app_context(), session_scope() as session:
        user = get_user(session, name)
        session.expunge(user)
        return user
