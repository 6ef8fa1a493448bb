"""The fast aggregate history against plain recomputation at every change point."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forecast.core.aggregation.fixed as fixed_engine
import forecast.core.aggregation.history as engine
import forecast.core.aggregation.ranked as ranked_engine
from forecast.core.aggregation import aggregate
from forecast.core.aggregation.aggregate import METHODS, aggregate_now, entry_at, history
from forecast.core.aggregation.history import dropped_count
from forecast.core.reference import aggregate as reference

GRID = np.linspace(0.0, 1.0, 201)
TIMES = {"open_time": 0.0, "scheduled_close": 20.0}
FIELDS = ("start", "end", "forecaster_count", "value", "lower", "upper")


def smooth_cdf(below: float, power: float) -> np.ndarray:
    return below + (0.99 - below) * GRID**power


@st.composite
def questions(draw: st.DrawFn, kind: str) -> dict:
    """Up to 7 users, each forecasting 1-4 times on a coarse clock (many ties), some withdrawing."""
    n_users = draw(st.integers(1, 7))
    ids = draw(st.permutations(range(100, 100 + n_users)))
    rows: list[tuple] = []
    for u in ids:
        times = sorted(set(draw(st.lists(st.integers(0, 12), min_size=1, max_size=4))))
        withdrawal = draw(st.one_of(st.none(), st.integers(0, 4)))
        for i, t in enumerate(times):
            if i + 1 < len(times):
                end = float(times[i + 1])
            else:
                end = np.inf if withdrawal is None else float(t + withdrawal)
            if kind == "binary":
                value = draw(st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9]) | st.floats(0.001, 0.999))
            else:
                value = smooth_cdf(draw(st.floats(0.001, 0.3)), draw(st.floats(0.3, 3.0)))
            rows.append((float(t), end, u, value, draw(st.floats(1e-7, 5.0))))
    order = draw(st.permutations(range(len(rows))))
    rows = [rows[i] for i in order]
    return {
        "start": np.array([r[0] for r in rows]),
        "end": np.array([r[1] for r in rows]),
        "user": np.array([r[2] for r in rows], dtype=np.int64),
        "values": np.array([r[3] for r in rows]),
        "reputation": np.array([r[4] for r in rows]),
    }


def random_question(
    rng: np.random.Generator, kind: str, users: int, per_user: int, span: float = 20.0
) -> dict:
    """Users forecasting at random times, updating, sometimes withdrawing; some start ties."""
    times = np.sort(np.round(rng.uniform(0, span, (users, per_user)), 2), axis=1)
    times += np.arange(per_user) * 1e-3  # a user's forecasts start at distinct times
    end = np.concatenate([times[:, 1:], np.full((users, 1), np.inf)], axis=1)
    withdrawn = rng.random(users) < 0.2
    end[withdrawn, -1] = times[withdrawn, -1] + rng.uniform(0, 3, withdrawn.sum())
    n = users * per_user
    if kind == "binary":
        values = rng.uniform(0.001, 0.999, n)
        coarse = rng.random(n) < 0.3
        values[coarse] = np.round(values[coarse], 1).clip(0.1, 0.9)
    else:
        steps = rng.uniform(0.05, 1.0, (n, 200))
        values = np.concatenate([np.zeros((n, 1)), np.cumsum(steps, axis=1)], axis=1)
        values = 0.01 + 0.98 * values / values[:, -1:]
    shuffle = rng.permutation(n)
    return {
        "start": times.ravel()[shuffle],
        "end": end.ravel()[shuffle],
        "user": np.repeat(rng.permutation(users * 3)[:users], per_user)[shuffle],
        "values": values[shuffle],
        "reputation": np.exp(rng.normal(0, 2, n))[shuffle],
    }


def assert_same_history(question: dict, method: str, *, atol: float = 1e-9) -> None:
    kwargs = dict(question, method=method, **TIMES)
    fast = history(**kwargs)
    plain = reference.history(**kwargs)
    for field in FIELDS:
        got, want = getattr(fast, field), getattr(plain, field)
        assert got.shape == want.shape, field
        np.testing.assert_allclose(got, want, rtol=0, atol=atol, err_msg=f"{method} {field}")


@pytest.mark.parametrize("kind", ["binary", "continuous"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_history_equals_recomputation_at_every_change_point(kind, data):
    question = data.draw(questions(kind))
    for method in METHODS:
        assert_same_history(question, method)


CONFIGS = [
    pytest.param({}, id="defaults"),
    pytest.param({"rows": 5, "block": 4, "chunk": 8, "median_drop": 1e-2}, id="tiny-batches"),
    pytest.param({"rows": 17, "block": 8, "chunk": 24, "median_drop": 0.3}, id="wide-window"),
]


@pytest.fixture(params=CONFIGS)
def engine_config(request, monkeypatch):
    """Run the engines with other batch sizes and a much narrower median window."""
    config = request.param
    if "rows" in config:
        for name in ("RANKED_ROWS", "CDF_ROWS"):
            monkeypatch.setattr(ranked_engine, name, config["rows"])
        monkeypatch.setattr(fixed_engine, "FIXED_ROWS", config["rows"] * 3)
    if "block" in config:
        for module in (engine, ranked_engine, fixed_engine):
            monkeypatch.setattr(module, "BLOCK", config["block"])
        monkeypatch.setattr(ranked_engine, "CHUNK", config["chunk"])
    if "median_drop" in config:
        monkeypatch.setattr(ranked_engine, "MEDIAN_DROP", config["median_drop"])
    return config


@pytest.mark.parametrize("kind", ["binary", "continuous"])
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_history_equals_recomputation_on_larger_random_questions(engine_config, kind, seed):
    rng = np.random.default_rng(seed)
    users, per_user = (300, 4) if kind == "binary" else (120, 3)
    question = random_question(rng, kind, users, per_user)
    for method in METHODS:
        assert_same_history(question, method)


def test_an_even_count_split_exactly_in_half_across_a_block_boundary_takes_both_values():
    rng = np.random.default_rng(7)
    n = 128  # the two middle values are the last of one block of 64 and the first of the next
    question = {
        "start": np.zeros(n), "end": np.full(n, np.inf), "user": np.arange(n),
        "values": rng.permutation(np.linspace(0.01, 0.99, n)),
    }  # fmt: skip
    h = history(**question, method="unweighted", **TIMES)
    ordered = np.sort(question["values"])
    assert h.value[0] == pytest.approx((ordered[63] + ordered[64]) / 2, abs=1e-15)
    assert h.lower[0] == pytest.approx((ordered[31] + ordered[32]) / 2, abs=1e-15)


@pytest.mark.parametrize("n", [64, 100, 1000, 20_000, 1_000_000])
@pytest.mark.parametrize("drop", [1e-18, 1e-8])
def test_the_recency_window_leaves_out_no_more_weight_than_allowed(n, drop):
    c = dropped_count(n, drop)
    log_w = np.sqrt(np.arange(1.0, n + 1))
    top = log_w.max()
    share = np.exp(log_w[:c] - top).sum() / np.exp(log_w - top).sum()
    assert share <= drop
    assert c < n


def test_the_window_for_weighted_means_changes_nothing_beyond_1e_12(monkeypatch):
    rng = np.random.default_rng(3)
    question = random_question(rng, "continuous", 1500, 2)
    question.pop("reputation")
    binary = random_question(rng, "binary", 3000, 2)
    binary.pop("reputation")
    assert dropped_count(3000, ranked_engine.MEAN_DROP) > 0
    windowed = {m: history(**binary, method=m, **TIMES) for m in ("mean", "geo_mean_odds")}
    windowed["cdf"] = history(**question, **TIMES)
    monkeypatch.setattr(ranked_engine, "MEAN_DROP", 0.0)
    for method in ("mean", "geo_mean_odds"):
        full = history(**binary, method=method, **TIMES)
        np.testing.assert_allclose(windowed[method].value, full.value, rtol=0, atol=1e-12)
    full = history(**question, **TIMES)
    np.testing.assert_allclose(windowed["cdf"].value, full.value, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(question=questions("binary"))
def test_history_intervals_tile_time_without_gaps_or_overlaps(question):
    h = history(**question, **TIMES)
    assert np.all(np.diff(h.start) > 0)
    np.testing.assert_array_equal(h.end[:-1], h.start[1:])
    assert len(h.end) == 0 or h.end[-1] == np.inf
    for k, t in enumerate(h.start):
        live = (question["start"] <= t) & (t < question["end"])
        assert h.forecaster_count[k] == live.sum()


@pytest.mark.parametrize("kind", ["binary", "continuous"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_value_at_an_instant_equals_the_history_entry_covering_it(kind, data):
    question = data.draw(questions(kind))
    t = data.draw(st.sampled_from([0.0, 0.5, 3.0, 3.5, 7.0, 11.99, 12.0, 30.0]))
    live = (question["start"] <= t) & (t < question["end"])
    for method in METHODS:
        h = history(**question, method=method, **TIMES)
        k = entry_at(h, t)
        if not live.any():
            assert k is None or h.forecaster_count[k] == 0
            continue
        now = aggregate_now(
            question["start"][live], question["user"][live], question["values"][live],
            method=method, t=t, reputation=question["reputation"][live], **TIMES,
        )  # fmt: skip
        assert k is not None
        np.testing.assert_allclose(h.value[k], now, rtol=0, atol=1e-12)


def test_history_is_exposed_through_the_public_module():
    assert aggregate.History.__dataclass_fields__.keys() == set(FIELDS)
