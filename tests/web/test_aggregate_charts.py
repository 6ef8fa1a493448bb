"""The community charts' time window, tick labels and the marker on the latest value."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np

from forecast.web.aggregate_charts import (
    LEAD,
    MIN_SPAN_S,
    binary_history_chart,
    chart_window,
    median_history_chart,
    tick_format,
)

DAY = 86400.0
OPENED = datetime(2026, 11, 1, tzinfo=UTC).timestamp()


def _ticks(svg: str) -> list[str]:
    return re.findall(
        r'<text class="tick" x="[\d.]+" y="\d+" text-anchor="\w+">([^<]+)</text>', svg
    )


def test_the_window_starts_just_before_the_first_forecast_not_at_the_opening() -> None:
    first, now = OPENED + 20 * DAY, OPENED + 30 * DAY
    starts = np.array([first, first + DAY])
    begin, end = chart_window(starts, np.array([1, 2]), OPENED, now)
    assert end == now
    assert begin == first - LEAD * (now - first)


def test_entries_without_forecasters_do_not_start_the_window() -> None:
    # A withdrawn lone forecast leaves an empty entry; the window follows the first real one.
    first, now = OPENED + 5 * DAY, OPENED + 30 * DAY
    begin, _ = chart_window(np.array([OPENED, first]), np.array([0, 1]), OPENED, now)
    assert begin == first - LEAD * (now - first)


def test_a_forecast_made_seconds_ago_gets_an_hour_of_context() -> None:
    now = OPENED + 10 * DAY
    begin, end = chart_window(np.array([now - 2.0]), np.array([1]), OPENED, now)
    assert end - begin == MIN_SPAN_S


def test_the_window_never_reaches_before_the_opening() -> None:
    now = OPENED + 600.0  # opened ten minutes ago
    begin, _ = chart_window(np.array([OPENED + 60.0]), np.array([1]), OPENED, now)
    assert begin == OPENED
    assert chart_window(np.array([]), np.array([], dtype=np.int64), OPENED, now)[0] == OPENED


def test_short_spans_label_their_ticks_with_the_time_of_day() -> None:
    assert tick_format(3600.0) == "%m-%d %H:%M"
    assert tick_format(4 * DAY) == "%m-%d %H:%M"
    assert tick_format(30 * DAY) == "%Y-%m-%d"


def _binary(t_from: float, t_to: float) -> str:
    starts = np.array([t_to - 1800.0, t_to - 600.0])
    values = np.array([0.35, 0.625])
    return str(
        binary_history_chart(
            starts=starts,
            values=values,
            lower=values,
            upper=values,
            t_from=t_from,
            t_to=t_to,
        )
    )


def test_tick_labels_of_an_hour_long_chart_are_all_different() -> None:
    now = OPENED + 10 * DAY
    ticks = _ticks(_binary(now - MIN_SPAN_S, now))
    assert len(ticks) == 5 and len(set(ticks)) == 5
    assert ticks[-1] == datetime.fromtimestamp(now, UTC).strftime("%m-%d %H:%M")


def test_the_latest_probability_is_marked_at_the_right_edge() -> None:
    now = OPENED + 10 * DAY
    svg = _binary(now - MIN_SPAN_S, now)
    marker = re.search(
        r'<circle class="now" cx="([\d.]+)" cy="([\d.]+)" r="3.5"><title>([^<]+)', svg
    )
    assert marker is not None
    assert float(marker.group(1)) == 640 - 16  # the right edge of the plot
    assert marker.group(3) == "now: 62.5%"
    # y is 62.5% of the way up the plot (top 12, bottom 240 - 28)
    assert abs(float(marker.group(2)) - (12 + (1 - 0.625) * 200)) < 0.1


def test_the_median_chart_marks_the_latest_median_on_the_question_axis() -> None:
    now = OPENED + 10 * DAY
    svg = str(
        median_history_chart(
            starts=np.array([now - 600.0]),
            median_u=np.array([0.5]),
            lower_u=np.array([0.25]),
            upper_u=np.array([0.75]),
            t_from=now - MIN_SPAN_S,
            t_to=now,
            to_axis=lambda u: 100.0 * u,
            axis_label=lambda x: f"{x:g}",
        )
    )
    assert "<title>median now: 50</title>" in svg


def test_no_marker_when_nobody_stands_at_the_end() -> None:
    now = OPENED + 10 * DAY
    svg = str(
        binary_history_chart(
            starts=np.array([now - 600.0, now - 60.0]),
            values=np.array([0.4, np.nan]),
            lower=np.array([0.4, np.nan]),
            upper=np.array([0.4, np.nan]),
            t_from=now - MIN_SPAN_S,
            t_to=now,
        )
    )
    assert 'class="now"' not in svg


def test_the_forecaster_count_label_agrees_with_its_number() -> None:
    now = OPENED + 10 * DAY

    def label(counts: list[int]) -> str:
        svg = str(
            binary_history_chart(
                starts=np.array([now - 600.0, now - 60.0]),
                values=np.array([0.4, 0.5]),
                lower=np.array([0.4, 0.5]),
                upper=np.array([0.4, 0.5]),
                t_from=now - MIN_SPAN_S,
                t_to=now,
                counts=np.array(counts),
            )
        )
        found = re.search(r'count-label"[^>]*>([^<]+)<', svg)
        assert found is not None
        return found.group(1)

    assert label([1, 1]) == "1 forecaster"
    assert label([1, 3]) == "3 forecasters"
