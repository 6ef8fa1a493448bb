"""Trend baselines: the fit against numpy.polyfit and a known synthetic series, and the
reference forecast a valid CDF for every seeded kind of series (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.core.distributions import Scale, cdf_at, validate_cdf
from forecast.core.trend import SECONDS_PER_YEAR, TrendError, fit_trend, reference_cdf

T0 = 1_500_000_000.0  # 2017-07-14


def years(*ys: float) -> np.ndarray:
    return T0 + SECONDS_PER_YEAR * np.array(ys)


def test_a_log_linear_series_doubling_every_half_year_is_recovered_exactly() -> None:
    t = years(0, 1, 2, 3, 4)
    values = 1e21 * 2.0 ** (np.array([0, 1, 2, 3, 4]) / 0.5)
    fit = fit_trend(t, values, "log_linear")
    assert fit.doubling_years == pytest.approx(0.5)
    assert float(fit.value(T0 + 5 * SECONDS_PER_YEAR)) == pytest.approx(1e21 * 2.0**10)


@pytest.mark.parametrize("kind", ["linear", "log_linear"])
def test_the_fit_matches_numpy_polyfit(kind: str) -> None:
    rng = np.random.default_rng(3)
    t = np.sort(T0 + rng.uniform(0, 8, 30) * SECONDS_PER_YEAR)
    values = np.exp(0.7 * (t - T0) / SECONDS_PER_YEAR + rng.normal(0, 0.3, 30))
    fit = fit_trend(t, values, kind)  # type: ignore[arg-type]
    y = np.log(values) if kind == "log_linear" else values
    slope, intercept = np.polyfit((t - t.min()) / SECONDS_PER_YEAR, y, 1)
    assert fit.slope == pytest.approx(slope) and fit.intercept == pytest.approx(intercept)
    residuals = y - (intercept + slope * (t - t.min()) / SECONDS_PER_YEAR)
    assert fit.residual_sd == pytest.approx(math.sqrt((residuals**2).sum() / 28))


def test_the_window_keeps_only_the_recent_points() -> None:
    # A slow line for 10 years, then a fast one for the last 3: the window sees only the fast.
    t = years(*range(14))
    values = np.concatenate([np.arange(10) * 1.0, 9 + 5.0 * np.arange(1, 5)])
    assert fit_trend(t, values, "linear", window=3).slope == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("values", "kind", "window", "message"),
    [
        ([1, 2], "linear", None, "at least 3 points"),
        ([1, -2, 3], "log_linear", None, "above zero"),
        ([1, 2, 3], "cubic", None, "fit must be"),
        ([1, 2, 3], "linear", -1, "positive number"),
    ],
)
def test_series_that_cannot_be_fitted_say_why(values, kind, window, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TrendError, match=message):
        fit_trend(years(*range(len(values))), values, kind, window)


def test_the_reference_forecast_is_centred_on_the_extrapolation() -> None:
    t = years(0, 1, 2, 3, 4, 5)
    values = np.array([10.0, 21, 29, 41, 50, 60])
    fit = fit_trend(t, values, "linear")
    scale = Scale(0.0, 200.0, False, True)
    when = T0 + 8 * SECONDS_PER_YEAR
    cdf = reference_cdf(fit, scale, resolve_time=when)
    validate_cdf(cdf, scale)
    assert float(cdf_at(cdf, scale, float(fit.value(when)))) == pytest.approx(0.5, abs=0.01)


def test_a_date_question_gets_when_the_line_reaches_the_level() -> None:
    t = years(0, 1, 2, 3)
    fit = fit_trend(t, [1e22, 1e23, 1.1e24, 0.9e25], "log_linear")  # ~10x a year
    start, end = T0, T0 + 20 * SECONDS_PER_YEAR
    scale = Scale(start, end, False, True)
    cdf = reference_cdf(fit, scale, level=1e27)
    validate_cdf(cdf, scale)
    reached = T0 + SECONDS_PER_YEAR * (math.log(1e27) - fit.intercept) / fit.slope
    assert float(cdf_at(cdf, scale, reached)) == pytest.approx(0.5, abs=0.02)


# A series is observed on calendar days (one value per day at most), as the
# series form stores it; distinct days stay distinct instants in Unix seconds.
series = st.lists(
    st.tuples(st.integers(0, 30 * 365).map(lambda day: day / 365.25), st.floats(1e-3, 1e30)),
    min_size=3,
    max_size=40,
    unique_by=lambda p: p[0],
)


@settings(max_examples=150, deadline=None)
@given(
    series,
    st.sampled_from(["linear", "log_linear"]),
    st.booleans(),
    st.booleans(),
    st.floats(-5, 40),
)
def test_the_reference_forecast_is_always_a_valid_cdf(
    points: list[tuple[float, float]], kind: str, open_lower: bool, open_upper: bool, ahead: float
) -> None:
    t = years(*[p[0] for p in points])
    values = [p[1] for p in points]
    fit = fit_trend(t, values, kind)  # type: ignore[arg-type]
    numeric = Scale(0.0, max(values) * 2, open_lower, open_upper)
    validate_cdf(reference_cdf(fit, numeric, resolve_time=T0 + ahead * SECONDS_PER_YEAR), numeric)
    dates = Scale(T0, T0 + 40 * SECONDS_PER_YEAR, open_lower, open_upper)
    validate_cdf(reference_cdf(fit, dates, level=max(values)), dates)
