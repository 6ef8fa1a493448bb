"""The aggregation service: histories from stored forecasts, the cache, values at any instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from forecast.core.aggregation.aggregate import aggregate_now
from forecast.infra.array_pack import MAGIC
from forecast.infra.clock import to_epoch
from forecast.infra.db import session_scope
from forecast.models import AggregateCache, Forecast, Question
from forecast.services.aggregation import values as aggregation
from forecast.services.aggregation.arrays import text_epochs
from forecast.services.forecasts import submit_forecast, withdraw_forecast
from tests.integration.factories import World


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def fresh(world: World, question_id: int) -> Question:
    with world.app.app_context(), session_scope() as session:
        question = session.get(Question, question_id)
        assert question is not None
        return question


def cache_row(world: World) -> AggregateCache:
    with world.app.app_context(), session_scope() as session:
        return session.exec(select(AggregateCache)).one()


def test_the_history_has_an_entry_per_change_point_and_the_current_value_matches(
    world: World,
) -> None:
    q = world.question()
    users = [world.user(name) for name in ("ann", "ben", "cat")]
    start = q.open_time + timedelta(hours=1)
    probabilities = [0.2, 0.6, 0.9]
    with world.app.app_context(), session_scope() as session:
        for i, (user, p) in enumerate(zip(users, probabilities, strict=True)):
            submit_forecast(
                session=session,
                actor=user,
                question_id=q.id,
                probability=p,
                now=start + timedelta(minutes=i),
            )
        question = session.get(Question, q.id)
        assert question is not None
        cached = aggregation.cached_aggregate(session, question, "recency_weighted")
        h = cached.history
        assert list(h.forecaster_count[:3]) == [1, 2, 3]
        # Two forecasts: weights are all 1, the median is the mean of both.
        assert h.value[1] == pytest.approx(0.4)
        value = aggregation.current_value(session, question)
        assert value.forecaster_count == 3 and value.probability == pytest.approx(h.value[2])
        assert (
            value.interval is not None
            and value.interval[0] <= value.probability <= value.interval[1]
        )


def test_the_cache_is_reused_until_a_forecast_changes_and_then_rebuilt(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=q.id, probability=0.3)
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        aggregation.cached_aggregate(session, question, "mean")
    row = cache_row(world)
    assert row.forecasts_version == question.forecasts_version
    with world.app.app_context(), session_scope() as session:
        aggregation.cached_aggregate(session, question, "mean")
    assert cache_row(world).computed_at == row.computed_at
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ben, question_id=q.id, probability=0.7)
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        value = aggregation.current_value(session, question, "mean")
        assert value.forecaster_count == 2 and value.probability == pytest.approx(0.5)
    assert cache_row(world).forecasts_version == question.forecasts_version


def test_a_withdrawal_changes_the_aggregate(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=q.id, probability=0.2)
        submit_forecast(session=session, actor=ben, question_id=q.id, probability=0.8)
        withdraw_forecast(session=session, actor=ben, question_id=q.id)
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        value = aggregation.current_value(session, question)
        assert value.forecaster_count == 1 and value.probability == pytest.approx(0.2)


def test_the_value_at_a_past_instant_uses_only_forecasts_made_before_it(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    t0 = q.open_time + timedelta(hours=1)
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=q.id, probability=0.3, now=t0)
        submit_forecast(
            session=session,
            actor=ben,
            question_id=q.id,
            probability=0.9,
            now=t0 + timedelta(hours=2),
        )
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        early = aggregation.value_at(session, question, at=t0 + timedelta(hours=1))
        assert early.forecaster_count == 1 and early.probability == pytest.approx(0.3)
        late = aggregation.value_at(session, question, at=t0 + timedelta(hours=3))
        assert late.forecaster_count == 2 and late.probability == pytest.approx(0.6)


def test_continuous_aggregates_match_the_pure_function(world: World) -> None:
    q = world.question("numeric")
    cdfs = [np.linspace(0.0, 0.95, 201), np.linspace(0.0, 0.99, 201) ** 1.5]
    cdfs[1][-1] = 0.99
    users = [world.user("ann"), world.user("ben")]
    with world.app.app_context(), session_scope() as session:
        for user, cdf in zip(users, cdfs, strict=True):
            submit_forecast(session=session, actor=user, question_id=q.id, cdf=cdf.tolist())
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        value = aggregation.current_value(session, question)
        forecasts = aggregation.load_forecasts(session, question)
        expected = aggregate_now(
            forecasts.start,
            forecasts.user,
            forecasts.values,
            t=to_epoch(value.at),
            open_time=to_epoch(question.open_time),
            scheduled_close=to_epoch(question.close_time),
        )
        assert value.cdf is not None and np.allclose(value.cdf, expected)
        assert np.allclose(value.cdf, (cdfs[0] + cdfs[1]) / 2)


def test_an_unknown_method_is_refused() -> None:
    from forecast.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        aggregation.parse_method("majority_vote")
    assert aggregation.parse_method(None) == "recency_weighted"


def test_a_cache_row_in_an_older_format_is_rebuilt(world: World) -> None:
    from sqlalchemy import update

    q = world.question()
    with world.app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=world.user("ann"), question_id=q.id, probability=0.3)
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        aggregation.cached_aggregate(session, question, "mean")
    with world.app.app_context(), session_scope() as session:
        session.execute(update(AggregateCache).values(payload=b"PK\x05\x06" + b"\x00" * 18))
        session.commit()
    with world.app.app_context(), session_scope() as session:
        assert aggregation.current_value(session, question, "mean").probability == 0.3
    assert cache_row(world).payload.startswith(MAGIC), "stored again in the current layout"


def test_the_chart_band_is_computed_only_when_asked_for_and_then_kept(world: World) -> None:
    q = world.question()
    with world.app.app_context(), session_scope() as session:
        for i, name in enumerate(("ann", "ben", "cal")):
            submit_forecast(
                session=session, actor=world.user(name), question_id=q.id, probability=0.2 + i / 5
            )
    question = fresh(world, q.id)
    with world.app.app_context(), session_scope() as session:
        plain = aggregation.cached_aggregate(session, question, "mean")
    assert not plain.band_done and len(plain.band_time) == 0
    first = cache_row(world).computed_at
    with world.app.app_context(), session_scope() as session:
        drawn = aggregation.cached_aggregate(session, question, "mean", band=True)
    assert drawn.band_done and len(drawn.band_time) > 0
    assert (drawn.band_low <= drawn.band_high).all()
    # The history is the same either way; the row now holds the band for later readers.
    assert np.array_equal(drawn.history.value, plain.history.value, equal_nan=True)
    second = cache_row(world).computed_at
    assert second >= first
    with world.app.app_context(), session_scope() as session:
        again = aggregation.cached_aggregate(session, question, "mean", band=True)
        reread = aggregation.cached_aggregate(session, question, "mean")
    assert cache_row(world).computed_at == second
    assert np.array_equal(again.band_low, drawn.band_low)
    assert reread.band_done


def test_one_request_builds_a_cold_aggregate_once_and_keeps_its_band(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The question page asks for the history with its band, then for the value now: on a cold
    # cache both used to build it, the second time without the band, and stored that instead.
    q = world.question()
    with world.app.app_context(), session_scope() as session:
        for i, name in enumerate(("ann", "ben")):
            submit_forecast(
                session=session, actor=world.user(name), question_id=q.id, probability=0.3 + i / 5
            )
    question = fresh(world, q.id)
    builds: list[bool] = []
    build = aggregation.build_cached

    def counting(*args: object, **kwargs: object) -> aggregation.CachedAggregate:
        builds.append(bool(kwargs.get("band")))
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aggregation, "build_cached", counting)
    with world.app.app_context(), session_scope() as session:
        session.connection()  # a transaction (and its snapshot) open before the first build
        drawn = aggregation.cached_aggregate(session, question, "mean", band=True)
        value = aggregation.current_value(session, question, "mean")
        assert aggregation.cached_aggregate(session, question, "mean") is drawn
    assert builds == [True]
    assert value.probability == pytest.approx(0.4)
    with world.app.app_context(), session_scope() as session:
        assert aggregation.cached_aggregate(session, question, "mean", band=True).band_done
    assert builds == [True], "the stored row kept its band"


def test_a_session_remembers_only_its_last_few_aggregates(world: World) -> None:
    questions = [world.question() for _ in range(aggregation.MEMO_SIZE + 3)]
    with world.app.app_context(), session_scope() as session:
        for q in questions:
            aggregation.cached_aggregate(session, fresh(world, q.id), "mean")
        memo = session.info["forecast_cached_aggregates"]
        assert len(memo) == aggregation.MEMO_SIZE
        assert {key[0] for key in memo} == {q.id for q in questions[-aggregation.MEMO_SIZE :]}


@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
        ),
        max_size=20,
    )
)
def test_timestamp_texts_read_as_exactly_the_seconds_datetimes_give(
    instants: list[datetime],
) -> None:
    texts: list[str | None] = [t.replace(tzinfo=None).isoformat(" ") for t in instants]
    got = text_epochs([*texts, None])
    assert got.tolist() == [t.timestamp() for t in instants] + [np.inf]


def test_loaded_forecast_times_equal_the_stored_instants(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    base = q.open_time + timedelta(hours=2)
    with world.app.app_context(), session_scope() as session:
        for i, user in enumerate((ann, ben, ann)):
            at = base + timedelta(minutes=7 * i, microseconds=123_457 * (i + 1))
            submit_forecast(session=session, actor=user, question_id=q.id, probability=0.4, now=at)
        loaded = aggregation.load_forecasts(session, fresh(world, q.id))
        stored = session.exec(select(Forecast).where(Forecast.question_id == q.id)).all()
    expected = sorted(
        (f.start_time.timestamp(), f.end_time.timestamp() if f.end_time else np.inf) for f in stored
    )
    assert sorted(zip(loaded.start.tolist(), loaded.end.tolist(), strict=True)) == expected
    assert np.isinf(loaded.end).sum() == 2  # ann's first forecast was closed by her second
