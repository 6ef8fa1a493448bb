"""Every state-changing web form, tried by every role: the exact status each gets.

Anonymous visitors are sent to the login page (302 to /login) by every form that needs an
account; a logged-in user without the role gets a 403 page; the right role succeeds (302 to the
result with no error message, or 200 where the form answers with a page). The table must name
every POST route of the pages, so a new form without a row fails here.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import session_scope, write
from forecast.models import Question, Role, User
from forecast.services import calibration as training
from forecast.services.accounts.tokens import token_owner
from forecast.services.accounts.users import create_user, set_password
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.discussion.comments import create_comment
from forecast.services.forecasts import submit_forecast, withdraw_forecast
from forecast.services.notifications import notify
from forecast.services.questions.lifecycle import create_question, review_question
from forecast.services.resolution.resolve import resolve
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import PASSWORD, Api, make_token
from tests.integration.factories import question_data
from tests.web.test_authorization_matrix import ROLES

LOGGED_IN = ROLES[1:]
_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


class WebWorld:
    """One user per role (the acting one can log in), a tournament, and builders of targets."""

    def __init__(self, app: Flask, acting: str) -> None:
        self.app = app
        self.acting = acting
        with app.app_context(), session_scope() as session:
            self.users: dict[str, User] = {
                role: create_user(
                    session=session,
                    username=f"the-{role}",
                    password=PASSWORD if role == acting else None,
                    role=Role(role),
                )
                for role in LOGGED_IN
            }
            self.proposer = create_user(session=session, username="prop", password=None)
            create_tournament(session=session, actor=self.users["organizer"], slug="ai", title="AI")

    @property
    def me(self) -> User | None:
        return self.users.get(self.acting)

    @property
    def leaderish(self) -> User:
        """The acting user when they may own boundaries, else the leader."""
        if self.acting in ("leader", "admin"):
            return self.users[self.acting]
        return self.users["leader"]

    def own_token(self) -> int:
        """A token of the acting user (of the forecaster for an anonymous visitor); its id."""
        owner = self.me or self.users["forecaster"]
        secret = make_token(self.app, owner)
        with self.app.app_context(), session_scope() as session:
            found = token_owner(session=session, token=secret)
        assert found is not None
        return found[0]

    def open_question(self) -> Question:
        with self.app.app_context(), session_scope() as session:
            return create_question(
                session=session,
                actor=self.users["organizer"],
                data=question_data(title=unique("Will it happen")),
            )

    def proposal(self) -> Question:
        with self.app.app_context(), session_scope() as session:
            return create_question(
                session=session,
                actor=self.proposer,
                data=question_data(tournament=None, title=unique("Proposed")),
            )

    def returned_proposal(self) -> Question:
        question = self.proposal()
        with self.app.app_context(), session_scope() as session:
            review_question(
                session=session,
                actor=self.users["organizer"],
                question_id=question.id,  # type: ignore[arg-type]
                decision="return",
                comment="say which source",
            )
        return question

    def boundary(self, *, committed: bool) -> int:
        question = self.open_question()
        owner = self.leaderish
        with self.app.app_context(), session_scope() as session:
            boundary = boundary_service.create_boundary(
                session=session,
                actor=owner,
                data={
                    "question": question.id,
                    "action": "Act",
                    "event": {"kind": "yes"},
                    "comparator": ">=",
                    "threshold": 0.1,
                },
            )
            assert boundary.id is not None
            if committed:
                boundary_service.commit_boundary(
                    session=session, actor=owner, boundary_id=boundary.id
                )
        return boundary.id


Request = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Case:
    endpoint: str
    prepare: Callable[[WebWorld], Request]
    expected: dict[str, int]


def allowed(*roles: str, ok: int = 302) -> dict[str, int]:
    """Anonymous: to the login page; the listed roles: ok; every other role: 403."""
    return {"anonymous": 302, **{r: ok if r in roles else 403 for r in LOGGED_IN}}


def signpost_form(world: WebWorld) -> Request:
    """Name, on a committed boundary of the acting leader's, a pair on its question."""
    from forecast.services.conditionals.create import create_pair

    boundary_id = world.boundary(committed=True)
    condition = world.open_question()
    with world.app.app_context(), session_scope() as session:
        boundary = boundary_service.get_boundary(session, world.leaderish, boundary_id)
        create_pair(
            session=session,
            actor=world.users["organizer"],
            condition=condition.id,
            outcome=boundary.question_id,
        )
    return f"/boundaries/{boundary_id}/signposts", {"condition": str(condition.id)}


def question_form(world: WebWorld) -> Request:
    now = utcnow()
    return "/questions/new", {
        "type": "binary",
        "tournament": "ai",
        "title": unique("A web question"),
        "description": "Context.",
        "resolution_criteria": "Per the source.",
        "open_time": format_iso(now - timedelta(days=1)),
        "close_time": format_iso(now + timedelta(days=30)),
        "resolve_time": format_iso(now + timedelta(days=40)),
    }


def review(decision: str) -> Callable[[WebWorld], Request]:
    def prepare(world: WebWorld) -> Request:
        question = world.proposal()
        return f"/questions/{question.id}/review", {
            "decision": decision,
            "comment": "clear enough" if decision == "approve" else "needs a source",
            "tournament": "ai",
        }

    return prepare


def withdraw(world: WebWorld) -> Request:
    question = world.open_question()
    if world.me is not None:
        with world.app.app_context(), session_scope() as session:
            submit_forecast(
                session=session, actor=world.me, question_id=question.id, probability=0.4
            )
    return f"/questions/{question.id}/withdraw", {"confirmed": "yes"}


def unresolve(world: WebWorld) -> Request:
    question = world.open_question()
    with world.app.app_context(), session_scope() as session:
        resolve(
            session=session,
            actor=world.users["organizer"],
            question_id=question.id,  # type: ignore[arg-type]
            data={"outcome": "yes"},
        )
    return f"/questions/{question.id}/resolve", {
        "action": "unresolve",
        "reason": "retracted",
        "confirm": "yes",
    }


def calibration_set(world: WebWorld) -> str:
    slug = unique("set")
    with world.app.app_context(), session_scope() as session:
        training.import_set(
            session=session,
            actor=None,
            system=True,
            document={
                "format": training.FORMAT,
                "slug": slug,
                "title": "T",
                "items": [{"kind": "binary", "prompt": "P?", "answer": True, "source": "s"}],
            },
        )
        item = training.next_item(session=session, user=world.users["forecaster"], slug=slug)
        assert item is not None
    return f"/calibration/{slug}:{item.id}"


def calibration_answer(world: WebWorld) -> Request:
    path, item_id = calibration_set(world).split(":")
    return path, {"item_id": item_id, "kind": "binary", "answer": "true", "confidence": "80"}


def calibration_upload(world: WebWorld) -> Request:
    document = {
        "format": training.FORMAT,
        "slug": unique("upload"),
        "title": "Uploaded",
        "items": [{"kind": "binary", "prompt": "P?", "answer": False, "source": "s"}],
    }
    return "/calibration", {"file": (io.BytesIO(json.dumps(document).encode()), "set.json")}


def set_role(world: WebWorld) -> Request:
    name = unique("target")
    with world.app.app_context(), session_scope() as session:
        create_user(session=session, username=name, password=None)
    return f"/admin/users/{name}/role", {"role": "organizer"}


def boundary_form(world: WebWorld) -> Request:
    question = world.open_question()
    return "/boundaries", {
        "question": str(question.id),
        "event_kind": "yes",
        "comparator": ">=",
        "threshold_1": "10",
        "action_1": "Fund a team",
    }


def login_as_someone(world: WebWorld) -> Request:
    name = unique("someone")
    with world.app.app_context(), session_scope() as session:
        create_user(session=session, username=name, password=PASSWORD)
    return "/login", {"username": name, "password": PASSWORD}


def pair_forecast(world: WebWorld) -> Request:
    from forecast.services.conditionals.create import create_pair

    condition, outcome = world.open_question(), world.open_question()
    with world.app.app_context(), session_scope() as session:
        pair = create_pair(
            session=session,
            actor=world.users["organizer"],
            condition=condition.id,
            outcome=outcome.id,
        )
    assert pair.yes is not None
    return f"/questions/{pair.yes.id}/pair", {"yes_probability": "30", "no_probability": "5"}


def trend_series(world: WebWorld) -> Request:
    with world.app.app_context(), session_scope() as session:
        question = create_question(
            session=session,
            actor=world.users["organizer"],
            data=question_data("numeric", title=unique("How much")),
        )
    text = "date,value,source\n2021-01-01,10,a\n2022-01-01,20,b\n2023-01-01,30,c\n"
    return f"/questions/{question.id}/series/edit", {"points_text": text, "fit": "linear"}


EVERYONE = {role: 302 for role in ROLES}


def a_team(world: WebWorld, owner: User) -> str:
    """A new team owned by owner, with the proposer as a member; its slug."""
    from forecast.services.teams import membership

    slug = unique("team")
    with world.app.app_context(), session_scope() as session:
        membership.create_team(session=session, actor=owner, slug=slug, name="A team")
        if owner.id != world.proposer.id:
            membership.add_member(session=session, actor=owner, slug=slug, username="prop")
    return slug


def own_team(world: WebWorld) -> str:
    """A team of the acting user (of the forecaster for an anonymous visitor)."""
    return a_team(world, world.me or world.users["forecaster"])


def team_invitation(world: WebWorld) -> Request:
    """The live invitation link of someone else's team."""
    from forecast.services.teams import invitations

    slug = a_team(world, world.proposer)
    with world.app.app_context(), session_scope() as session:
        token = invitations.create_invite_link(session=session, actor=world.proposer, slug=slug)
    return f"/teams/join/{token}", {}


def dead_delivery(world: WebWorld, owner: User) -> str:
    """A webhook message of owner's that the outbox gave up on; its delivery id."""
    from forecast.models import OutboxMessage

    delivery_id = unique("msg_dead")
    with world.app.app_context(), session_scope() as session, write(session):
        session.add(
            OutboxMessage(
                user_id=owner.id,  # type: ignore[arg-type]
                channel="webhook",
                kind="boundary_crossed",
                delivery_id=delivery_id,
                payload="{}",
                status="dead",
                attempts=12,
                finished_at=utcnow(),
            )
        )
    return delivery_id


def resend_form(world: WebWorld, owner: User) -> Request:
    return f"/settings/notifications/deliveries/{dead_delivery(world, owner)}/resend", {}


# Someone else's team answers 404 to a non-member whatever their role (it stays unconfirmed).
NOT_A_MEMBER = {"anonymous": 302, **{role: 404 for role in LOGGED_IN}}


def resolved_pastcast(world: WebWorld, team_owner: User | None = None) -> Request:
    """A question resolved yes after a life 40 to 10 days ago (in a team of team_owner's)."""
    with world.app.app_context(), session_scope() as session:
        question = create_question(
            session=session,
            actor=world.users["organizer"],
            data=question_data(
                title=unique("Did it happen"), opens=timedelta(days=-40), closes=timedelta(days=-10)
            ),
        )
        resolve(
            session=session,
            actor=world.users["organizer"],
            question_id=question.id,  # type: ignore[arg-type]
            data={"outcome": "yes"},
        )
    if team_owner is not None:
        from forecast.services.teams import membership

        team = a_team(world, team_owner)
        with world.app.app_context(), session_scope() as session, write(session):
            stored = session.get(Question, question.id)
            assert stored is not None
            stored.team_id = membership.get_team(session=session, viewer=team_owner, slug=team).id
    return f"/calibration/pastcasts/{question.id}", {"probability": "70"}


def own_notification(world: WebWorld) -> Request:
    """A notification of the acting user (of the forecaster for an anonymous visitor)."""
    owner = world.me or world.users["forecaster"]
    with world.app.app_context(), session_scope() as session, write(session):
        note = notify(session, owner.id, kind="question_reject", message="Yours")  # type: ignore[arg-type]
    return f"/notifications/{note.id}/read", {}


def others_notification(world: WebWorld) -> Request:
    """A notification of someone who is not the acting user."""
    with world.app.app_context(), session_scope() as session, write(session):
        note = notify(session, world.proposer.id, kind="question_reject", message="Not yours")  # type: ignore[arg-type]
    return f"/notifications/{note.id}/read", {}


def email_confirmation(world: WebWorld) -> Request:
    """The confirmation link of the forecaster's new address (whoever follows it)."""
    from forecast.services.notifications.messages import confirmation_serializer
    from forecast.services.notifications.settings import update_settings

    owner = world.users["forecaster"]
    with world.app.app_context(), session_scope() as session:
        update_settings(session=session, user=owner, data={"email": "fc@example.org"})
    token = confirmation_serializer(world.app.config["SECRET_KEY"]).dumps(
        {"user": owner.id, "email": "fc@example.org"}
    )
    return f"/settings/notifications/confirm/{token}", {}


def a_comment(world: WebWorld, author: User) -> int:
    """A new comment of author on a new open question; its id."""
    question = world.open_question()
    with world.app.app_context(), session_scope() as session:
        comment = create_comment(
            session=session, actor=author, question_id=question.id, body="A point."
        )
    return comment.id  # type: ignore[return-value]


def own_comment(world: WebWorld) -> int:
    """A comment of the acting user (of the forecaster for an anonymous visitor)."""
    return a_comment(world, world.me or world.users["forecaster"])


CASES: dict[str, Case] = {
    "propose or create a question": Case("questions.new", question_form, allowed(*LOGGED_IN)),
    "approve a proposal": Case(
        "questions.review", review("approve"), allowed("organizer", "admin")
    ),
    "return a proposal": Case("questions.review", review("return"), allowed("organizer", "admin")),
    "reject a proposal": Case("questions.review", review("reject"), allowed("organizer", "admin")),
    "resubmit someone else's returned proposal": Case(
        "questions.edit",
        lambda w: (f"/questions/{w.returned_proposal().id}/edit", {"title": "Mine now?"}),
        # Organizers see the proposal but may not edit it; to others it does not exist.
        {"anonymous": 302, "forecaster": 404, "organizer": 403, "leader": 404, "admin": 403},
    ),
    "submit a forecast": Case(
        "questions.submit",
        lambda w: (f"/questions/{w.open_question().id}/forecast", {"probability": "35"}),
        allowed(*LOGGED_IN),
    ),
    "withdraw a forecast": Case("questions.withdraw", withdraw, allowed(*LOGGED_IN)),
    "link a conditional pair": Case(
        "conditionals.new",
        lambda w: (
            "/conditionals/new",
            {"condition": str(w.open_question().id), "outcome": str(w.open_question().id)},
        ),
        allowed("organizer", "admin"),
    ),
    "forecast both branches of a conditional pair": Case(
        "conditionals.forecast_both", pair_forecast, allowed(*LOGGED_IN)
    ),
    "attach a trend series": Case("trends.edit", trend_series, allowed("organizer", "admin")),
    "resolve a question": Case(
        "questions.resolve_view",
        lambda w: (
            f"/questions/{w.open_question().id}/resolve",
            {"answer": "yes", "confirm": "yes"},
        ),
        allowed("organizer", "admin"),
    ),
    "take a resolution back": Case(
        "questions.resolve_view", unresolve, allowed("organizer", "admin")
    ),
    "edit a scheduled question": Case(
        "questions.edit",
        lambda w: (f"/questions/{w.open_question().id}/edit", {"title": unique("Reworded")}),
        allowed("organizer", "admin"),
    ),
    "close a question early": Case(
        "question_admin.close",
        lambda w: (f"/questions/{w.open_question().id}/close", {"reason": "announced"}),
        allowed("organizer", "admin"),
    ),
    "create a tournament": Case(
        "tournaments.new",
        lambda w: ("/tournaments/new", {"slug": unique("t"), "title": "A tournament"}),
        allowed("organizer", "admin"),
    ),
    "draft a boundary": Case("boundaries.index", boundary_form, allowed("leader", "admin")),
    "commit a boundary": Case(
        "boundaries.commit",
        lambda w: (f"/boundaries/{w.boundary(committed=False)}/commit", {}),
        allowed("leader", "admin"),
    ),
    "edit a boundary draft": Case(
        "boundaries.edit_draft",
        lambda w: (f"/boundaries/{w.boundary(committed=False)}/edit", {"threshold": "12"}),
        allowed("leader", "admin"),
    ),
    "delete a boundary draft": Case(
        "boundaries.delete",
        lambda w: (f"/boundaries/{w.boundary(committed=False)}/delete", {}),
        allowed("leader", "admin"),
    ),
    "revise a boundary": Case(
        "boundaries.revise",
        lambda w: (
            f"/boundaries/{w.boundary(committed=True)}/revise",
            {"reason": "new evidence", "threshold": "15"},
        ),
        allowed("leader", "admin"),
    ),
    "name a signpost of a boundary": Case(
        "boundaries.change_signposts", signpost_form, allowed("leader", "admin")
    ),
    "change a user's role": Case("admin.set_role", set_role, allowed("admin")),
    "revoke a user's API tokens": Case(
        "admin.revoke_tokens",
        lambda w: ("/admin/users/the-forecaster/tokens/revoke", {}),
        allowed("admin"),
    ),
    "upload a calibration set": Case(
        "calibration.index", calibration_upload, allowed("organizer", "admin")
    ),
    "answer a calibration item": Case("calibration.train", calibration_answer, allowed(*LOGGED_IN)),
    "answer a pastcast": Case("calibration.pastcast", resolved_pastcast, allowed(*LOGGED_IN)),
    "answer a pastcast of someone else's team's question": Case(
        "calibration.pastcast", lambda w: resolved_pastcast(w, w.proposer), NOT_A_MEMBER
    ),
    "create an API token": Case(
        "account.create_token",
        lambda w: ("/account/tokens", {"label": "laptop"}),
        allowed(*LOGGED_IN, ok=200),
    ),
    "revoke an API token": Case(
        "account.revoke_token",
        lambda w: (f"/account/tokens/{w.own_token()}/revoke", {}),
        allowed(*LOGGED_IN),
    ),
    "revoke every API token": Case(
        "account.revoke_all_tokens",
        lambda w: ("/account/tokens/revoke-all", {}),
        allowed(*LOGGED_IN),
    ),
    "mark notifications read": Case(
        "notifications.mark_all_read", lambda w: ("/notifications/read", {}), allowed(*LOGGED_IN)
    ),
    "mark one's own notification read": Case(
        "notifications.mark_one_read", own_notification, allowed(*LOGGED_IN)
    ),
    "mark someone else's notification read": Case(
        "notifications.mark_one_read",
        others_notification,
        {"anonymous": 302, **{role: 404 for role in LOGGED_IN}},
    ),
    "save one's notification settings": Case(
        "notification_settings.save",
        lambda w: ("/settings/notifications", {"webhook_format": "slack", "alerts.email": "1"}),
        allowed(*LOGGED_IN, ok=200),
    ),
    # The link in the mail proves the address: it works logged in or not, as anyone.
    "confirm an e-mail address": Case(
        "notification_settings.confirm", email_confirmation, EVERYONE
    ),
    "create a team": Case(
        "teams.index",
        lambda w: ("/teams", {"slug": unique("team"), "name": "A team"}),
        allowed(*LOGGED_IN),
    ),
    "add a member to one's own team": Case(
        "teams.add_member",
        lambda w: (f"/teams/{own_team(w)}/members", {"username": "prop", "role": "leader"}),
        allowed(*LOGGED_IN),
    ),
    "add a member to someone else's team": Case(
        "teams.add_member",
        lambda w: (f"/teams/{a_team(w, w.proposer)}/members", {"username": "the-admin"}),
        NOT_A_MEMBER,
    ),
    "remove a member of one's own team": Case(
        "teams.remove_member",
        lambda w: (f"/teams/{own_team(w)}/members/prop/remove", {}),
        allowed(*LOGGED_IN),
    ),
    "remove a member of someone else's team": Case(
        "teams.remove_member",
        lambda w: (f"/teams/{a_team(w, w.proposer)}/members/prop/remove", {}),
        NOT_A_MEMBER,
    ),
    "make an invitation link for one's own team": Case(
        "teams.invite", lambda w: (f"/teams/{own_team(w)}/invite", {}), allowed(*LOGGED_IN)
    ),
    "make an invitation link for someone else's team": Case(
        "teams.invite", lambda w: (f"/teams/{a_team(w, w.proposer)}/invite", {}), NOT_A_MEMBER
    ),
    "join a team by its invitation link": Case("teams.join", team_invitation, allowed(*LOGGED_IN)),
    # The account forms themselves: open to everyone, logged in or not.
    "post a comment": Case(
        "comments.create",
        lambda w: (f"/questions/{w.open_question().id}/comments", {"body": "Why?"}),
        allowed(*LOGGED_IN),
    ),
    "edit one's own comment": Case(
        "comments.edit",
        lambda w: (f"/comments/{own_comment(w)}/edit", {"body": "Edited."}),
        allowed(*LOGGED_IN),
    ),
    "edit someone else's comment": Case(
        "comments.edit",
        lambda w: (f"/comments/{a_comment(w, w.proposer)}/edit", {"body": "Mine now."}),
        allowed(),
    ),
    "delete one's own comment": Case(
        "comments.delete",
        lambda w: (f"/comments/{own_comment(w)}/delete", {"confirmed": "yes"}),
        allowed(*LOGGED_IN),
    ),
    "delete someone else's comment": Case(
        "comments.delete",
        lambda w: (f"/comments/{a_comment(w, w.proposer)}/delete", {"confirmed": "yes"}),
        allowed(),
    ),
    "hide a comment": Case(
        "comments.hide",
        lambda w: (f"/comments/{a_comment(w, w.proposer)}/hide", {"reason": "Off topic"}),
        allowed("organizer", "admin"),
    ),
    "follow a question": Case(
        "comments.follow",
        lambda w: (f"/questions/{w.open_question().id}/follow", {"threshold": "5"}),
        allowed(*LOGGED_IN),
    ),
    "send one's own dead delivery again": Case(
        "notification_settings.resend_delivery",
        lambda w: resend_form(w, w.me or w.users["forecaster"]),
        allowed(*LOGGED_IN),
    ),
    # Someone else's answers as if it did not exist; an admin may send anyone's again.
    "send someone else's dead delivery again": Case(
        "notification_settings.resend_delivery",
        lambda w: resend_form(w, w.proposer),
        {"anonymous": 302, **{r: 302 if r == "admin" else 404 for r in LOGGED_IN}},
    ),
    "log in": Case("auth.login", login_as_someone, EVERYONE),
    "log in with a wrong password": Case(
        "auth.login",
        lambda w: ("/login", {"username": "prop", "password": "not the password"}),
        {role: 401 for role in ROLES},
    ),
    "register": Case(
        "auth.register",
        lambda w: (
            "/register",
            {"username": unique("newbie"), "password": PASSWORD, "confirm": PASSWORD},
        ),
        EVERYONE,
    ),
    "log out": Case("auth.logout", lambda w: ("/logout", {}), EVERYONE),
}


def _state_changing_page_routes(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith("api")
        and rule.endpoint != "static"
        and (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
    }


def test_every_state_changing_page_route_has_a_row(app: Flask) -> None:
    covered = {case.endpoint for case in CASES.values()}
    assert _state_changing_page_routes(app) == covered


def _logged_in_client(world: WebWorld) -> FlaskClient:
    client = world.app.test_client()
    if world.acting != "anonymous":
        response = client.post(
            "/login", data={"username": f"the-{world.acting}", "password": PASSWORD}
        )
        assert response.status_code == 302, f"the {world.acting} could not log in"
    return client


def _flashes(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_exactly_the_expected_status_on_every_form(app: Flask, role: str) -> None:
    world = WebWorld(app, role)
    client = _logged_in_client(world)
    got: dict[str, Any] = {}
    for name, case in CASES.items():
        # Forms that change who is logged in get a client of their own.
        own = case.endpoint.startswith("auth.")
        caller = _logged_in_client(world) if own else client
        path, data = case.prepare(world)
        _flashes(caller)
        response = caller.post(path, data=data)
        status: Any = response.status_code
        location = response.headers.get("Location", "")
        errors = [message for category, message in _flashes(caller) if category == "error"]
        if status == 302 and role == "anonymous" and not own:
            # Anonymous visitors must be sent to log in, and nothing else.
            status = 302 if location.startswith("/login") else f"302 to {location}"
        elif errors:
            status = f"{status} with error {errors[0]!r}"
        if name == "create an API token" and status == 200:
            assert b'id="new-token"' in response.data
        got[name] = status
    expected = {name: case.expected[role] for name, case in CASES.items()}
    assert got == expected


def test_the_proposer_may_resubmit_their_own_returned_proposal(app: Flask) -> None:
    world = WebWorld(app, "forecaster")
    with app.app_context(), session_scope() as session:
        question = create_question(
            session=session,
            actor=world.users["forecaster"],
            data=question_data(tournament=None, title="Mine"),
        )
        review_question(
            session=session,
            actor=world.users["organizer"],
            question_id=question.id,  # type: ignore[arg-type]
            decision="return",
            comment="add a source",
        )
    client = _logged_in_client(world)
    _, data = question_form(world)
    response = client.post(f"/questions/{question.id}/edit", data={**data, "tournament": ""})
    assert response.status_code == 302
    assert not [m for c, m in _flashes(client) if c == "error"]
    with app.app_context(), session_scope() as session:
        assert session.get(Question, question.id).status == "pending"  # type: ignore[union-attr]


# --- hidden data stays hidden -------------------------------------------------------------------


def _login(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )
    return client


def test_a_forecaster_never_sees_another_users_hidden_data(app: Flask) -> None:
    with app.app_context(), session_scope() as session:
        org = create_user(session=session, username="org", password=None, role=Role.ORGANIZER)
        ann = create_user(session=session, username="ann", password=PASSWORD)
        create_user(session=session, username="ben", password=PASSWORD)
        create_tournament(session=session, actor=org, slug="ai", title="AI")
        question = create_question(session=session, actor=org, data=question_data())
        pending = create_question(
            session=session,
            actor=ann,
            data=question_data(tournament=None, title="Ann's secret proposal"),
        )
        submit_forecast(
            session=session,
            actor=ann,
            question_id=question.id,  # type: ignore[arg-type]
            probability=0.42,
            rationale="ann-private-reasoning",
        )
        withdraw_forecast(session=session, actor=ann, question_id=question.id)  # type: ignore[arg-type]
        create_comment(
            session=session, actor=ann, question_id=question.id, body="ann-comment-words"
        )
    ann_web = _login(app, "ann")
    ann_token_page = ann_web.post("/account/tokens", data={"label": "ann"}).data.decode()
    ann_secret = ann_token_page.split('id="new-token">')[1].split("<")[0]
    assert len(ann_secret) > 20
    # Ann herself sees all of it: the controls work.
    assert "ann-private-reasoning" in ann_web.get(f"/questions/{question.id}").data.decode()
    assert ann_web.get(f"/questions/{pending.id}").status_code == 200
    assert len(json.loads(ann_web.get("/account/download/forecasts.json").data)) == 1
    assert "ann-comment-words" in ann_web.get("/account/download/comments.csv").data.decode()

    ben = _login(app, "ben")
    assert ben.get(f"/questions/{pending.id}").status_code == 404
    assert "secret proposal" not in ben.get("/questions").data.decode()
    assert "secret proposal" not in ben.get("/").data.decode()
    for page in (f"/questions/{question.id}", "/users/ann", "/account", "/users/ben"):
        body = ben.get(page).data.decode()
        assert "ann-private-reasoning" not in body, page
        assert ann_secret not in body, page
    # Ben's downloads are his own, whatever he asks for.
    for what in ("forecasts", "scores", "comments"):
        assert json.loads(ben.get(f"/account/download/{what}.json").data) == []
        csv_text = ben.get(f"/account/download/{what}.csv").data.decode()
        assert "ann" not in csv_text and "0.42" not in csv_text
    # Ann's token is hers alone: through the API it acts as Ann, never shows up for Ben.
    ben_api = Api(app.test_client(), make_token(app, _user(app, "ben")))
    assert ben_api.get(f"/questions/{pending.id}").status_code == 404
    assert Api(app.test_client(), ann_secret).get(f"/questions/{pending.id}").status_code == 200


def _user(app: Flask, username: str) -> User:
    from forecast.services.accounts.users import get_user

    with app.app_context(), session_scope() as session:
        return get_user(session, username)


def test_a_leaders_private_boundaries_are_invisible_to_other_leaders(app: Flask) -> None:
    with app.app_context(), session_scope() as session:
        org = create_user(session=session, username="org", password=None, role=Role.ORGANIZER)
        lea = create_user(session=session, username="lea", password=PASSWORD, role=Role.LEADER)
        create_user(session=session, username="leo", password=PASSWORD, role=Role.LEADER)
        create_tournament(session=session, actor=org, slug="ai", title="AI")
        question = create_question(session=session, actor=org, data=question_data())
        ids: dict[str, int] = {}
        for label, shared, commit in (
            ("draft-shared", True, False),
            ("draft-private", False, False),
            ("committed-private", False, True),
            ("committed-shared", True, True),
        ):
            boundary = boundary_service.create_boundary(
                session=session,
                actor=lea,
                data={
                    "question": question.id,
                    "action": f"Action {label}",
                    "event": {"kind": "yes"},
                    "comparator": ">=",
                    "threshold": 0.1,
                    "shared": shared,
                },
            )
            assert boundary.id is not None
            if commit:
                boundary_service.commit_boundary(
                    session=session, actor=lea, boundary_id=boundary.id
                )
            ids[label] = boundary.id
    hidden = ("draft-shared", "draft-private", "committed-private")
    leo_web = _login(app, "leo")
    leo_api = Api(app.test_client(), make_token(app, _user(app, "leo")))
    pages = "".join(
        leo_web.get(path).data.decode()
        for path in ("/boundaries", "/boundaries/report", f"/questions/{question.id}")
    )
    api_list = [b["id"] for b in leo_api.get("/boundaries").get_json()]
    api_report = json.dumps(leo_api.get("/boundaries/report").get_json())
    for label in hidden:
        assert leo_web.get(f"/boundaries/{ids[label]}").status_code == 404, label
        assert leo_api.get(f"/boundaries/{ids[label]}").status_code == 404, label
        assert f"Action {label}" not in pages, label
        assert ids[label] not in api_list, label
        assert f"Action {label}" not in api_report, label
        # Nor can Leo act on them: they do not exist for him.
        assert leo_api.post(f"/boundaries/{ids[label]}/commit").status_code == 404, label
    # The shared committed boundary is visible (the check above can fail), but not Leo's to change.
    assert leo_web.get(f"/boundaries/{ids['committed-shared']}").status_code == 200
    assert ids["committed-shared"] in api_list
    assert "Action committed-shared" in api_report
    refused = leo_web.post(
        f"/boundaries/{ids['committed-shared']}/revise",
        data={"reason": "mine now", "threshold": "50"},
    )
    assert refused.status_code == 403
    # Lea sees all four of her own.
    lea_api = Api(app.test_client(), make_token(app, _user(app, "lea")))
    assert sorted(b["id"] for b in lea_api.get("/boundaries").get_json()) == sorted(ids.values())


def test_the_notifications_page_shows_each_user_only_their_own(app: Flask) -> None:
    world = WebWorld(app, "forecaster")
    with app.app_context(), session_scope() as session:
        for role, user in world.users.items():
            notify(session, user.id, kind="question_reject", message=f"For the {role} only")  # type: ignore[arg-type]
            if role != "forecaster":
                set_password(session=session, user=user, password=PASSWORD)
        session.commit()
    anonymous = app.test_client().get("/notifications")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    for role in LOGGED_IN:
        page = _login(app, f"the-{role}").get("/notifications").data.decode()
        shown = [r for r in LOGGED_IN if f"For the {r} only" in page]
        assert shown == [role], role
