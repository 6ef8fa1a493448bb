"""Decision boundaries: drafts, commits that never change, revisions, blind mode, the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from forecast.core.aggregation.aggregate import METHODS
from forecast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forecast.infra.clock import format_iso, parse_iso, utcnow
from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.aggregation.visibility import hidden_reason
from forecast.services.boundaries import lifecycle as service
from forecast.services.boundaries import report as threshold_report
from forecast.services.forecasts import submit_forecast
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def draft(world: World, leader, question, **extra):  # type: ignore[no-untyped-def]
    data = {
        "question": question.id,
        "action": "Fund a safety team",
        "event": {"kind": "yes"},
        "comparator": ">=",
        "threshold": 0.1,
        **extra,
    }
    with world.app.app_context(), session_scope() as session:
        return service.create_boundary(session=session, actor=leader, data=data)


def test_only_leaders_and_admins_create_boundaries(world: World) -> None:
    question = world.question()
    with pytest.raises(Forbidden):
        draft(world, world.user("fran"), question)
    assert draft(world, world.user("lea", Role.LEADER), question).status == "draft"
    assert draft(world, world.user("root", Role.ADMIN), question).status == "draft"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"threshold": 1.0}, "threshold"),
        ({"threshold": 0}, "threshold"),
        ({"comparator": ">"}, "comparator"),
        ({"event": {"kind": "before", "date": "2030-01-01"}}, "event.kind"),
        ({"action": ""}, "action"),
        ({"method": "vote"}, "method"),
    ],
)
def test_bad_boundaries_are_refused_with_the_field_named(world: World, change, field) -> None:  # type: ignore[no-untyped-def]
    leader, question = world.user("lea", Role.LEADER), world.question()
    with pytest.raises(ValidationFailed) as info:
        draft(world, leader, question, **change)
    assert info.value.field is not None and info.value.field.startswith(field.split(".")[0])


def test_committing_fixes_the_content_with_a_time_and_a_hash(world: World) -> None:
    leader, question = world.user("lea", Role.LEADER), world.question()
    boundary = draft(world, leader, question)
    with world.app.app_context(), session_scope() as session:
        committed, version = service.commit_boundary(
            session=session, actor=leader, boundary_id=boundary.id
        )
        assert committed.status == "committed" and version.committed_at is not None
        assert version.content_hash is not None and len(version.content_hash) == 64
        with pytest.raises(Conflict):
            service.update_draft(
                session=session, actor=leader, boundary_id=boundary.id, data={"threshold": 0.2}
            )
        with pytest.raises(Conflict):
            service.commit_boundary(session=session, actor=leader, boundary_id=boundary.id)
        kept = service.current_version(session, committed)
        assert kept.threshold == 0.1 and kept.content_hash == version.content_hash


def test_a_revision_is_a_new_version_with_a_reason_and_history_is_kept(world: World) -> None:
    leader, question = world.user("lea", Role.LEADER), world.question()
    boundary = draft(world, leader, question)
    with world.app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=leader, boundary_id=boundary.id)
        with pytest.raises(ValidationFailed):
            service.revise_boundary(
                session=session, actor=leader, boundary_id=boundary.id, data={"threshold": 0.2}
            )
        revised, version = service.revise_boundary(
            session=session,
            actor=leader,
            boundary_id=boundary.id,
            data={"threshold": 0.2, "reason": "The board asked for a higher bar."},
        )
        assert revised.current_version == 2 and version.reason.startswith("The board")
        history = service.versions(session, boundary.id)
        assert [(v.version, v.threshold) for v in history] == [(1, 0.1), (2, 0.2)]
        assert history[0].content_hash != history[1].content_hash


def test_only_the_owner_changes_a_boundary_and_private_ones_are_invisible(world: World) -> None:
    lea, leo = world.user("lea", Role.LEADER), world.user("leo", Role.LEADER)
    question = world.question()
    private = draft(world, lea, question)
    shared = draft(world, lea, question, shared=True)
    with world.app.app_context(), session_scope() as session:
        with pytest.raises(NotFound):
            service.get_boundary(session, leo, private.id)
        with pytest.raises(NotFound):
            service.commit_boundary(session=session, actor=leo, boundary_id=private.id)
        service.commit_boundary(session=session, actor=lea, boundary_id=shared.id)
        assert service.get_boundary(session, leo, shared.id).id == shared.id
        with pytest.raises(Forbidden):
            service.revise_boundary(
                session=session,
                actor=leo,
                boundary_id=shared.id,
                data={"threshold": 0.3, "reason": "mine now"},
            )


def test_blind_mode_hides_the_aggregate_until_the_boundary_is_committed(world: World) -> None:
    lea, question = world.user("lea", Role.LEADER), world.question()
    boundary = draft(world, lea, question, blind=True)
    with world.app.app_context(), session_scope() as session:
        assert hidden_reason(session, question, lea) is not None
        assert hidden_reason(session, question, world.user("fran")) is None
        service.commit_boundary(session=session, actor=lea, boundary_id=boundary.id)
        assert hidden_reason(session, question, lea) is None


def test_a_ladder_is_created_whole_or_not_at_all(world: World) -> None:
    lea, question = world.user("lea", Role.LEADER), world.question()
    common = {"question": question.id, "event": {"kind": "yes"}, "comparator": ">="}
    steps = [
        {"threshold": t, "action": a}
        for t, a in ((0.01, "Brief the board"), (0.05, "Fund research"), (0.2, "Change strategy"))
    ]
    with world.app.app_context(), session_scope() as session:
        created = service.create_ladder(session=session, actor=lea, common=common, steps=steps)
        assert len({b.ladder for b in created}) == 1 and len(created) == 3
        with pytest.raises(ValidationFailed):
            service.create_ladder(
                session=session, actor=lea, common=common, steps=[steps[1], steps[0]]
            )
        bad = [*steps, {"threshold": 1.5, "action": "Panic"}]
        with pytest.raises(ValidationFailed, match="step 4"):
            service.create_ladder(session=session, actor=lea, common=common, steps=bad)
        assert len(service.list_boundaries(session=session, viewer=lea)) == 3


def test_the_report_shows_a_boundary_crossing_after_new_forecasts(world: World) -> None:
    lea, question = world.user("lea", Role.LEADER), world.question()
    forecasters = [world.user(f"fc{i}") for i in range(3)]
    start = question.open_time + timedelta(hours=1)
    with world.app.app_context(), session_scope() as session:
        for i, user in enumerate(forecasters):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=0.05,
                now=start + timedelta(minutes=i),
            )
    boundary = draft(world, lea, question, threshold=0.3)
    with world.app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=boundary.id)
        rows = threshold_report.report(session=session, viewer=lea)
        assert [r["crossed"] for r in rows] == [False]
        assert rows[0]["verdict"] == "not_crossed" and rows[0]["margin"] == pytest.approx(-25.0)
        assert (rows[0]["methods_crossed"], rows[0]["methods_known"]) == (0, len(METHODS))
        for user in forecasters:
            submit_forecast(session=session, actor=user, question_id=question.id, probability=0.6)
    with world.app.app_context(), session_scope() as session:
        row = threshold_report.report(session=session, viewer=lea)[0]
        assert row["crossed"] and row["verdict"] == "crossed"
        assert row["probability"] == pytest.approx(0.6)
        assert set(row["by_method"]) >= {"recency_weighted", "unweighted", "geo_mean_odds"}
        assert row["methods_crossed"] == row["methods_known"] == len(METHODS)
        assert row["first_crossed_at"] is not None
        assert [e["state"] for e in row["events"]][-1] == "crossed"


def test_each_crossing_names_the_version_in_force(world: World) -> None:
    lea, question = world.user("lea", Role.LEADER), world.question()
    users = [world.user(f"fc{i}") for i in range(2)]
    t0 = question.open_time + timedelta(hours=1)
    with world.app.app_context(), session_scope() as session:
        for i, user in enumerate(users):
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=0.2,
                now=t0 + timedelta(minutes=i),
            )
    boundary = draft(world, lea, question, threshold=0.1)
    with world.app.app_context(), session_scope() as session:
        service.commit_boundary(
            session=session, actor=lea, boundary_id=boundary.id, now=t0 + timedelta(hours=1)
        )
        service.revise_boundary(
            session=session,
            actor=lea,
            boundary_id=boundary.id,
            data={"threshold": 0.3, "reason": "higher bar"},
            now=t0 + timedelta(hours=2),
        )
        for user in users:
            submit_forecast(
                session=session,
                actor=user,
                question_id=question.id,
                probability=0.5,
                now=t0 + timedelta(hours=3),
            )
    with world.app.app_context(), session_scope() as session:
        row = threshold_report.report(session=session, viewer=lea)[0]
    assert [(e["state"], e["version"]) for e in row["events"]] == [
        ("crossed", 1),
        ("not_crossed", 2),
        ("crossed", 2),
    ]
    assert row["first_crossed_at"] == row["events"][0]["at"]


def test_a_rolling_horizon_crosses_between_forecasts_at_the_exact_instant(world: World) -> None:
    # One forecast, never updated: P(within 1 year) = F(t + 1 year) rises as time passes, so
    # the boundary crosses while no forecast changes, when t + 1 year reaches F's 5% point.
    lea, fran = world.user("lea", Role.LEADER), world.user("fran")
    question = world.question("date")
    now = utcnow()
    fifth = now + timedelta(days=365 + 10)
    quantiles = [
        [0.05, format_iso(fifth)],
        [0.5, format_iso(now + timedelta(days=3 * 365))],
        [0.95, format_iso(now + timedelta(days=10 * 365))],
    ]
    with world.app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=fran, question_id=question.id, quantiles=quantiles, now=now
        )
    boundary = draft(world, lea, question, event={"kind": "within", "years": 1}, threshold=0.05)
    with world.app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=boundary.id, now=now)
        later = threshold_report.report(session=session, viewer=lea, at=now + timedelta(days=20))
        row = later[0]
        assert row["crossed"]
        assert [e["state"] for e in row["events"]] == ["not_crossed", "crossed"]
        crossed_at = parse_iso(row["first_crossed_at"])
        assert now + timedelta(days=5) < crossed_at < now + timedelta(days=15)
        assert row["events"][1]["probability"] == pytest.approx(0.05)
        # The instant is exact: a minute either side, the plain evaluation agrees.
        before = threshold_report.report(
            session=session, viewer=lea, at=crossed_at - timedelta(minutes=1)
        )[0]
        after = threshold_report.report(
            session=session, viewer=lea, at=crossed_at + timedelta(minutes=1)
        )[0]
        assert not before["crossed"] and before["probability"] < 0.05
        assert after["crossed"] and after["probability"] >= 0.05
        assert [e["state"] for e in before["events"]] == ["not_crossed"]


def test_workers_evaluating_the_same_boundary_at_once_all_get_the_report(world: World) -> None:
    import threading

    from sqlalchemy import delete

    from forecast.models import BoundaryEvaluation

    lea, question = world.user("lea", Role.LEADER), world.question()
    with world.app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=world.user("fcx"), question_id=question.id, probability=0.3
        )
    boundary = draft(world, lea, question, threshold=0.2)
    with world.app.app_context(), session_scope() as session:
        service.commit_boundary(session=session, actor=lea, boundary_id=boundary.id)
    failures: list[BaseException] = []
    crossed: list[bool] = []

    def read(barrier: threading.Barrier) -> None:
        try:
            with world.app.app_context(), session_scope() as session:
                barrier.wait()
                crossed.append(threshold_report.report(session=session, viewer=lea)[0]["crossed"])
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    for _ in range(8):
        with world.app.app_context(), session_scope() as session:
            session.exec(delete(BoundaryEvaluation))  # type: ignore[call-overload]
            session.commit()
        barrier = threading.Barrier(4)
        threads = [threading.Thread(target=read, args=(barrier,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert crossed == [True] * 32
