"""Every write endpoint of the API, and the private reads, tried by every role: the status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlmodel import col, select

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.accounts.tokens import create_token
from forecast.services.accounts.users import create_user
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import Api
from tests.integration.factories import question_data

ROLES = ("anonymous", "forecaster", "organizer", "leader", "admin")


def _setup(app: Flask, client: Any) -> dict[str, Any]:
    with app.app_context(), session_scope() as session:
        users = {}
        for role in ROLES[1:]:
            users[role] = create_user(
                session=session, username=f"the-{role}", password=None, role=Role(role)
            )
        create_tournament(session=session, actor=users["organizer"], slug="ai", title="AI")
        tokens = {role: create_token(session=session, user=user) for role, user in users.items()}
    apis = {role: Api(client, tokens.get(role)) for role in ROLES}
    open_q = apis["organizer"].post("/questions", json=question_data()).get_json()["id"]
    pending = apis["forecaster"].post("/questions", json=question_data(tournament=None))
    return {"api": apis, "open": open_q, "pending": pending.get_json()["id"], "app": app}


def _comment(w: dict[str, Any]) -> int:
    """A new comment of the forecaster's on the open question; its id."""
    made = w["api"]["forecaster"].post(f"/questions/{w['open']}/comments", json={"body": "Hm."})
    return made.get_json()["id"]  # type: ignore[no-any-return]


BOUNDARY = {"action": "Act", "event": {"kind": "yes"}, "comparator": ">=", "threshold": 0.1}
SET = {
    "format": "forecast-calibration/1",
    "title": "T",
    "items": [{"kind": "binary", "prompt": "P", "answer": True, "source": "s"}],
}


def _others_notification(w: dict[str, Any]) -> int:
    """A notification of a user none of the callers is."""
    from forecast.infra.db import write
    from forecast.services.notifications import notify

    with w["app"].app_context(), session_scope() as session, write(session):
        someone = create_user(session=session, username="someone-else", password=None)
        note = notify(session, someone.id, kind="question_reject", message="Not yours")  # type: ignore[arg-type]
    return int(note.id)  # type: ignore[arg-type]


def _dead_delivery(w: dict[str, Any], username: str) -> str:
    """A webhook message the outbox gave up on, of username (made when missing); its id."""
    from forecast.infra.clock import utcnow
    from forecast.infra.db import write
    from forecast.models import OutboxMessage, User

    with w["app"].app_context(), session_scope() as session, write(session):
        owner = session.exec(select(User).where(col(User.username) == username)).first()
        owner = owner or create_user(session=session, username=username, password=None)
        message = OutboxMessage(
            user_id=owner.id,  # type: ignore[arg-type]
            channel="webhook",
            kind="boundary_crossed",
            delivery_id=f"msg_dead_{username}",
            payload="{}",
            status="dead",
            attempts=12,
            finished_at=utcnow(),
        )
        session.add(message)
    return message.delivery_id


def _own_dead_delivery(w: dict[str, Any], role: str) -> str:
    """A dead message of the caller's (of the forecaster's for an anonymous caller)."""
    return _dead_delivery(w, f"the-{role if role != 'anonymous' else 'forecaster'}")


def _outcome(w: dict[str, Any]) -> int:
    """Return a new question the organizer made, to be the outcome of a conditional pair."""
    created = w["api"]["organizer"].post("/questions", json=question_data())
    return int(created.get_json()["id"])


def _pair(w: dict[str, Any]) -> int:
    """Return the yes branch of a conditional pair on the open question."""
    pair = w["api"]["organizer"].post(
        "/conditionals", json={"condition": w["open"], "outcome": _outcome(w)}
    )
    return int(pair.get_json()["yes"]["id"])


def _numeric(w: dict[str, Any]) -> int:
    """Return a new numeric question the organizer made, to carry a trend series."""
    created = w["api"]["organizer"].post("/questions", json=question_data("numeric"))
    return int(created.get_json()["id"])


SERIES = {
    "fit": "linear",
    "points": [{"date": f"202{k}-01-01T00:00:00Z", "value": 10.0 * k + 1} for k in range(4)],
}


def _with_series(w: dict[str, Any]) -> int:
    """Return a new numeric question carrying a trend series."""
    qid = _numeric(w)
    assert w["api"]["organizer"].post(f"/questions/{qid}/series", json=SERIES).status_code == 201
    return qid


TREND_BOUNDARY = {**BOUNDARY, "event": {"kind": "at_least", "value": 50}, "method": "trend"}


def _others_team(w: dict[str, Any]) -> str:
    """A team that none of the callers belongs to; its slug."""
    from forecast.services.teams.membership import create_team

    with w["app"].app_context(), session_scope() as session:
        owner = create_user(session=session, username="team-owner", password=None)
        return create_team(session=session, actor=owner, slug="theirs", name="Theirs").slug


def _own_team(api: Api, role: str) -> str:
    """A team the caller owns (none for an anonymous caller); its slug."""
    api.post("/teams", json={"slug": f"mine-{role}", "name": "Mine"})
    return f"mine-{role}"


def _resolved(w: dict[str, Any], team: str | None = None) -> int:
    """A question resolved yes after a life 40 to 10 days ago (in a team's private tournament
    when team is given: nobody calling is a member); its id."""
    from datetime import timedelta

    data = question_data(opens=timedelta(days=-40), closes=timedelta(days=-10))
    made = w["api"]["organizer"].post("/questions", json=data).get_json()["id"]
    w["api"]["organizer"].post(f"/questions/{made}/resolution", json={"outcome": "yes"})
    if team is not None:
        from forecast.infra.db import write
        from forecast.models import Question, Team

        with w["app"].app_context(), session_scope() as session, write(session):
            question = session.get(Question, made)
            assert question is not None
            question.team_id = session.exec(select(Team).where(col(Team.slug) == team)).one().id
    return int(made)


LOGGED = {"anonymous": 401, "forecaster": 201, "organizer": 201, "leader": 201, "admin": 201}
NON_MEMBER = {"anonymous": 401, "forecaster": 404, "organizer": 404, "leader": 404, "admin": 404}


def _signposted(w: dict[str, Any], role: str, owner: str = "own", shared: bool = False) -> str:
    """A committed boundary on a new question with a conditional pair on it, and the pair's
    condition: "/boundaries/{id}/signposts" and the condition id, as "path|condition".

    owner "own": the caller's (the leader's for a caller who may not draft one); "other": a
    leader's that none of the callers is, shared with every leader when shared says so.
    """
    from forecast.services.accounts.users import find_user
    from forecast.services.boundaries import lifecycle

    organizer = w["api"]["organizer"]
    outcome = _outcome(w)
    condition = _outcome(w)
    made = organizer.post("/conditionals", json={"condition": condition, "outcome": outcome})
    assert made.status_code == 201
    drafter = role if owner == "own" and role in ("leader", "admin") else "leader"
    with w["app"].app_context(), session_scope() as session:
        name = f"the-{drafter}" if owner == "own" else "other-leader"
        actor = find_user(session, name) or create_user(
            session=session, username=name, password=None, role=Role.LEADER
        )
        data = {**BOUNDARY, "question": outcome, "shared": shared}
        boundary = lifecycle.create_boundary(session=session, actor=actor, data=data)
        lifecycle.commit_boundary(session=session, actor=actor, boundary_id=boundary.id or 0)
    return f"/boundaries/{boundary.id}/signposts|{condition}"


def _name_signpost(api: Api, w: dict[str, Any], role: str, **kwargs: Any) -> Any:
    path, condition = _signposted(w, role, **kwargs).split("|")
    return api.post(path, json={"condition": int(condition)})


CASES: dict[str, tuple[Callable[[Api, dict[str, Any], str], Any], dict[str, int]]] = {
    "create a team": (
        lambda api, w, role: api.post("/teams", json={"slug": f"t-{role}", "name": "T"}),
        LOGGED,
    ),
    "read a team one is not in": (
        lambda api, w, role: api.get(f"/teams/{_others_team(w)}"),
        NON_MEMBER,
    ),
    "add a member to a team one is not in": (
        lambda api, w, role: api.post(
            f"/teams/{_others_team(w)}/members", json={"username": "the-admin"}
        ),
        NON_MEMBER,
    ),
    "remove a member of a team one is not in": (
        lambda api, w, role: api.delete(f"/teams/{_others_team(w)}/members/team-owner"),
        NON_MEMBER,
    ),
    "add a member to one's own team": (
        lambda api, w, role: api.post(
            f"/teams/{_own_team(api, role)}/members",
            json={"username": "the-organizer"}
            if role != "organizer"
            else {"username": "the-admin"},
        ),
        {"anonymous": 401, "forecaster": 201, "organizer": 201, "leader": 201, "admin": 201},
    ),
    "create a private tournament in one's own team": (
        lambda api, w, role: api.post(
            "/tournaments",
            json={"slug": f"p-{role}", "title": "P", "team": _own_team(api, role)},
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 201, "leader": 403, "admin": 201},
    ),
    "propose or create a question": (
        lambda api, w, role: api.post("/questions", json=question_data()),
        {"anonymous": 401, "forecaster": 201, "organizer": 201, "leader": 201, "admin": 201},
    ),
    "review a proposal": (
        lambda api, w, role: api.post(
            f"/questions/{w['pending']}/review", json={"decision": "approve", "tournament": "ai"}
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 200, "leader": 403, "admin": 200},
    ),
    "submit a forecast": (
        lambda api, w, role: api.post(
            f"/questions/{w['open']}/forecasts", json={"probability": 0.4}
        ),
        {"anonymous": 401, "forecaster": 201, "organizer": 201, "leader": 201, "admin": 201},
    ),
    "resolve a question": (
        lambda api, w, role: api.post(
            f"/questions/{w['open']}/resolution", json={"outcome": "yes"}
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 200, "leader": 403, "admin": 200},
    ),
    "attach a trend series": (
        lambda api, w, role: api.post(f"/questions/{_numeric(w)}/series", json=SERIES),
        {"anonymous": 401, "forecaster": 403, "organizer": 201, "leader": 403, "admin": 201},
    ),
    "read the trend line's reference forecast": (
        lambda api, w, role: api.get(f"/questions/{_with_series(w)}/aggregate?method=trend"),
        {"anonymous": 200, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "draft a boundary that acts on the trend line": (
        lambda api, w, role: api.post(
            "/boundaries", json={**TREND_BOUNDARY, "question": _with_series(w)}
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 201, "admin": 201},
    ),
    "draft a decision boundary": (
        lambda api, w, role: api.post("/boundaries", json={**BOUNDARY, "question": w["open"]}),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 201, "admin": 201},
    ),
    "read the threshold report": (
        lambda api, w, role: api.get("/boundaries/report"),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 200, "admin": 200},
    ),
    "name a signpost on one's own boundary": (
        lambda api, w, role: _name_signpost(api, w, role),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 200, "admin": 200},
    ),
    "replace the signposts of one's own boundary": (
        lambda api, w, role: api.client.put(
            f"/api/v1{_signposted(w, role).split('|')[0]}",
            json={"signposts": []},
            headers=api._headers(),
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 200, "admin": 200},
    ),
    "name a signpost on another leader's shared boundary": (
        lambda api, w, role: _name_signpost(api, w, role, owner="other", shared=True),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 403, "admin": 403},
    ),
    "name a signpost on another leader's private boundary": (
        lambda api, w, role: _name_signpost(api, w, role, owner="other"),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 404, "admin": 403},
    ),
    "remove a signpost of another leader's shared boundary": (
        lambda api, w, role: api.delete(
            "/".join(_signposted(w, role, owner="other", shared=True).split("|"))
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 403, "leader": 403, "admin": 403},
    ),
    "list one's API tokens": (
        lambda api, w, role: api.get("/tokens"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "revoke the token in use": (
        lambda api, w, role: api.delete("/tokens/current"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "revoke every token of one's own": (
        lambda api, w, role: api.delete("/tokens"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "list one's notifications": (
        lambda api, w, role: api.get("/me/notifications"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "mark one's notifications read": (
        lambda api, w, role: api.post("/me/notifications/read"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "read one's notification settings": (
        lambda api, w, role: api.get("/me/notification-settings"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "change one's notification settings": (
        lambda api, w, role: api.client.put(
            "/api/v1/me/notification-settings",
            json={"webhook_format": "slack", "events": {"alerts": ["email"]}},
            headers=api._headers(),
        ),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "read one's delivery log": (
        lambda api, w, role: api.get("/me/notification-deliveries"),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "send one's own dead delivery again": (
        lambda api, w, role: api.post(
            f"/me/notification-deliveries/{_own_dead_delivery(w, role)}/resend"
        ),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "send someone else's dead delivery again": (
        lambda api, w, role: api.post(
            f"/me/notification-deliveries/{_dead_delivery(w, 'someone-dead')}/resend"
        ),
        {"anonymous": 401, "forecaster": 404, "organizer": 404, "leader": 404, "admin": 200},
    ),
    "mark someone else's notification read": (
        lambda api, w, role: api.post(f"/me/notifications/{_others_notification(w)}/read"),
        {"anonymous": 401, "forecaster": 404, "organizer": 404, "leader": 404, "admin": 404},
    ),
    "comment on a question": (
        lambda api, w, role: api.post(f"/questions/{w['open']}/comments", json={"body": "Why?"}),
        {"anonymous": 401, "forecaster": 201, "organizer": 201, "leader": 201, "admin": 201},
    ),
    "list a question's comments": (
        lambda api, w, role: api.get(f"/questions/{w['open']}/comments"),
        {"anonymous": 200, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "edit the forecaster's comment": (
        lambda api, w, role: api.patch(f"/comments/{_comment(w)}", json={"body": "Mine"}),
        {"anonymous": 401, "forecaster": 200, "organizer": 403, "leader": 403, "admin": 403},
    ),
    "delete the forecaster's comment": (
        lambda api, w, role: api.delete(f"/comments/{_comment(w)}"),
        {"anonymous": 401, "forecaster": 200, "organizer": 403, "leader": 403, "admin": 403},
    ),
    "hide a comment": (
        lambda api, w, role: api.post(f"/comments/{_comment(w)}/hide", json={"reason": "Spam"}),
        {"anonymous": 401, "forecaster": 403, "organizer": 200, "leader": 403, "admin": 200},
    ),
    "read a comment's moderation log": (
        lambda api, w, role: api.get(f"/comments/{_comment(w)}/moderation"),
        {"anonymous": 401, "forecaster": 403, "organizer": 200, "leader": 403, "admin": 200},
    ),
    "follow a question": (
        lambda api, w, role: api.client.put(
            f"/api/v1/questions/{w['open']}/follow", json={}, headers=api._headers()
        ),
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "create a tournament": (
        lambda api, w, role: api.post("/tournaments", json={"slug": f"t-{role}", "title": "T"}),
        {"anonymous": 401, "forecaster": 403, "organizer": 201, "leader": 403, "admin": 201},
    ),
    "read one's next pastcast": (
        lambda api, w, role: api.get("/calibration/pastcasts/next") if _resolved(w) else None,
        {"anonymous": 401, "forecaster": 200, "organizer": 200, "leader": 200, "admin": 200},
    ),
    "answer a pastcast": (
        lambda api, w, role: api.post(
            f"/calibration/pastcasts/{_resolved(w)}/answers", json={"probability": 0.7}
        ),
        LOGGED,
    ),
    "answer a pastcast of a team's question one is not in": (
        lambda api, w, role: api.post(
            f"/calibration/pastcasts/{_resolved(w, _others_team(w))}/answers",
            json={"probability": 0.7},
        ),
        NON_MEMBER,
    ),
    "add a calibration set": (
        lambda api, w, role: api.post("/calibration/sets", json={**SET, "slug": f"s-{role}"}),
        {"anonymous": 401, "forecaster": 403, "organizer": 201, "leader": 403, "admin": 201},
    ),
    "link a condition and an outcome into a conditional pair": (
        lambda api, w, role: api.post(
            "/conditionals", json={"condition": w["open"], "outcome": _outcome(w)}
        ),
        {"anonymous": 401, "forecaster": 403, "organizer": 201, "leader": 403, "admin": 201},
    ),
    "forecast both branches of a conditional pair": (
        lambda api, w, role: api.post(
            f"/questions/{_pair(w)}/pair/forecasts",
            json={"yes": {"probability": 0.6}, "no": {"probability": 0.2}},
        ),
        {"anonymous": 401, "forecaster": 201, "organizer": 201, "leader": 201, "admin": 201},
    ),
}


@pytest.mark.parametrize("action", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_exactly_the_expected_status(app: Flask, action: str, role: str) -> None:
    world = _setup(app, app.test_client())
    call, expected = CASES[action]
    response = call(world["api"][role], world, role)
    assert response.status_code == expected[role], response.get_json()
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"code", "message", "field"}


def test_a_forecaster_never_sees_another_users_pending_proposal(app: Flask) -> None:
    world = _setup(app, app.test_client())
    with app.app_context(), session_scope() as session:
        other = create_user(session=session, username="someone-else", password=None)
        api = Api(app.test_client(), create_token(session=session, user=other))
    assert api.get(f"/questions/{world['pending']}").status_code == 404
    listed = api.get("/questions?per_page=100").get_json()["items"]
    assert world["pending"] not in [q["id"] for q in listed]


def test_each_user_reads_only_their_own_notifications(app: Flask) -> None:
    world = _setup(app, app.test_client())
    # The proposal of the setup told every organizer and admin: each sees only their copy.
    for role in ROLES[1:]:
        listed = world["api"][role].get("/me/notifications").get_json()
        expected = 1 if role in ("organizer", "admin") else 0
        assert listed["total"] == expected, role
        assert all("the-forecaster proposed" in n["message"] for n in listed["items"])
    ids = {
        role: [n["id"] for n in world["api"][role].get("/me/notifications").get_json()["items"]]
        for role in ("organizer", "admin")
    }
    assert ids["organizer"] != ids["admin"]
    # Marking read touches only the caller's own.
    assert world["api"]["organizer"].post("/me/notifications/read").get_json() == {"marked": 1}
    admin_items = world["api"]["admin"].get("/me/notifications").get_json()["items"]
    assert admin_items[0]["read_at"] is None


@pytest.mark.parametrize("role", ROLES)
def test_readiness_is_for_anyone_and_metrics_for_no_api_role(app: Flask, role: str) -> None:
    world = _setup(app, app.test_client())
    api = world["api"][role]
    assert api.get("/ready").status_code == 200
    # /metrics opens by address (FORECAST_METRICS_ALLOW) or its own token, never by a role.
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    response = api.client.get("/metrics", headers=api._headers(), environ_base=outside)
    assert response.status_code == 403
    assert api.client.get("/metrics", headers=api._headers()).status_code == 200  # loopback
