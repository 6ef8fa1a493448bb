"""Named signposts: the boundary's owner names conditional pairs (on its question, or on
another outcome of the same type it links), names them after the commit without touching the
committed content, removes them (the record stays), and nobody else may; a bad pair changes
nothing stored. The unnamed pairs on the boundary's question stay as "suggested"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import col, select

from forecast.errors import Forbidden, NotFound, ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import BoundarySignpost, BoundaryVersion, Question, Role, User
from forecast.services.boundaries import lifecycle as boundaries
from forecast.services.boundaries import named_signposts as naming
from forecast.services.boundaries import report as threshold_report
from forecast.services.boundaries.views import boundary_json
from tests.integration.factories import World
from tests.integration.test_signposts import committed, forecast, pair_on


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def _stored(world: World) -> list[tuple[Any, ...]]:
    with world.app.app_context(), session_scope() as session:
        rows = session.exec(select(BoundarySignpost).order_by(col(BoundarySignpost.id)))
        return [
            (r.boundary_id, r.condition_id, r.outcome_id, r.named_by, r.removed_at is None)
            for r in rows
        ]


def _status(world: World, viewer: User, boundary_id: int) -> dict[str, Any]:
    with world.app.app_context(), session_scope() as session:
        row = threshold_report.boundary_status(
            session=session, viewer=viewer, boundary_id=boundary_id
        )
    assert row is not None
    return row


def _name(world: World, actor: User, boundary_id: int, **item: Any) -> Any:
    with world.app.app_context(), session_scope() as session:
        return naming.add_signpost(session=session, actor=actor, boundary_id=boundary_id, item=item)


def test_a_named_pair_comes_first_and_the_others_stay_suggested(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    ann = world.user("ann")
    loud = pair_on(world, outcome)  # decision-relevant, but not named
    quiet = pair_on(world, outcome)
    forecast(world, ann, outcome, 0.2)
    for pair, (p_s, p_yes, p_no) in ((quiet, (0.5, 0.4, 0.3)), (loud, (0.5, 0.3, 0.02))):
        forecast(world, ann, pair.condition, p_s)
        forecast(world, ann, pair.yes, p_yes)
        forecast(world, ann, pair.no, p_no)
    boundary_id = committed(world, leader, outcome)
    with world.app.app_context(), session_scope() as session:
        before = session.exec(
            select(BoundaryVersion).where(col(BoundaryVersion.boundary_id) == boundary_id)
        ).one()
        hash_before = before.content_hash
    _name(world, leader, boundary_id, condition=quiet.condition.key)
    entries = _status(world, leader, boundary_id)["signposts"]
    assert [(e["condition"]["id"], e["named"]) for e in entries] == [
        (quiet.condition.id, True),
        (loud.condition.id, False),
    ]
    assert entries[0]["p_if_yes"] == pytest.approx(0.4)
    assert entries[1]["decision_relevant"] is True  # a suggestion keeps its values
    with world.app.app_context(), session_scope() as session:
        row = threshold_report.report(session=session, viewer=leader)[0]
        version = session.exec(
            select(BoundaryVersion).where(col(BoundaryVersion.boundary_id) == boundary_id)
        ).one()
        assert version.content_hash == hash_before  # naming is no part of the commitment
        assert version.version == 1
    assert [e["named"] for e in row["signposts"]] == [True, False]


def test_a_pair_on_another_outcome_is_named_explicitly(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    related = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    ann = world.user("ann")
    elsewhere = pair_on(world, related)
    forecast(world, ann, outcome, 0.2)
    forecast(world, ann, elsewhere.condition, 0.5)
    forecast(world, ann, elsewhere.yes, 0.3)
    forecast(world, ann, elsewhere.no, 0.02)
    boundary_id = committed(world, leader, outcome)
    assert _status(world, leader, boundary_id)["signposts"] == []  # not on O: not suggested
    _name(world, leader, boundary_id, condition=elsewhere.condition.id, outcome=related.key)
    (entry,) = _status(world, leader, boundary_id)["signposts"]
    assert entry["named"] is True and entry["outcome"]["id"] == related.id
    assert (entry["p_signpost"], entry["p_if_yes"], entry["p_if_no"]) == pytest.approx(
        (0.5, 0.3, 0.02)
    )
    assert entry["decision_relevant"] is True


def test_a_bad_pair_is_refused_and_nothing_stored_changes(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    numeric = world.question("numeric", opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    good = pair_on(world, outcome)
    on_numeric = pair_on(world, numeric)
    lone = world.question(opens=timedelta(days=-5))  # a binary question in no pair
    boundary_id = committed(world, leader, outcome)
    _name(world, leader, boundary_id, condition=good.condition.id)
    stored = _stored(world)
    bad: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"condition": lone.id}, ValidationFailed),
        ({"condition": 999_999}, NotFound),
        ({"condition": "no-such-key"}, NotFound),
        ({"condition": None}, ValidationFailed),
        ({"condition": on_numeric.condition.id, "outcome": numeric.id}, ValidationFailed),
        ({"condition": good.condition.id, "outcome": lone.id}, ValidationFailed),
    ]
    for item, error in bad:
        with pytest.raises(error):
            _name(world, leader, boundary_id, **item)
        with world.app.app_context(), session_scope() as session, pytest.raises(error):
            naming.set_signposts(
                session=session, actor=leader, boundary_id=boundary_id, items=[item]
            )
    with world.app.app_context(), session_scope() as session, pytest.raises(ValidationFailed):
        naming.set_signposts(
            session=session, actor=leader, boundary_id=boundary_id, items="not a list"
        )
    assert _stored(world) == stored


def test_removing_keeps_the_record_and_the_pair_is_suggested_again(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    first, second = pair_on(world, outcome), pair_on(world, outcome)
    boundary_id = committed(world, leader, outcome)
    with world.app.app_context(), session_scope() as session:
        kept = naming.set_signposts(
            session=session,
            actor=leader,
            boundary_id=boundary_id,
            items=[{"condition": first.condition.id}, {"condition": first.condition.key}],
        )
    assert kept == [(first.condition.id, outcome.id)]  # named once
    with world.app.app_context(), session_scope() as session:
        naming.set_signposts(
            session=session,
            actor=leader,
            boundary_id=boundary_id,
            items=[{"condition": second.condition.id}],
        )
        naming.remove_signpost(
            session=session,
            actor=leader,
            boundary_id=boundary_id,
            item={"condition": second.condition.id},
        )
        with pytest.raises(NotFound):
            naming.remove_signpost(
                session=session,
                actor=leader,
                boundary_id=boundary_id,
                item={"condition": second.condition.id},
            )
    assert [r[1:] for r in _stored(world)] == [
        (first.condition.id, outcome.id, leader.id, False),
        (second.condition.id, outcome.id, leader.id, False),
    ]
    entries = _status(world, leader, boundary_id)["signposts"]
    assert {(e["condition"]["id"], e["named"]) for e in entries} == {
        (first.condition.id, False),
        (second.condition.id, False),
    }
    with world.app.app_context(), session_scope() as session:
        boundary = boundaries.get_boundary(session, leader, boundary_id)
        body = boundary_json(session, boundary, leader)
    assert body["named_signposts"] == []
    assert [(h["condition"]["id"], h["removed_by"]) for h in body["signpost_history"]] == [
        (first.condition.id, "lea"),
        (second.condition.id, "lea"),
    ]


def test_only_the_owner_changes_signposts(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    owner = world.user("lea", Role.LEADER)
    other = world.user("leo", Role.LEADER)
    admin = world.user("ada", Role.ADMIN)
    ann = world.user("ann")
    pair = pair_on(world, outcome)
    data = {
        "question": outcome.id,
        "action": "Act",
        "event": {"kind": "yes"},
        "threshold": 0.1,
        "shared": True,
    }
    with world.app.app_context(), session_scope() as session:
        shared = boundaries.create_boundary(session=session, actor=owner, data=data)
        boundaries.commit_boundary(session=session, actor=owner, boundary_id=shared.id or 0)
    private = committed(world, owner, outcome)
    cases: list[tuple[User, int, type[Exception]]] = [
        (other, shared.id or 0, Forbidden),  # sees the shared boundary, may not change it
        (admin, shared.id or 0, Forbidden),  # nobody but the owner changes a boundary
        (other, private, NotFound),  # may not see it at all
        (ann, private, Forbidden),  # not a leader
    ]
    for actor, boundary_id, error in cases:
        with pytest.raises(error):
            _name(world, actor, boundary_id, condition=pair.condition.id)
    assert _stored(world) == []
    _name(world, owner, shared.id or 0, condition=pair.condition.id)
    # Every leader the boundary is shared with reads the named signpost.
    assert [e["named"] for e in _status(world, other, shared.id or 0)["signposts"]] == [True]


def test_a_draft_names_signposts_too(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    pair = pair_on(world, outcome)
    data = {"question": outcome.id, "action": "Act", "event": {"kind": "yes"}, "threshold": 0.1}
    with world.app.app_context(), session_scope() as session:
        draft = boundaries.create_boundary(session=session, actor=leader, data=data)
    _name(world, leader, draft.id or 0, condition=pair.condition.id)
    with world.app.app_context(), session_scope() as session:
        boundaries.commit_boundary(session=session, actor=leader, boundary_id=draft.id or 0)
        question = session.get(Question, outcome.id)
        assert question is not None
    assert [e["named"] for e in _status(world, leader, draft.id or 0)["signposts"]] == [True]


def test_a_report_reads_the_named_signposts_once_for_all_its_rows(world: World) -> None:
    from sqlalchemy import event

    from forecast.infra.db import get_engine

    leader = world.user("lea", Role.LEADER)
    ids = []
    for _ in range(4):
        outcome = world.question(opens=timedelta(days=-5))
        pair = pair_on(world, outcome)
        ids.append(committed(world, leader, outcome))
        _name(world, leader, ids[-1], condition=pair.condition.id)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "boundary_signposts" in statement:
            statements.append(statement)

    with world.app.app_context():
        engine = get_engine(world.app)
        event.listen(engine, "before_cursor_execute", count)
        try:
            with session_scope() as session:
                rows = threshold_report.report(session=session, viewer=leader)
                assert len(statements) == 1
                again = threshold_report.report(session=session, viewer=leader)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2  # the next report reads them afresh
    for found in (rows, again):
        assert sorted(r["id"] for r in found) == sorted(ids)
        assert all([s["named"] for s in r["signposts"]] == [True] for r in found)


def test_deleting_a_draft_deletes_its_named_signposts(world: World) -> None:
    outcome = world.question(opens=timedelta(days=-5))
    leader = world.user("lea", Role.LEADER)
    pair = pair_on(world, outcome)
    data = {"question": outcome.id, "action": "Act", "event": {"kind": "yes"}, "threshold": 0.1}
    with world.app.app_context(), session_scope() as session:
        draft = boundaries.create_boundary(session=session, actor=leader, data=data)
    _name(world, leader, draft.id or 0, condition=pair.condition.id)
    assert len(_stored(world)) == 1
    with world.app.app_context(), session_scope() as session:
        boundaries.delete_draft(session=session, actor=leader, boundary_id=draft.id or 0)
    assert _stored(world) == []


def test_a_pair_on_a_team_question_reaches_only_its_members(world: World) -> None:
    """A team member names, on a boundary shared with every leader, a pair of the team's private
    questions (a pair on another outcome of the same type): a leader outside the team never
    sees it (nor may name it). A pair itself never mixes a team's question with a public one."""
    from forecast.services.questions.lifecycle import create_question
    from forecast.services.teams import membership
    from forecast.services.tournaments.catalog import create_tournament
    from tests.integration.factories import question_data

    member = world.user("mel", Role.LEADER)
    outsider = world.user("out", Role.LEADER)
    outcome = world.question(opens=timedelta(days=-5), title="A public outcome?")
    with world.app.app_context(), session_scope() as session:
        membership.create_team(session=session, actor=world.organizer, slug="lab", name="Lab")
        membership.add_member(
            session=session, actor=world.organizer, slug="lab", username="mel", role="leader"
        )
        create_tournament(
            session=session, actor=world.organizer, slug="lab-t", title="Lab", team="lab"
        )
        private = create_question(
            session=session,
            actor=world.organizer,
            data=question_data(tournament="lab-t", title="Zq7 private condition?"),
        )
        private_outcome = create_question(
            session=session,
            actor=world.organizer,
            data=question_data(tournament="lab-t", title="Zq7 private outcome?"),
        )
    with world.app.app_context(), session_scope() as session:
        from forecast.services.conditionals.create import create_pair

        create_pair(
            session=session,
            actor=world.organizer,
            condition=private.id,
            outcome=private_outcome.id,
        )
        data = {
            "question": outcome.id,
            "action": "Act",
            "event": {"kind": "yes"},
            "threshold": 0.1,
            "shared": True,
        }
        shared = boundaries.create_boundary(session=session, actor=member, data=data)
        boundaries.commit_boundary(session=session, actor=member, boundary_id=shared.id or 0)
        own = boundaries.create_boundary(session=session, actor=outsider, data=data)
        boundaries.commit_boundary(session=session, actor=outsider, boundary_id=own.id or 0)
    _name(world, member, shared.id or 0, condition=private.id, outcome=private_outcome.id)
    assert [e["named"] for e in _status(world, member, shared.id or 0)["signposts"]] == [True]
    assert _status(world, outsider, shared.id or 0)["signposts"] == []
    assert _status(world, outsider, own.id or 0)["signposts"] == []  # not even suggested
    with world.app.app_context(), session_scope() as session:
        body = boundary_json(
            session, boundaries.get_boundary(session, outsider, shared.id or 0), outsider
        )
        report = threshold_report.report(session=session, viewer=outsider)
    assert body["named_signposts"] == [] and body["signpost_history"] == []
    assert "Zq7" not in str(report) and "Zq7" not in str(body)
    with pytest.raises(NotFound):
        _name(world, outsider, own.id or 0, condition=private.id, outcome=private_outcome.id)
