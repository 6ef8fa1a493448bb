"""Extending a history after new forecasts gives exactly the history rebuilt from scratch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast.core.aggregation import extend as aggregate_extend
from forecast.core.aggregation.aggregate import History, history
from forecast.core.aggregation.extend import EXTENDABLE, extend, is_prefix
from forecast.core.reference import aggregate as reference
from forecast.core.reputation import Reputations

TIMES = {"open_time": 0.0, "scheduled_close": 100.0}
FIELDS = ("start", "end", "forecaster_count", "value", "lower", "upper")
GRID = np.linspace(0.0, 1.0, 201)


def _value(kind: str, x: float) -> float | np.ndarray:
    if kind == "binary":
        return 0.001 + 0.998 * x
    return 0.01 + 0.98 * GRID ** (0.3 + 2.5 * x)


class Forecasts:
    """An append-only store, as the platform keeps it: updates close the standing forecast."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rows: list[list] = []  # [start, end, user, value]

    def submit(self, user: int, t: float, x: float) -> None:
        self.withdraw(user, t)
        self.rows.append([t, np.inf, user, _value(self.kind, x)])

    def withdraw(self, user: int, t: float) -> None:
        for row in self.rows:
            if row[2] == user and row[1] == np.inf:
                row[1] = t

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        start = np.array([r[0] for r in self.rows], dtype=np.float64)
        end = np.array([r[1] for r in self.rows], dtype=np.float64)
        user = np.array([r[2] for r in self.rows], dtype=np.int64)
        values = np.array([r[3] for r in self.rows], dtype=np.float64)
        return start, end, user, values


def _history(store: Forecasts, method: str) -> History:
    start, end, user, values = store.arrays()
    return history(start, end, user, values, method=method, **TIMES)


def _extended(previous: History, store: Forecasts, method: str) -> History | None:
    start, end, user, values = store.arrays()
    return extend(previous, start, end, user, values, method=method, **TIMES)


def assert_same(a: History, b: History) -> None:
    for name in FIELDS:
        np.testing.assert_allclose(
            getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-15, err_msg=name
        )


events = st.lists(
    st.tuples(
        st.integers(0, 5),  # user
        st.integers(0, 3),  # time step after the previous event (0: the same instant)
        st.floats(0.0, 1.0),  # value
        st.booleans(),  # withdraw instead of forecast
    ),
    min_size=1,
    max_size=14,
)


def _play(store: Forecasts, steps: list, clock: float) -> float:
    for user, step, x, withdraw in steps:
        clock += step
        if withdraw:
            store.withdraw(user, clock)
        else:
            store.submit(user, clock, x)
    return clock


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["binary", "continuous"]),
    method=st.sampled_from(EXTENDABLE),
    before=events,
    after=events,
)
def test_an_extended_history_is_the_rebuilt_one(
    kind: str, method: str, before: list, after: list
) -> None:
    store = Forecasts(kind)
    clock = _play(store, before, 0.0)
    previous = _history(store, method)
    _play(store, after, clock)
    extended = _extended(previous, store, method)
    if len(previous.start) == 0:
        assert extended is None  # nothing to build on: rebuilt whole
        return
    assert extended is not None
    assert_same(extended, _history(store, method))


def test_updates_leave_the_past_alone_and_are_extended() -> None:
    store = Forecasts("binary")
    for t, (user, x) in enumerate([(1, 0.2), (2, 0.4), (1, 0.6)]):
        store.submit(user, float(t), x)
    previous = _history(store, "recency_weighted")
    store.submit(3, 5.0, 0.9)
    store.withdraw(2, 7.0)
    extended = _extended(previous, store, "recency_weighted")
    assert extended is not None
    assert list(extended.start) == [0.0, 1.0, 2.0, 5.0, 7.0]
    assert list(extended.forecaster_count) == [1, 2, 2, 3, 2]
    assert_same(extended, _history(store, "recency_weighted"))


def test_a_forecast_inserted_into_the_past_forces_a_rebuild() -> None:
    store = Forecasts("binary")
    for t, user in enumerate([1, 2, 3]):
        store.submit(user, float(2 * t), 0.5)
    previous = _history(store, "mean")
    # At a new instant in the past: a change point the previous history does not have.
    store.rows.append([1.0, 3.0, 9, 0.7])
    assert _extended(previous, store, "mean") is None
    # At existing instants: the same change points, but more forecasts standing.
    store.rows[-1] = [0.0, 2.0, 9, 0.7]
    assert _extended(previous, store, "mean") is None
    start, end, _, _ = store.arrays()
    assert not is_prefix(previous, start, end)


def test_track_record_and_empty_histories_are_rebuilt() -> None:
    store = Forecasts("binary")
    store.submit(1, 0.0, 0.5)
    previous = _history(store, "mean")
    store.submit(2, 1.0, 0.5)
    assert _extended(previous, store, "track_record") is None
    empty = _history(Forecasts("binary"), "mean")
    assert len(empty.start) == 0 and _extended(empty, store, "mean") is None


@pytest.mark.parametrize("kind", ["binary", "continuous"])
def test_nothing_standing_at_the_last_change_point_gives_an_empty_entry(kind: str) -> None:
    store = Forecasts(kind)
    store.submit(1, 0.0, 0.3)
    store.withdraw(1, 2.0)
    previous = _history(store, "unweighted")
    store.submit(2, 4.0, 0.8)
    extended = _extended(previous, store, "unweighted")
    assert extended is not None
    assert list(extended.forecaster_count) == [1, 0, 1]
    assert np.isnan(extended.value[1]).all()
    assert_same(extended, _history(store, "unweighted"))


def _reputations(store: Forecasts, resolutions: list[tuple[int, float, float]]) -> np.ndarray:
    """Reputations from (user, resolved at, gain) events: a user's gains before a forecast."""
    start, _, user, _ = store.arrays()
    rep = np.full(len(start), 0.05)
    for who, when, gain in resolutions:
        rep[(user == who) & (start > when)] += gain
    return rep


resolutions = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 40).map(float), st.floats(0.01, 3.0)),
    max_size=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["binary", "continuous"]),
    before=events,
    after=events,
    earlier=resolutions,
    later=resolutions,
)
def test_a_track_record_history_extended_after_forecasts_and_resolutions_is_the_rebuilt_one(
    kind: str, before: list, after: list, earlier: list, later: list
) -> None:
    store = Forecasts(kind)
    clock = _play(store, before, 0.0)
    start, end, user, values = store.arrays()
    rep = _reputations(store, earlier)
    previous = history(start, end, user, values, method="track_record", reputation=rep, **TIMES)
    _play(store, after, clock)
    start, end, user, values = store.arrays()
    new_rep = _reputations(store, earlier + later)  # resolutions anywhere in the past
    changed_from = Reputations.of_forecasts(start[: len(rep)], user[: len(rep)], rep).first_change(
        Reputations.of_forecasts(start, user, new_rep)
    )
    extended = extend(
        previous, start, end, user, values, method="track_record", reputation=new_rep,
        changed_from=changed_from, **TIMES,
    )  # fmt: skip
    if len(previous.start) == 0:
        assert extended is None
        return
    assert extended is not None
    rebuilt = history(start, end, user, values, method="track_record", reputation=new_rep, **TIMES)
    assert_same(extended, rebuilt)
    plain = reference.history(
        start, end, user, values, method="track_record", reputation=new_rep, **TIMES
    )
    assert_same(extended, plain)


def test_a_track_record_history_keeps_the_entries_before_a_changed_reputation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Forecasts("binary")
    for t, (user, x) in enumerate([(1, 0.2), (1, 0.4), (2, 0.6), (3, 0.8)]):
        store.submit(user, float(t), x)
    start, end, user, values = store.arrays()
    rep = np.full(len(start), 0.5)
    previous = history(start, end, user, values, method="track_record", reputation=rep, **TIMES)
    moved = rep.copy()
    moved[3] = 2.0  # user 3's forecast at t = 3: a question of theirs resolved just before it
    sizes: list[int] = []
    real = aggregate_extend.history

    def counting(*args: Any, **kwargs: Any) -> History:
        sizes.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(aggregate_extend, "history", counting)
    extended = extend(
        previous, start, end, user, values, method="track_record", reputation=moved,
        changed_from=3.0, **TIMES,
    )  # fmt: skip
    assert extended is not None
    assert sizes == [3]  # only the forecasts standing at t = 3 (user 1's first ended at t = 1)
    np.testing.assert_array_equal(extended.value[:3], previous.value[:3])
    rebuilt = history(start, end, user, values, method="track_record", reputation=moved, **TIMES)
    assert_same(extended, rebuilt)
    assert extended.value[3] != previous.value[3]
