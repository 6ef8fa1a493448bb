"""The community charts' time window, tick labels and the marker on the latest value."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
from flask import Flask
from flask.testing import FlaskClient

from forecast.core.distributions import Scale
from forecast.infra.db import session_scope
from forecast.services.forecasts import submit_forecast
from forecast.web.aggregate_charts import (
    LEAD,
    MIN_SPAN_S,
    axis_kind,
    binary_history_chart,
    chart_window,
    density_chart,
    median_history_chart,
    tick_format,
)
from forecast.web.formatting import axis_value
from tests.integration.factories import World

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
            scale=Scale(0.0, 100.0, open_lower=False, open_upper=False),
            kind="linear",
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


FLOP = Scale(1e25, 1e29, open_lower=False, open_upper=True, zero_point=0.0)
DATES = Scale(
    datetime(2026, 12, 1, tzinfo=UTC).timestamp(),
    datetime(2036, 1, 1, tzinfo=UTC).timestamp(),
    open_lower=True,
    open_upper=True,
)
Y_TICK = r'<text class="tick" x="70" y="([\d.]+)" text-anchor="end">([^<]+)</text>'


def _median_chart(scale: Scale, qtype: str, low: float, high: float) -> str:
    now = OPENED + 10 * DAY
    return str(
        median_history_chart(
            starts=np.array([now - 600.0]),
            median_u=np.array([(low + high) / 2]),
            lower_u=np.array([low]),
            upper_u=np.array([high]),
            t_from=now - MIN_SPAN_S,
            t_to=now,
            scale=scale,
            kind=axis_kind(scale, qtype),
            axis_label=lambda x: axis_value(x, qtype),
        )
    )


def test_the_axis_kind_follows_the_question_type_and_its_scale() -> None:
    linear = Scale(0.0, 100.0, open_lower=False, open_upper=False)
    assert axis_kind(linear, "numeric") == "linear"
    assert axis_kind(FLOP, "numeric") == "log"
    assert axis_kind(DATES, "date") == "date"


def test_a_log_median_chart_labels_its_y_axis_with_round_values_where_they_lie() -> None:
    # The window 0.38..0.62 of 1e25..1e29 is 3.3e26..3.0e27: under a decade and a half.
    svg = _median_chart(FLOP, "numeric", 0.4, 0.6)
    ticks = re.findall(Y_TICK, svg)
    assert [label for _, label in ticks] == ["5e+26", "1e+27", "2e+27"]
    frame_y = {label: float(y) - 4 for y, label in ticks}
    # 1e27 is half way along the log axis; the window 0.38..0.62 centres it on the plot.
    assert abs(frame_y["1e+27"] - (12 + 0.5 * 200)) < 0.1


def test_a_wide_log_median_chart_is_labelled_with_powers_of_ten() -> None:
    svg = _median_chart(FLOP, "numeric", 0.05, 0.95)  # padded to the whole range
    assert [label for _, label in re.findall(Y_TICK, svg)] == [
        "1e+25",
        "1e+26",
        "1e+27",
        "1e+28",
        "1e+29",
    ]


def test_a_date_median_chart_labels_its_y_axis_with_whole_years() -> None:
    svg = _median_chart(DATES, "date", 0.2, 0.5)
    assert [label for _, label in re.findall(Y_TICK, svg)] == ["2029", "2030", "2031"]


def _density_ticks(scale: Scale, qtype: str) -> list[str]:
    cdf = np.linspace(0.0, 1.0, 201)
    svg = str(
        density_chart(
            cdf=cdf,
            scale=scale,
            kind=axis_kind(scale, qtype),
            axis_label=lambda x: axis_value(x, qtype),
            median_u=0.5,
            band_u=(0.25, 0.75),
        )
    )
    return _ticks(svg)


def test_the_density_axis_is_labelled_with_round_values() -> None:
    hundreds = Scale(100.0, 1e4, open_lower=False, open_upper=True, zero_point=0.0)
    assert _density_ticks(hundreds, "numeric") == ["100", "1,000", "10,000"]
    months = Scale(2.0, 48.0, open_lower=False, open_upper=True)
    assert _density_ticks(months, "numeric") == ["10", "20", "30", "40"]
    assert _density_ticks(DATES, "date") == ["2028", "2030", "2032", "2034", "2036"]
    assert _density_ticks(FLOP, "numeric") == ["1e+25", "1e+26", "1e+27", "1e+28", "1e+29"]


def test_the_page_of_a_log_scale_question_shows_round_median_ticks(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question(
        "numeric",
        range={"min": 1e25, "max": 1e29, "open_lower": False, "open_upper": True, "zero_point": 0},
    )
    with app.app_context(), session_scope() as session:
        for i, name in enumerate(("ann", "ben", "cat")):
            submit_forecast(
                session=session,
                actor=world.user(name),
                question_id=question.id,
                quantiles=[[0.05, 3e26 * (i + 1)], [0.5, 1.4e27 * (i + 1)], [0.95, 9e27]],
            )
    page = client.get(f"/questions/{question.id}").data.decode()
    chart = re.search(r'<svg[^>]*aria-label="community median over time".*?</svg>', page, re.S)
    assert chart is not None
    labels = [label for _, label in re.findall(Y_TICK, chart.group(0))]
    assert len(labels) >= 2, labels
    # One significant digit each: 5e+26, 1e+27, 2e+27 ..., never 1.41e+27.
    assert all(re.fullmatch(r"[125]e\+\d\d", label) for label in labels), labels
