"""Teams on both databases: membership rules, invitations, and the one visibility rule."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.infra.db import session_scope
from forecast.models import Role, User
from forecast.services.questions.lifecycle import create_question, get_question
from forecast.services.questions.lists import list_questions
from forecast.services.records.leaderboards import tournament_board
from forecast.services.teams import invitations, membership
from forecast.services.teams.visibility import member_team_ids
from forecast.services.tournaments.catalog import (
    create_tournament,
    find_tournament,
    list_tournaments,
)
from tests.integration.factories import World, question_data


def _do(app: Flask, fn: Any, **kwargs: Any) -> Any:
    with app.app_context(), session_scope() as session:
        return fn(session=session, **kwargs)


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _team(world: World, owner: User, slug: str = "lab") -> None:
    _do(world.app, membership.create_team, actor=owner, slug=slug, name="The Lab")


def test_the_creator_owns_the_team_and_a_person_can_be_in_several(world: World) -> None:
    ann = world.user("ann")
    _team(world, ann, "lab")
    _team(world, ann, "guild")
    rows = _do(world.app, membership.my_teams, viewer=ann)
    assert [(t.slug, role) for t, role in rows] == [("guild", "owner"), ("lab", "owner")]
    with world.app.app_context(), session_scope() as session:
        assert len(member_team_ids(session, ann)) == 2


def test_a_team_slug_is_unique_and_checked(world: World) -> None:
    ann = world.user("ann")
    _team(world, ann)
    with pytest.raises(Conflict):
        _team(world, world.user("bob"))
    for bad in ("Lab", "", "join", "a b"):
        with pytest.raises(ValidationFailed):
            _team(world, ann, bad)


def test_only_owners_add_and_remove_and_members_leave(world: World) -> None:
    ann, bob, cid = world.user("ann"), world.user("bob"), world.user("cid")
    _team(world, ann)
    member, new = _do(world.app, membership.add_member, actor=ann, slug="lab", username="bob")
    assert (member.role, new) == ("member", True)
    # A member who is not an owner may not add anyone; a non-member does not find the team.
    with pytest.raises(Forbidden):
        _do(world.app, membership.add_member, actor=bob, slug="lab", username="cid")
    with pytest.raises(NotFound):
        _do(world.app, membership.add_member, actor=cid, slug="lab", username="cid")
    with pytest.raises(Forbidden):
        _do(world.app, membership.remove_member, actor=bob, slug="lab", username="ann")
    _do(world.app, membership.leave_team, actor=bob, slug="lab")
    with pytest.raises(NotFound):
        _do(world.app, membership.get_team, viewer=bob, slug="lab")


def test_the_last_owner_can_neither_leave_nor_step_down(world: World) -> None:
    ann, bob = world.user("ann"), world.user("bob")
    _team(world, ann)
    with pytest.raises(Conflict):
        _do(world.app, membership.leave_team, actor=ann, slug="lab")
    with pytest.raises(Conflict):
        _do(world.app, membership.add_member, actor=ann, slug="lab", username="ann", role="member")
    _do(world.app, membership.add_member, actor=ann, slug="lab", username="bob", role="owner")
    _do(world.app, membership.leave_team, actor=ann, slug="lab")
    names = [t.slug for t, _ in _do(world.app, membership.my_teams, viewer=bob)]
    assert names == ["lab"]


def test_an_invitation_link_joins_as_member_and_a_new_link_ends_the_old(world: World) -> None:
    ann, bob, cid = world.user("ann"), world.user("bob"), world.user("cid")
    _team(world, ann)
    with pytest.raises(NotFound):
        _do(world.app, invitations.create_invite_link, actor=bob, slug="lab")
    first = _do(world.app, invitations.create_invite_link, actor=ann, slug="lab")
    team = _do(world.app, invitations.join_by_link, actor=bob, token=first)
    assert team.slug == "lab"
    # Joining twice changes nothing.
    _do(world.app, invitations.join_by_link, actor=bob, token=first)
    second = _do(world.app, invitations.create_invite_link, actor=ann, slug="lab")
    assert second != first
    with pytest.raises(NotFound):
        _do(world.app, invitations.join_by_link, actor=cid, token=first)
    _do(world.app, invitations.revoke_invite_link, actor=ann, slug="lab")
    with pytest.raises(NotFound):
        _do(world.app, invitations.join_by_link, actor=cid, token=second)
    members = _do(world.app, membership.members, viewer=ann, team=team)
    assert [(m.username, m.role) for m in members] == [("ann", "owner"), ("bob", "member")]


def _private_world(world: World) -> tuple[User, User, int]:
    """org (site organizer) owns team lab with its tournament and question; ann is a member."""
    ann = world.user("ann")
    _team(world, world.organizer)
    _do(world.app, membership.add_member, actor=world.organizer, slug="lab", username="ann")
    _do(
        world.app,
        create_tournament,
        actor=world.organizer,
        slug="lab-t",
        title="Lab tournament",
        team="lab",
    )
    question = _do(
        world.app,
        create_question,
        actor=world.organizer,
        data=question_data(tournament="lab-t", title="Private lab question?"),
    )
    return ann, world.user("out", Role.ADMIN), question.id


def test_a_team_question_is_seen_by_members_only_whatever_the_site_role(world: World) -> None:
    ann, admin, qid = _private_world(world)
    site_organizer = world.user("olga", Role.ORGANIZER)
    with world.app.app_context(), session_scope() as session:
        assert get_question(session=session, viewer=ann, question_id=qid).team_id is not None
        for outsider in (None, admin, site_organizer):
            with pytest.raises(NotFound):
                get_question(session=session, viewer=outsider, question_id=qid)
            page = list_questions(session=session, viewer=outsider, search="Private lab")
            assert (page.total, page.items) == (0, [])
            assert [t.slug for t in list_tournaments(session=session, viewer=outsider)] == ["ai"]
            with pytest.raises(NotFound):
                find_tournament(session, "lab-t", outsider)
            with pytest.raises(NotFound):
                tournament_board(session=session, slug="lab-t", viewer=outsider)
        assert list_questions(session=session, viewer=ann, search="Private lab").total == 1


def test_team_items_stay_in_team_tournaments(world: World) -> None:
    _private_world(world)
    # A team question cannot join a public tournament, nor a public one a team's.
    with pytest.raises(ValidationFailed):
        _do(
            world.app,
            create_question,
            actor=world.organizer,
            data=question_data(tournament="ai", team="lab"),
        )
    question = _do(
        world.app,
        create_question,
        actor=world.organizer,
        data=question_data(tournament="lab-t", title="Inherits its tournament's team?"),
    )
    assert question.team_id is not None


def test_organizing_a_team_item_needs_the_team_organizer_role_too(world: World) -> None:
    ann, _, _ = _private_world(world)
    olga = world.user("olga", Role.ORGANIZER)
    _do(world.app, membership.add_member, actor=world.organizer, slug="lab", username="olga")
    # A site organizer who is a plain member may not create in the team's tournament.
    with pytest.raises(Forbidden):
        _do(world.app, create_question, actor=olga, data=question_data(tournament="lab-t"))
    _do(
        world.app,
        membership.add_member,
        actor=world.organizer,
        slug="lab",
        username="olga",
        role="organizer",
    )
    created = _do(world.app, create_question, actor=olga, data=question_data(tournament="lab-t"))
    assert created.team_id is not None
    # A team organizer without the site's organizer role only proposes.
    _do(
        world.app,
        membership.add_member,
        actor=world.organizer,
        slug="lab",
        username="ann",
        role="organizer",
    )
    proposal = _do(
        world.app, create_question, actor=ann, data=question_data(team="lab", tournament=None)
    )
    assert (proposal.status, proposal.team_id) == ("pending", created.team_id)


def test_a_proposal_to_a_team_notifies_only_the_team_organizers(world: World) -> None:
    ann, _, _ = _private_world(world)
    world.user("olga", Role.ORGANIZER)
    _do(
        world.app,
        create_question,
        actor=ann,
        data=question_data(team="lab", tournament=None, title="Zq secret?"),
    )
    from forecast.services.notifications import list_notifications

    with world.app.app_context(), session_scope() as session:
        org = _user(session, "org")
        olga = _user(session, "olga")
        assert any("Zq secret" in n.message for n in _all(list_notifications, session, org))
        assert not any("Zq secret" in n.message for n in _all(list_notifications, session, olga))


def _user(session: Session, name: str) -> User:
    from forecast.services.accounts.users import get_user

    return get_user(session, name)


def _all(fn: Any, session: Session, user: User) -> list[Any]:
    result = fn(session=session, user=user)
    return list(getattr(result, "items", result))


def test_reminders_and_resolutions_of_a_team_question_reach_only_members(world: World) -> None:
    from datetime import timedelta

    from forecast.services.forecasts import submit_forecast
    from forecast.services.notifications import list_notifications
    from forecast.services.reminders import remind
    from forecast.services.resolution.resolve import resolve

    ann, _, qid = _private_world(world)
    world.user("olga", Role.ORGANIZER)
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=qid, probability=0.4)
    _do(world.app, membership.leave_team, actor=ann, slug="lab")
    later = utcnow() + timedelta(days=60)
    with world.app.app_context(), session_scope() as session:
        assert remind(session=session, now=later) == 1
        resolve(session=session, actor=world.organizer, question_id=qid, data={"outcome": "yes"})
    with world.app.app_context(), session_scope() as session:
        told = {
            name: [n.message for n in _all(list_notifications, session, _user(session, name))]
            for name in ("org", "olga", "out", "ann")
        }
    assert any("Private lab question" in m for m in told["org"])
    for outsider in ("olga", "out", "ann"):
        assert not any("Private lab question" in m for m in told[outsider]), outsider
