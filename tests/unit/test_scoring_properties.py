"""Hypothesis properties of the scores, and agreement with the per-forecast reference loop."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.core import scoring
from forecast.core.reference import scoring as reference
from forecast.core.scoring import ForecastArrays, QuestionArrays, ScoreTable

BASE = 1_700_000_000.0
FIELDS = ("baseline", "peer", "coverage", "brier", "log")


@st.composite
def datasets(draw: st.DrawFn, max_questions: int = 6, max_forecasts: int = 40) -> tuple:
    """Draw questions and forecasts on a coarse time grid, so that change points coincide."""
    nq = draw(st.integers(1, max_questions))
    unit = draw(st.sampled_from([1.0, 0.37, 3600.5]))
    open_t, sched, actual, cont, bounds, bucket, yes = [], [], [], [], [], [], []
    for _ in range(nq):
        o = BASE + unit * draw(st.integers(0, 30))
        span = draw(st.integers(1, 40))
        open_t.append(o)
        sched.append(o + unit * span)
        actual.append(o + unit * draw(st.integers(-3, span + 3)))
        cont.append(draw(st.booleans()))
        bounds.append(draw(st.integers(0, 2)))
        bucket.append(draw(st.integers(0, 201)) if cont[-1] else -1)
        yes.append(draw(st.booleans()))
    nf = draw(st.integers(0, max_forecasts))
    q, user, start, end, p_out, p_yes = [], [], [], [], [], []
    for _ in range(nf):
        k = draw(st.integers(0, nq - 1))
        q.append(k)
        user.append(draw(st.integers(0, 5)))
        s = open_t[k] + unit * draw(st.integers(-5, 45))
        start.append(s)
        length = draw(st.one_of(st.none(), st.integers(0, 40)))
        end.append(math.inf if length is None else s + unit * length)
        if cont[k]:
            p_out.append(draw(st.floats(5e-5, 0.5)))
            p_yes.append(math.nan)
        else:
            p = draw(st.floats(0.001, 0.999))
            p_yes.append(p)
            p_out.append(p if yes[k] else 1.0 - p)
    qs = QuestionArrays(
        open_time=np.array(open_t),
        scheduled_close=np.array(sched),
        actual_close=np.array(actual),
        continuous=np.array(cont, dtype=np.bool_),
        open_bounds=np.array(bounds, dtype=np.int64),
        outcome_bucket=np.array(bucket, dtype=np.int64),
    )
    fs = ForecastArrays(
        question=np.array(q, dtype=np.int64),
        user=np.array(user, dtype=np.int64),
        start=np.array(start, dtype=np.float64),
        end=np.array(end, dtype=np.float64),
        p_outcome=np.array(p_out, dtype=np.float64),
        p_yes=np.array(p_yes, dtype=np.float64),
    )
    return qs, fs


def assert_tables_close(got: ScoreTable, expected: ScoreTable, rtol: float = 1e-9) -> None:
    """Assert two score tables have the same rows and values within rtol."""
    np.testing.assert_array_equal(got.question, expected.question)
    np.testing.assert_array_equal(got.user, expected.user)
    for name in FIELDS:
        np.testing.assert_allclose(
            getattr(got, name), getattr(expected, name), rtol=rtol, atol=rtol, err_msg=name
        )


def coverage_of(table: ScoreTable, question: int, user: int) -> float:
    """Return a (question, user) coverage, 0 when the pair has no row."""
    hit = (table.question == question) & (table.user == user)
    return float(table.coverage[hit].sum())


@settings(max_examples=200, deadline=None)
@given(datasets())
def test_vectorised_scores_equal_the_reference_loop(data: tuple) -> None:
    qs, fs = data
    assert_tables_close(scoring.score(qs, fs), reference.score(qs, fs))


@settings(deadline=None)
@given(datasets(max_questions=3, max_forecasts=150))
def test_vectorised_scores_equal_the_reference_loop_on_crowded_questions(data: tuple) -> None:
    qs, fs = data
    assert_tables_close(scoring.score(qs, fs), reference.score(qs, fs))


@settings(deadline=None)
@given(datasets())
def test_peer_scores_sum_to_zero_on_every_question(data: tuple) -> None:
    qs, fs = data
    table = scoring.score(qs, fs)
    total = np.bincount(table.question, weights=table.peer, minlength=qs.open_time.size)
    scale = 1.0 + np.bincount(table.question, weights=np.abs(table.peer), minlength=total.size)
    assert np.all(np.abs(total) <= 1e-10 * scale)


@settings(deadline=None)
@given(datasets())
def test_baseline_of_a_constant_forecast_is_the_closed_form_times_coverage(data: tuple) -> None:
    qs, fs = data
    # One probability per (question, user): every forecast of the pair repeats it.
    pair_p = {
        (int(q), int(u)): p for q, u, p in zip(fs.question, fs.user, fs.p_outcome, strict=True)
    }
    p = np.array([pair_p[(int(q), int(u))] for q, u in zip(fs.question, fs.user, strict=True)])
    table = scoring.score(qs, replace(fs, p_outcome=p))
    for k in range(table.question.size):
        q, u = int(table.question[k]), int(table.user[k])
        value = pair_p[(q, u)]
        if qs.continuous[q]:
            b = int(qs.outcome_bucket[q])
            beta = 0.05 if b in (0, 201) else (1 - 0.05 * int(qs.open_bounds[q])) / 200
            closed = 100 * math.log(value / beta) / 2
        else:
            closed = 100 * math.log2(2 * value)
        assert math.isclose(
            table.baseline[k], closed * table.coverage[k], rel_tol=1e-9, abs_tol=1e-9
        )


@settings(deadline=None)
@given(datasets(), st.data())
def test_a_forecast_made_later_never_gains_coverage(data: tuple, draw: st.DataObject) -> None:
    qs, fs = data
    if fs.question.size == 0:
        return
    i = draw.draw(st.integers(0, fs.question.size - 1))
    delay = draw.draw(st.floats(0.0, 1e5))
    later = fs.start.copy()
    later[i] += delay
    before = scoring.score(qs, fs)
    after = scoring.score(qs, replace(fs, start=later))
    q, u = int(fs.question[i]), int(fs.user[i])
    assert coverage_of(after, q, u) <= coverage_of(before, q, u) + 1e-12


@settings(deadline=None)
@given(datasets(), st.integers(0, 2**32 - 1))
def test_scores_do_not_depend_on_the_order_rows_arrive_in(data: tuple, seed: int) -> None:
    qs, fs = data
    perm = np.random.default_rng(seed).permutation(fs.question.size)
    shuffled = ForecastArrays(
        *(getattr(fs, f)[perm] for f in ("question", "user", "start", "end", "p_outcome", "p_yes"))
    )
    assert_tables_close(scoring.score(qs, shuffled), scoring.score(qs, fs), rtol=1e-12)


def single_forecast_questions(
    p_outcome: np.ndarray, continuous: bool, bucket: np.ndarray, bounds: int
) -> ScoreTable:
    """Score one whole-window forecast on each of len(p_outcome) questions."""
    n = p_outcome.size
    qs = QuestionArrays(
        open_time=np.zeros(n),
        scheduled_close=np.ones(n),
        actual_close=np.ones(n),
        continuous=np.full(n, continuous),
        open_bounds=np.full(n, bounds, dtype=np.int64),
        outcome_bucket=bucket.astype(np.int64),
    )
    fs = ForecastArrays(
        question=np.arange(n),
        user=np.zeros(n, dtype=np.int64),
        start=np.zeros(n),
        end=np.full(n, np.inf),
        p_outcome=p_outcome,
        p_yes=np.full(n, np.nan),
    )
    return scoring.score(qs, fs)


@given(st.integers(1, 999))
def test_truthful_binary_forecasts_maximise_expected_baseline(permille: int) -> None:
    truth = permille / 1000
    grid = np.arange(1, 1000) / 1000
    on_yes = single_forecast_questions(grid, False, np.full(grid.size, -1), 0).baseline
    on_no = single_forecast_questions(1 - grid, False, np.full(grid.size, -1), 0).baseline
    expected = truth * on_yes + (1 - truth) * on_no
    assert int(np.argmax(expected)) == permille - 1


@settings(deadline=None)
@given(
    st.lists(st.floats(0.01, 1.0), min_size=202, max_size=202),
    st.lists(st.floats(0.01, 1.0), min_size=202, max_size=202),
    st.floats(0.01, 0.99),
    st.integers(0, 2),
)
def test_truthful_continuous_forecasts_maximise_expected_baseline(
    weights: list[float], other: list[float], mix: float, bounds: int
) -> None:
    truth = np.array(weights) / sum(weights)
    noise = np.array(other) / sum(other)
    buckets = np.arange(202)

    def expected_baseline(pmf: np.ndarray) -> float:
        cdf = np.cumsum(pmf)[:201][None, :].repeat(202, axis=0)
        p = scoring.continuous_outcome_probability(cdf, buckets)
        return float(truth @ single_forecast_questions(p, True, buckets, bounds).baseline)

    honest = expected_baseline(truth)
    assert honest >= expected_baseline((1 - mix) * truth + mix * noise) - 1e-9
    assert honest >= expected_baseline(noise) - 1e-9
    assert honest >= expected_baseline(np.roll(truth, 1)) - 1e-9


@given(st.floats(-0.5, 1.5, allow_nan=False))
def test_resolution_buckets_agree_with_the_reference_rule(u: float) -> None:
    assert scoring.resolution_bucket(np.array([u])).tolist() == [reference.resolution_bucket(u)]
