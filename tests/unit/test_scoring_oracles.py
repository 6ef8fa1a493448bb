"""Brier, log, interval score and CRPS checked against scoringrules and exact integrals."""

from __future__ import annotations

import numpy as np
import scoringrules as sr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from forecast.core import scoring
from forecast.core.reference import scoring as reference
from forecast.core.scoring import ForecastArrays, QuestionArrays

probabilities = hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(0.001, 0.999))


def one_forecast_per_question(
    p_yes: np.ndarray, outcome: np.ndarray, start: np.ndarray, end: np.ndarray
) -> scoring.ScoreTable:
    """Score one binary forecast per question on windows [0, 100]."""
    n = p_yes.size
    qs = QuestionArrays(
        open_time=np.zeros(n),
        scheduled_close=np.full(n, 100.0),
        actual_close=np.full(n, 100.0),
        continuous=np.zeros(n, dtype=np.bool_),
        open_bounds=np.zeros(n, dtype=np.int64),
        outcome_bucket=np.full(n, -1, dtype=np.int64),
    )
    fs = ForecastArrays(
        question=np.arange(n),
        user=np.arange(n) % 3,
        start=start,
        end=end,
        p_outcome=scoring.binary_outcome_probability(p_yes, outcome),
        p_yes=p_yes,
    )
    return scoring.score(qs, fs)


@given(probabilities, st.data())
def test_brier_matches_scoringrules_for_single_forecasts(
    p: np.ndarray, data: st.DataObject
) -> None:
    outcome = data.draw(hnp.arrays(np.bool_, p.size))
    table = one_forecast_per_question(p, outcome, np.zeros(p.size), np.full(p.size, np.inf))
    np.testing.assert_allclose(table.brier, sr.brier_score(outcome.astype(float), p), rtol=1e-12)


@given(probabilities, st.data())
def test_log_matches_minus_scoringrules_log_score(p: np.ndarray, data: st.DataObject) -> None:
    outcome = data.draw(hnp.arrays(np.bool_, p.size))
    table = one_forecast_per_question(p, outcome, np.zeros(p.size), np.full(p.size, np.inf))
    # scoringrules reports the log score as a loss, -ln p; ours is ln p, larger is better.
    np.testing.assert_allclose(table.log, -sr.log_score(outcome.astype(float), p), rtol=1e-12)


@given(probabilities, st.data())
def test_brier_and_log_are_averaged_over_the_users_own_time(
    p: np.ndarray, data: st.DataObject
) -> None:
    outcome = data.draw(hnp.arrays(np.bool_, p.size))
    start = data.draw(hnp.arrays(np.float64, p.size, elements=st.floats(-4, 90)))
    table = one_forecast_per_question(p, outcome, start, start + 5.0)
    np.testing.assert_allclose(table.brier, sr.brier_score(outcome.astype(float), p), rtol=1e-9)
    np.testing.assert_allclose(table.log, -sr.log_score(outcome.astype(float), p), rtol=1e-9)


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(hnp.arrays(np.float64, (3, 20), elements=finite), st.floats(0.01, 0.99))
def test_interval_score_matches_scoringrules(values: np.ndarray, alpha: float) -> None:
    lower = np.minimum(values[0], values[1])
    upper = np.maximum(values[0], values[1])
    x = values[2]
    expected = sr.interval_score(x, lower, upper, alpha, backend="numpy")
    np.testing.assert_allclose(
        scoring.interval_score(lower, upper, x, alpha), expected, rtol=1e-9, atol=1e-6
    )
    assert [
        reference.interval_score(a, b, c, alpha) for a, b, c in zip(lower, upper, x, strict=True)
    ] == (scoring.interval_score(lower, upper, x, alpha)).tolist()


def test_interval_score_defaults_to_a_90_percent_interval() -> None:
    got = scoring.interval_score(np.array([1.0, 1.0, 1.0]), np.array([3.0] * 3), [2.0, 0.5, 4.0])
    np.testing.assert_allclose(got, [2.0, 12.0, 22.0])


def test_interval_hit_counts_the_bounds_as_inside() -> None:
    got = scoring.interval_hit([1.0, 1.0, 1.0, 1.0], [3.0] * 4, [1.0, 3.0, 0.999, 3.001])
    assert got.tolist() == [True, True, False, False]


@st.composite
def piecewise_cdfs(draw: st.DrawFn) -> np.ndarray:
    """Draw a valid 201-point CDF with optional tail masses."""
    steps = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=200, max_size=200)))
    low = draw(st.sampled_from([0.0, 0.001, 0.2]))
    high = draw(st.sampled_from([0.0, 0.001, 0.15]))
    inner = np.concatenate(([0.0], np.cumsum(steps) / steps.sum()))
    return low + (1.0 - low - high) * inner


@given(
    st.floats(0.0, 0.3),
    st.floats(0.0, 0.3),
    hnp.arrays(np.float64, 10, elements=st.floats(-0.5, 1.5)),
)
def test_crps_of_a_uniform_cdf_matches_scoringrules(low: float, high: float, y: np.ndarray) -> None:
    cdf = low + (1.0 - low - high) * np.arange(201) / 200
    cdfs = np.repeat(cdf[None, :], y.size, axis=0)
    expected = sr.crps_uniform(y, 0.0, 1.0, low, high, backend="numpy")
    np.testing.assert_allclose(scoring.crps_internal(cdfs, y), expected, rtol=1e-9, atol=1e-12)


@settings(deadline=None)
@given(piecewise_cdfs(), st.floats(-0.3, 1.3))
def test_crps_of_any_piecewise_linear_cdf_matches_exact_and_fine_grid_integrals(
    cdf: np.ndarray, y: float
) -> None:
    got = float(scoring.crps_internal(cdf[None, :], np.array([y]))[0])
    assert abs(got - reference.crps_internal(cdf.tolist(), y)) <= 1e-12
    u = np.linspace(0.0, 1.0, 200 * 64 + 1)
    f = np.interp(u, np.arange(201) / 200, cdf)
    integrand = (f - (u >= y)) ** 2
    numeric = np.trapezoid(integrand, u) + abs(y - min(max(y, 0.0), 1.0))
    assert abs(got - numeric) <= 2e-4


def test_crps_of_all_mass_above_the_range_is_the_distance_to_the_upper_bound() -> None:
    cdf = np.linspace(0.0, 1e-9, 201)
    got = scoring.crps_internal(np.repeat(cdf[None, :], 3, axis=0), np.array([-0.25, 0.5, 1.5]))
    np.testing.assert_allclose(got, [1.25, 0.5, 0.5], atol=1e-8)
