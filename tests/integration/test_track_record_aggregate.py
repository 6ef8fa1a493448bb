"""The cached track_record aggregate: equal to a plain recomputation from the stored scores, and
current after new forecasts, resolutions, un-resolutions, re-resolutions and window edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import Session, col, select

from forecast.core.aggregation import extend as aggregate_extend
from forecast.core.aggregation.aggregate import History
from forecast.core.reference import aggregate as reference
from forecast.infra.clock import from_epoch, to_epoch, utcnow
from forecast.infra.db import session_scope
from forecast.models import Forecast, Question, Score, User
from forecast.services.aggregation import reputations as track_reputations
from forecast.services.aggregation import values as aggregation
from forecast.services.aggregation.data_versions import data_version
from forecast.services.forecasts import submit_forecast
from forecast.services.resolution.resolve import resolve, unresolve
from forecast.services.scoring.resolver import score_all
from tests.integration.factories import World

FIELDS = ("start", "end", "forecaster_count", "value", "lower", "upper")
METHOD = "track_record"
DAY = timedelta(days=1)


@dataclass
class Setting:
    """Forecasters with a record on two earlier questions, and the question under test."""

    world: World
    users: list[User]
    earlier: list[Question]
    target: Question

    def question(self, session: Session) -> Question:
        found = session.get(Question, self.target.id)
        assert found is not None
        return found


def _forecast(session: Session, user: User, question: Question, p: float, when: datetime) -> None:
    submit_forecast(session=session, actor=user, question_id=question.id, probability=p, now=when)


@pytest.fixture
def setting(any_app: Flask) -> Setting:
    world = World(any_app)
    users = [world.user(name) for name in ("ann", "ben", "cat", "dan")]
    earlier = [world.question(opens=-40 * DAY, closes=20 * DAY) for _ in range(2)]
    target = world.question(opens=-30 * DAY, closes=30 * DAY)
    now = utcnow()
    with any_app.app_context(), session_scope() as session:
        for q, skill in zip(earlier, ((0.9, 0.6, 0.2, 0.5), (0.3, 0.8, 0.7, 0.1)), strict=True):
            for i, (user, p) in enumerate(zip(users, skill, strict=True)):
                _forecast(session, user, q, p, now - (39 - i) * DAY)
        # On the target: forecasts before and after both earlier questions' resolution times.
        for day, user, p in [(29, 0, 0.2), (28, 1, 0.7), (27, 2, 0.4), (18, 3, 0.9),
                             (16, 0, 0.35), (9, 1, 0.6), (6, 2, 0.55), (3, 3, 0.8)]:  # fmt: skip
            _forecast(session, users[user], target, p, now - day * DAY)
    _resolve(world, earlier[0], "yes", now - 20 * DAY)
    return Setting(world, users, earlier, target)


def _resolve(world: World, question: Question, outcome: str, when: datetime, **extra: Any) -> None:
    with world.app.app_context(), session_scope() as session:
        data = {"outcome": outcome, "resolved_at": when.isoformat(), **extra}
        resolve(session=session, actor=world.organizer, question_id=question.id, data=data)


def plain(session: Session, question: Question) -> History:
    """The history straight from SCORING.md: every forecast's reputation summed from the stored
    scores of questions resolved before it started, then the reference aggregate."""
    forecasts = session.exec(select(Forecast).where(Forecast.question_id == question.id)).all()
    rows = session.exec(
        select(Score.user_id, Question.resolved_at, Question.id, Score.peer, Score.coverage)
        .join(Question, col(Question.id) == col(Score.question_id))
        .where(col(Question.resolved_at).is_not(None))
    ).all()
    rows = sorted(rows, key=lambda r: (r[1], r[2]))
    rep = []
    for f in forecasts:
        peer = coverage = 0.0
        for user_id, resolved_at, _, p, c in rows:
            if user_id == f.user_id and resolved_at < f.start_time:
                peer += p
                coverage += c
        rep.append(max(peer / (30.0 + coverage), 1e-6))
    return reference.history(
        np.array([f.start_time.timestamp() for f in forecasts]),
        np.array([f.end_time.timestamp() if f.end_time else np.inf for f in forecasts]),
        np.array([f.user_id for f in forecasts], dtype=np.int64),
        np.array([f.probability for f in forecasts]),
        method=METHOD,
        open_time=to_epoch(question.open_time),
        scheduled_close=to_epoch(question.close_time),
        reputation=np.array(rep),
    )


def assert_same(a: History, b: History) -> None:
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12, err_msg=name)


def cached_and_plain(setting: Setting) -> tuple[History, History]:
    with setting.world.app.app_context(), session_scope() as session:
        question = setting.question(session)
        cached = aggregation.cached_aggregate(session, question, METHOD, band=True)
        return cached.history, plain(session, question)


def assert_band_holds(setting: Setting) -> np.ndarray:
    """Check that every instant of the chart's band has the interval computed there afresh;
    return the instants."""
    with setting.world.app.app_context(), session_scope() as session:
        question = setting.question(session)
        cached = aggregation.cached_aggregate(session, question, METHOD, band=True)
        assert cached.band_done and len(cached.band_time) > 0
        for t, low, high in zip(cached.band_time, cached.band_low, cached.band_high, strict=True):
            value = aggregation.value_at(
                session, question, method=METHOD, at=from_epoch(float(t)),
                resamples=aggregation.BAND_RESAMPLES,
            )  # fmt: skip
            assert (low, high) == pytest.approx(value.interval, rel=1e-12)
        return cached.band_time


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Record the arguments of every call to module.name."""
    calls: list[Any] = []
    real = getattr(module, name)

    def spying(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spying)
    return calls


def test_the_cached_history_equals_the_plain_one_from_the_stored_scores(
    setting: Setting,
) -> None:
    cached, expected = cached_and_plain(setting)
    assert_same(cached, expected)
    # The record matters: ann's and dan's weights moved when the first question resolved.
    unweighted = plain_without_scores(setting)
    assert not np.allclose(cached.value, unweighted.value, equal_nan=True)


def plain_without_scores(setting: Setting) -> History:
    with setting.world.app.app_context(), session_scope() as session:
        question = setting.question(session)
        forecasts = aggregation.load_forecasts(session, question)
        return reference.history(
            forecasts.start, forecasts.end, forecasts.user, forecasts.values, method=METHOD,
            open_time=to_epoch(question.open_time),
            scheduled_close=to_epoch(question.close_time),
        )  # fmt: skip


def test_a_resolution_in_the_past_recomputes_only_from_the_first_forecast_it_moves(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, _ = cached_and_plain(setting)
    when = utcnow() - 12 * DAY
    _resolve(setting.world, setting.earlier[1], "no", when)
    tails = _spy(monkeypatch, aggregate_extend, "history")
    after, expected = cached_and_plain(setting)
    assert_same(after, expected)
    # Only the forecasts standing from the first one made after the resolution on (6 of the 8:
    # not ann's and ben's first, replaced by then) are aggregated again; the entries before it
    # are kept as they were.
    assert len(tails) == 1 and len(tails[0][0][0]) == 6
    kept = after.start < to_epoch(when)
    np.testing.assert_array_equal(after.value[kept], before.value[kept])
    assert not np.allclose(after.value[~kept], before.value[~kept])
    # The band's instants after the resolution were computed again with the new weights.
    assert (assert_band_holds(setting) > to_epoch(when)).sum() > 1


def test_un_resolving_brings_the_earlier_aggregate_back(setting: Setting) -> None:
    before, _ = cached_and_plain(setting)
    _resolve(setting.world, setting.earlier[1], "yes", utcnow() - 12 * DAY)
    moved, _ = cached_and_plain(setting)
    assert not np.allclose(moved.value, before.value)
    with setting.world.app.app_context(), session_scope() as session:
        unresolve(
            session=session,
            actor=setting.world.organizer,
            question_id=setting.earlier[1].id,
            reason="wrong source",
        )
    after, expected = cached_and_plain(setting)
    assert_same(after, expected)
    assert_same(after, before)


def test_a_re_resolution_with_the_same_number_of_scores_moves_the_aggregate(
    setting: Setting,
) -> None:
    before, _ = cached_and_plain(setting)
    _resolve(
        setting.world, setting.earlier[0], "no", utcnow() - 20 * DAY, reason="misread the source"
    )
    after, expected = cached_and_plain(setting)
    assert_same(after, expected)
    assert not np.allclose(after.value, before.value)


def test_a_new_forecast_reads_only_its_forecasters_scores(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached_and_plain(setting)
    with setting.world.app.app_context(), session_scope() as session:
        _forecast(session, setting.users[1], setting.target, 0.15, utcnow())
    reads = _spy(monkeypatch, track_reputations, "_scores")
    after, expected = cached_and_plain(setting)
    assert_same(after, expected)
    assert [args[1].tolist() for args, _ in reads] == [[setting.users[1].id]]


def test_a_new_window_rebuilds_the_aggregate(setting: Setting) -> None:
    cached_and_plain(setting)
    with setting.world.app.app_context(), session_scope() as session:
        question = setting.question(session)
        session.execute(
            update(Question)
            .where(col(Question.id) == question.id)
            .values(close_time=question.close_time + 40 * DAY)
        )
        session.commit()
    after, expected = cached_and_plain(setting)
    assert_same(after, expected)


def test_every_write_to_the_scores_moves_the_scores_version(setting: Setting) -> None:
    def version() -> int:
        with setting.world.app.app_context(), session_scope() as session:
            return data_version(session)

    seen = [version()]
    _resolve(setting.world, setting.earlier[1], "yes", utcnow() - DAY)
    seen.append(version())
    with setting.world.app.app_context(), session_scope() as session:
        unresolve(
            session=session,
            actor=setting.world.organizer,
            question_id=setting.earlier[1].id,
            reason="too early",
        )
    seen.append(version())
    with setting.world.app.app_context(), session_scope() as session:
        score_all(session=session)
    seen.append(version())
    assert seen == sorted(set(seen)), seen


def test_values_now_and_at_past_instants_equal_a_fresh_computation_without_reading_scores(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, expected = cached_and_plain(setting)
    reads = _spy(monkeypatch, track_reputations, "_scores")
    with setting.world.app.app_context(), session_scope() as session:
        question = setting.question(session)
        now = aggregation.current_value(session, question, METHOD)
        # The value now is the latest entry's, with its interval: computed at this instant
        # from scratch (with every reputation summed afresh) it is the same.
        forecasts = aggregation.load_forecasts(session, question)
        fresh_reps = track_reputations.question_reputations(session, forecasts)
        fresh = aggregation.value_at(
            session, question, method=METHOD, at=now.at,
            forecasts=aggregation.QuestionForecasts(
                forecasts.start, forecasts.end, forecasts.user, forecasts.values, False,
                fresh_reps.lookup(forecasts.start, forecasts.user),
            ),
        )  # fmt: skip
        assert now.probability == pytest.approx(fresh.probability, rel=1e-12)
        assert now.probability == pytest.approx(expected.value[-1], rel=1e-12)
        assert now.interval == pytest.approx(fresh.interval, rel=1e-12)
        instants = np.linspace(expected.start[0], to_epoch(now.at), 25)
        for t in instants.tolist():
            value = aggregation.value_at(session, question, method=METHOD, at=from_epoch(t))
            i = int(np.searchsorted(expected.start, t, side="right")) - 1
            assert value.forecaster_count == expected.forecaster_count[i]
            assert value.probability == pytest.approx(expected.value[i], rel=1e-12)
    assert len(reads) == 1  # only the fresh computation above read the scores


def test_forecasts_loaded_as_standing_at_an_instant_are_those_standing_then(
    setting: Setting,
) -> None:
    with setting.world.app.app_context(), session_scope() as session:
        question = setting.question(session)
        every = aggregation.load_forecasts(session, question)
        instants = np.unique(np.concatenate([every.start, every.end[np.isfinite(every.end)]]))
        for t in np.concatenate([instants, instants - 1e-6, instants + 1e-6]).tolist():
            standing = aggregation.load_forecasts(session, question, standing_at=from_epoch(t))
            active = every.active_at(t)
            got = sorted(zip(standing.start.tolist(), standing.user.tolist(), strict=True))
            want = sorted(
                zip(every.start[active].tolist(), every.user[active].tolist(), strict=True)
            )
            assert got == want
