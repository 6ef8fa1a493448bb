"""Boundaries over time: calendar deadlines, crossing events, hysteresis, rolling horizons."""

from __future__ import annotations

import calendar
import itertools
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.core.boundaries import paths, rules
from forecast.core.distributions import Scale, cdf_from_quantiles

DAY = 86_400.0


def ts(year: int, month: int = 1, day: int = 1, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def anniversary(moment: datetime, years: int) -> datetime:
    """The calendar rule written the plain way, as an oracle."""
    year = moment.year + years
    day = moment.day
    if moment.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return moment.replace(year=year, day=day)


def shifted(t: float, years: float) -> float:
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=t)
    whole = math.floor(years)
    a = anniversary(moment, whole).timestamp()
    if years == whole:
        return a
    return a + (years - whole) * (anniversary(moment, whole + 1).timestamp() - a)


# Calendar


def test_ten_years_keep_the_month_the_day_and_the_time_of_day() -> None:
    at = ts(2026, 11, 23, 13, 45) + 10.5
    assert rules.add_years(at, 10) == ts(2036, 11, 23, 13, 45) + 10.5


@pytest.mark.parametrize(
    "origin,years,expected",
    [
        ((2028, 2, 29), 1, (2029, 2, 28)),
        ((2028, 2, 29), 4, (2032, 2, 29)),
        ((2096, 2, 29), 4, (2100, 2, 28)),  # 2100 is no leap year
        ((1996, 2, 29), 4, (2000, 2, 29)),  # 2000 is one
        ((2027, 2, 28), 1, (2028, 2, 28)),
        ((2027, 3, 1), 1, (2028, 3, 1)),
        ((1960, 7, 4), 10, (1970, 7, 4)),  # before the Unix epoch
    ],
)
def test_the_29th_of_february_maps_to_the_28th_in_a_year_without_one(
    origin: tuple[int, int, int], years: int, expected: tuple[int, int, int]
) -> None:
    assert rules.add_years(ts(*origin), years) == ts(*expected)


def test_a_fractional_year_adds_that_share_of_the_following_year() -> None:
    assert rules.add_years(ts(2027), 0.5) == ts(2027, 7, 2, 12)  # half of 365 days
    assert rules.add_years(ts(2028), 0.5) == ts(2028, 7, 2)  # half of 366 days
    assert rules.add_years(ts(2027), 2.25) == ts(2029) + 0.25 * 365 * DAY


def test_times_without_a_value_stay_without_a_deadline() -> None:
    found = paths.shift_years(np.array([np.nan, ts(2030)]), 1)
    assert np.isnan(found[0]) and found[1] == ts(2031)


@given(
    st.floats(-2e9, 4e9, allow_nan=False),
    st.one_of(st.integers(1, 100).map(float), st.floats(1e-3, 100.0)),
)
def test_the_vectorised_calendar_agrees_with_the_plain_rule(t: float, years: float) -> None:
    assert paths.shift_years(np.array([t]), years)[0] == pytest.approx(shifted(t, years), abs=1e-6)


@given(st.floats(0, 4e9), st.floats(1e-3, 99.0), st.floats(1e-3, 1.0))
def test_a_longer_horizon_never_ends_sooner(t: float, years: float, more: float) -> None:
    assert rules.add_years(t, years + more) >= rules.add_years(t, years)


def test_a_rolling_deadline_moves_with_the_clock() -> None:
    within = rules.parse_event({"kind": "within", "years": 10}, "date")
    scale = Scale(ts(2030), ts(2050), open_lower=True, open_upper=True)
    cdf = 0.05 + 0.9 * np.linspace(0.0, 1.0, 201)
    clock = [ts(2026, 11, 23), ts(2027, 6, 1), ts(2031, 1, 1), ts(2035, 3, 15)]
    deadlines = [rules.deadline(within, t) for t in clock]
    assert deadlines == [ts(2036, 11, 23), ts(2037, 6, 1), ts(2041, 1, 1), ts(2045, 3, 15)]
    p = [
        rules.event_probability(within, cdf, question_type="date", scale=scale, t=t) for t in clock
    ]
    assert p == sorted(p) and len(set(p)) == 4
    u = (ts(2045, 3, 15) - ts(2030)) / (ts(2050) - ts(2030))
    assert p[-1] == pytest.approx(0.05 + 0.9 * u, abs=1e-12)


# Crossing events of a step function


def step(values: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    start = np.arange(len(values), dtype=np.float64) * 10
    end = np.append(start[1:], np.inf)[: len(values)]
    return start, end, np.array(values, dtype=np.float64)


def states_of(values: list[float], comparator: str = ">=", h: float = 0.0, **kw: float) -> list:
    start, end, p = step(values)
    found = paths.states(
        start,
        end,
        p,
        comparator=comparator,
        threshold=0.1,
        hysteresis=h,
        commit_time=kw.get("commit", 0.0),
        until=kw.get("until", math.inf),
    )
    return found.as_tuples()


def test_crossings_are_recorded_once_per_change_of_state() -> None:
    events = states_of([0.05, 0.12, 0.15, 0.08, 0.2])
    assert events == [
        (0.0, "not_crossed", 0.05),
        (10.0, "crossed", 0.12),
        (30.0, "not_crossed", 0.08),
        (40.0, "crossed", 0.2),
    ]
    assert paths.first_crossed_at(events) == 10.0


def test_a_stop_boundary_is_crossed_when_the_probability_falls_to_the_threshold() -> None:
    events = states_of([0.3, 0.1, 0.05, 0.2], comparator="<=")
    assert [(t, s) for t, s, _ in events] == [
        (0.0, "not_crossed"),
        (10.0, "crossed"),
        (30.0, "not_crossed"),
    ]


def test_hysteresis_keeps_an_aggregate_hovering_at_the_threshold_from_flapping() -> None:
    hovering = [0.05, 0.11, 0.095, 0.105, 0.09, 0.102, 0.085, 0.07]
    flapping = states_of(hovering)
    calm = states_of(hovering, h=0.02)
    assert len(flapping) == 7
    assert [(t, s) for t, s, _ in calm] == [
        (0.0, "not_crossed"),
        (10.0, "crossed"),
        (70.0, "not_crossed"),
    ]


def test_a_stop_boundary_leaves_only_once_past_the_band_above() -> None:
    events = states_of([0.2, 0.09, 0.11, 0.095, 0.119, 0.121], comparator="<=", h=0.02)
    assert [(t, s) for t, s, _ in events] == [
        (0.0, "not_crossed"),
        (10.0, "crossed"),
        (50.0, "not_crossed"),
    ]


def test_the_state_at_the_commit_ignores_the_band() -> None:
    assert states_of([0.09, 0.2], h=0.02)[0][1] == "not_crossed"
    assert states_of([0.1, 0.085], h=0.02) == [(0.0, "crossed", 0.1)]


def test_only_changes_after_the_commit_count_and_the_first_records_the_state_then() -> None:
    events = states_of([0.5, 0.05, 0.5], commit=15.0)
    assert events == [(15.0, "not_crossed", 0.05), (20.0, "crossed", 0.5)]
    assert states_of([0.5, 0.05, 0.5], commit=10.0)[0] == (10.0, "not_crossed", 0.05)


def test_entries_without_forecasters_hold_the_state() -> None:
    events = states_of([math.nan, math.nan, 0.2, math.nan, 0.05], commit=5.0)
    assert events == [(20.0, "crossed", 0.2), (40.0, "not_crossed", 0.05)]
    assert states_of([math.nan, math.nan]) == []


def test_changes_after_the_evaluation_instant_are_left_out() -> None:
    assert states_of([0.05, 0.2, 0.05], until=15.0) == [
        (0.0, "not_crossed", 0.05),
        (10.0, "crossed", 0.2),
    ]
    assert paths.first_crossed_at(states_of([0.05, 0.2], until=5.0)) is None


def test_the_old_entry_point_returns_the_same_events() -> None:
    start, end, p = step([0.05, 0.12, 0.08])
    old = rules.crossing_events(
        start, end, p, comparator=">=", threshold=0.1, hysteresis=0.0, commit_time=0.0
    )
    new = paths.states(start, end, p, comparator=">=", threshold=0.1, commit_time=0.0)
    assert old == new.as_tuples() and len(old) == 3


def test_a_malformed_history_or_boundary_is_refused() -> None:
    start, end, p = step([0.05, 0.12])
    with pytest.raises(ValueError):
        paths.states(start, end, p[:1], comparator=">=", threshold=0.1, commit_time=0.0)
    with pytest.raises(ValueError):
        paths.states(start[::-1], end, p, comparator=">=", threshold=0.1, commit_time=0.0)
    with pytest.raises(ValueError):
        paths.states(start, end, p, comparator=">", threshold=0.1, commit_time=0.0)
    with pytest.raises(ValueError):
        paths.states(start, end, p, comparator=">=", threshold=1.0, commit_time=0.0)


def reference(values: list[float], comparator: str, t: float, h: float) -> list[tuple[int, str]]:
    """The state machine one entry at a time, as an oracle."""
    sign = 1 if comparator == ">=" else -1
    out: list[tuple[int, str]] = []
    state: bool | None = None
    for i, p in enumerate(values):
        if math.isnan(p):
            continue
        past, beyond = sign * (p - t) >= 0, sign * (p - t) < -h
        new = past if state is None else (True if past else (False if beyond else state))
        if new != state:
            out.append((i, "crossed" if new else "not_crossed"))
        state = new
    return out


@given(
    st.lists(st.one_of(st.floats(0, 1), st.sampled_from([0.1, 0.08, 0.12, math.nan])), max_size=40),
    st.sampled_from([">=", "<="]),
    st.sampled_from([0.0, 0.02, 0.1]),
)
def test_events_alternate_and_match_the_one_entry_at_a_time_machine(
    values: list[float], comparator: str, h: float
) -> None:
    events = states_of(values, comparator=comparator, h=h)
    names = [s for _, s, _ in events]
    assert all(a != b for a, b in itertools.pairwise(names))
    assert [(int(t // 10), s) for t, s, _ in events] == reference(values, comparator, 0.1, h)


# Rolling horizons


RANGE = Scale(ts(2026), ts(2046), open_lower=False, open_upper=True)


def cdf_around(year: float, spread: float) -> np.ndarray:
    def at(y: float) -> float:
        return ts(2026) + (y - 2026) * 365.2425 * DAY

    return cdf_from_quantiles(
        [[0.1, at(year - spread)], [0.5, at(year)], [0.9, at(year + spread)]], RANGE
    )


START = np.array([ts(2026, 1, 1), ts(2026, 6, 1), ts(2027, 3, 10)])
END = np.array([ts(2026, 6, 1), ts(2027, 3, 10), np.inf])
CDFS = np.array([cdf_around(2045, 6), cdf_around(2040, 4), cdf_around(2044, 5)])


def brute_force_first(
    cdfs: np.ndarray, years: float, t0: float, t1: float, hit: object, scale: Scale = RANGE
) -> float | None:
    """Scan an hourly grid, then the seconds of the first hour where hit(P) holds."""
    coarse = np.arange(t0, t1, 3600.0)
    p = paths.rolling_probability(START, END, cdfs, scale, years, coarse)
    found = np.flatnonzero(hit(p))  # type: ignore[operator]
    if not found.size:
        return None
    if found[0] == 0:
        return float(coarse[0])
    fine = np.arange(coarse[found[0] - 1], coarse[found[0]] + 1, 1.0)
    q = paths.rolling_probability(START, END, cdfs, scale, years, fine)
    return float(fine[np.flatnonzero(hit(q))[0]])  # type: ignore[operator]


def rolling(comparator: str, threshold: float, h: float = 0.0, **kw: float) -> paths.Crossings:
    return paths.rolling_states(
        START,
        END,
        CDFS,
        RANGE,
        kw.get("years", 10.0),
        comparator=comparator,
        threshold=threshold,
        hysteresis=h,
        commit_time=kw.get("commit", ts(2026, 2, 1)),
        until=kw.get("until", ts(2029)),
    )


def test_the_rolling_probability_rises_inside_an_entry() -> None:
    inside = np.linspace(ts(2026, 6, 1), ts(2027, 3, 9), 50)
    p = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, inside)
    assert np.all(np.diff(p) > 0)


def test_a_rolling_crossing_inside_an_entry_matches_a_fine_grid_search() -> None:
    p_start = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, np.array([ts(2026, 6, 1)]))[
        0
    ]
    threshold = float(p_start) + 0.01
    events = rolling(">=", threshold)
    # The third entry is more hopeful again: its start takes the boundary back.
    assert events.states == ["not_crossed", "crossed", "not_crossed"]
    assert events.time[2] == START[2]
    expected = brute_force_first(
        CDFS, 10.0, ts(2026, 6, 1), ts(2027, 3, 10), lambda p: p >= threshold
    )
    assert expected is not None and ts(2026, 6, 1) < expected < ts(2027, 3, 10)
    assert abs(events.time[1] - expected) <= 1.0
    assert events.probability[1] == threshold


@settings(max_examples=25, deadline=None)
@given(st.floats(0.03, 0.3), st.sampled_from([10.0, 7.5, 1.0]))
def test_the_first_rolling_crossing_agrees_with_brute_force_for_any_threshold(
    threshold: float, years: float
) -> None:
    events = paths.rolling_states(
        START, END, CDFS, RANGE, years,
        comparator=">=", threshold=threshold, commit_time=START[0], until=ts(2030),
    )  # fmt: skip
    found = paths.first_crossed_at(events)
    expected = brute_force_first(CDFS, years, START[0], ts(2030), lambda p: p >= threshold)
    if expected is None:
        assert found is None
    else:
        assert found is not None and abs(found - expected) <= 1.0


def test_a_stop_boundary_on_a_rolling_horizon_enters_at_an_entry_start_and_leaves_inside() -> None:
    p = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, START)
    assert p[1] > p[0]  # the second entry is more pessimistic than the first
    threshold, h = float(p[1]) + 0.002, 0.01
    events = rolling("<=", threshold, h, commit=float(START[0]))
    assert events.states[:2] == ["crossed", "not_crossed"]
    expected = brute_force_first(CDFS, 10.0, START[1], END[1], lambda q: q > threshold + h)
    assert expected is not None and abs(events.time[1] - expected) <= 1.0
    assert events.probability[1] == pytest.approx(threshold + h)


def test_a_future_rolling_crossing_is_not_reported_before_it_happens() -> None:
    p_now = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, np.array([ts(2028)]))[0]
    threshold = float(p_now) + 0.02
    commit = float(START[2])
    assert rolling(">=", threshold, commit=commit, until=ts(2028)).states == ["not_crossed"]
    later = rolling(">=", threshold, commit=commit, until=ts(2045))
    assert later.states == ["not_crossed", "crossed"] and later.time[1] > ts(2028)


LEAP = Scale(ts(2028), ts(2030), open_lower=False, open_upper=False)
LEAP_START, LEAP_END = np.array([ts(2028, 2, 27)]), np.array([np.inf])
LEAP_CDF = np.linspace(0.0, 1.0, 201)[None, :]


def leap(threshold: float, h: float) -> list[tuple[float, str]]:
    found = paths.rolling_states(
        LEAP_START, LEAP_END, LEAP_CDF, LEAP, 1.0,
        comparator=">=", threshold=threshold, hysteresis=h,
        commit_time=ts(2028, 2, 27), until=ts(2028, 3, 5),
    )  # fmt: skip
    return [(t, s) for t, s, _ in found.as_tuples()]


def test_the_leap_day_seam_makes_a_rolling_deadline_step_back_a_day() -> None:
    u = (ts(2029, 2, 28, 12) - LEAP.min) / (LEAP.max - LEAP.min)
    events = leap(u, 0.0)  # a uniform CDF: P is the position of the deadline
    assert [s for _, s in events] == ["not_crossed", "crossed", "not_crossed", "crossed"]
    times = [t for t, _ in events]
    assert times[0] == ts(2028, 2, 27)
    assert times[1] == pytest.approx(ts(2028, 2, 28, 12), abs=1e-3)
    assert times[2] == ts(2028, 2, 29)  # the deadline goes back from 1 March to 28 February
    assert times[3] == pytest.approx(ts(2028, 2, 29, 12), abs=1e-3)


def test_a_band_wider_than_the_step_back_keeps_the_leap_day_from_flapping() -> None:
    u = (ts(2029, 2, 28, 12) - LEAP.min) / (LEAP.max - LEAP.min)
    assert [s for _, s in leap(u, 0.01)] == ["not_crossed", "crossed"]


def test_the_chart_path_contains_the_crossing_instant_and_the_jumps() -> None:
    p_start = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, np.array([ts(2026, 6, 1)]))[
        0
    ]
    threshold = float(p_start) + 0.01
    times, p = paths.rolling_path(
        START, END, CDFS, RANGE, 10.0, ts(2026, 2, 1), ts(2028), threshold=threshold
    )
    assert np.all(np.diff(times) >= 0) and times[0] == ts(2026, 2, 1) and times[-1] == ts(2028)
    crossing = paths.first_crossed_at(rolling(">=", threshold))
    assert crossing in times.tolist()
    assert p[times.tolist().index(crossing)] == pytest.approx(threshold, abs=1e-12)
    boundary = np.flatnonzero(times == END[0])
    assert len(boundary) == 2  # the left limit, then the next entry's value
    left, right = p[boundary]
    assert right == paths.rolling_probability(START, END, CDFS, RANGE, 10.0, END[:1])[0]
    assert left != right and np.all(np.isfinite(p))


def test_the_chart_path_agrees_with_the_probability_at_its_sample_times() -> None:
    times, p = paths.rolling_path(
        START, END, CDFS, RANGE, 10.0, ts(2026, 2, 1), ts(2028), threshold=0.2, hysteresis=0.02
    )
    repeated = np.append(times[1:] == times[:-1], False)  # left limits come first
    direct = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, times[~repeated])
    assert np.allclose(p[~repeated], direct, rtol=0, atol=1e-12)


def test_a_rolling_entry_without_forecasters_holds_the_state() -> None:
    cdfs = CDFS.copy()
    cdfs[1] = np.nan
    p = paths.rolling_probability(START, END, CDFS, RANGE, 10.0, START[:1])[0]
    found = paths.rolling_states(
        START, END, cdfs, RANGE, 10.0,
        comparator="<=", threshold=float(p) + 0.001, commit_time=START[0], until=ts(2027),
    )  # fmt: skip
    assert found.states == ["crossed", "not_crossed"]
    assert START[0] < found.time[1] < END[0]  # left while rising in the first entry, never back
