"""Server-drawn SVG charts of the community prediction (no script needed to see them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from markupsafe import Markup, escape
from numpy.typing import NDArray

from forecast.core.distributions import Scale
from forecast.web.chart_marks import grid_row
from forecast.web.chart_ticks import AxisKind, distinct_labels, nice_ticks

Floats = NDArray[np.float64]
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 76, 16, 12, 28
SAMPLES = 480  # points per line: enough for the width, bounded for 100k-entry histories
CHAR_W = 6.5  # px per character of an 11px tick label, generously
MIN_GAP_X, MIN_GAP_Y = 8.0, 13.0  # px between tick labels


@dataclass(frozen=True)
class Frame:
    """Maps data coordinates to the SVG canvas."""

    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, value: Floats | float) -> Floats:
        span = (self.x1 - self.x0) or 1.0
        return LEFT + (np.asarray(value, dtype=np.float64) - self.x0) / span * (
            WIDTH - LEFT - RIGHT
        )

    def y(self, value: Floats | float) -> Floats:
        span = (self.y1 - self.y0) or 1.0
        frac = (np.asarray(value, dtype=np.float64) - self.y0) / span
        return TOP + (1.0 - frac) * (HEIGHT - TOP - BOTTOM)


def _points(xs: Floats, ys: Floats) -> str:
    keep = np.isfinite(xs) & np.isfinite(ys)
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs[keep], ys[keep], strict=True))


def _svg(body: list[str], label: str) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    )
    return Markup(head + "".join(body) + "</svg>")


def _band(frame: Frame, xs: Floats, lo: Floats, hi: Floats) -> list[str]:
    """The shaded interval between two sampled lines, over the samples where both are known
    (none before the first forecast): along the upper edge and back along the lower one."""
    band = np.isfinite(lo) & np.isfinite(hi)
    if not band.any():
        return []
    outline = (
        _points(xs[band], frame.y(hi[band]))
        + " "
        + _points(xs[band][::-1], frame.y(lo[band][::-1]))
    )
    return [f'<polygon class="band" points="{outline}"/>']


def _anchor(i: int, count: int) -> str:
    # The outermost labels hang inwards so they are never cut at the canvas edge.
    return "start" if i == 0 else "end" if i == count - 1 else "middle"


MIN_SPAN_S = 3600.0  # a chart spans at least an hour, so a first forecast is not a sliver
LEAD = 0.04  # the share of the span shown before the first forecast
SHORT_SPAN_S = 5 * 86400.0  # below this, ticks carry the time of day or they repeat


def chart_window(
    starts: Floats, counts: NDArray[np.int64], opened: float, until: float
) -> tuple[float, float]:
    """Return the time span to draw: from just before the first forecast to `until`.

    The weeks between a question's opening and its first forecast hold nothing to see, so the
    chart starts at the first entry with a forecaster (never before the opening), and spans at
    least MIN_SPAN_S.
    """
    active = np.asarray(starts)[np.asarray(counts) > 0]
    first = float(active[0]) if len(active) else opened
    begin = min(first - LEAD * max(until - first, 0.0), until - MIN_SPAN_S)
    return max(opened, begin), until


def tick_format(span_s: float) -> str:
    """Return the strftime format of the time ticks of a chart spanning span_s seconds."""
    return "%m-%d %H:%M" if span_s < SHORT_SPAN_S else "%Y-%m-%d"


def _now_marker(frame: Frame, value: float, label: str) -> str:
    """A dot on the latest value at the right edge, visible even when the line is short."""
    if not np.isfinite(value):
        return ""
    return (
        f'<circle class="now" cx="{float(frame.x(frame.x1)):.1f}" '
        f'cy="{float(frame.y(value)):.1f}" r="3.5"><title>{escape(label)}</title></circle>'
    )


def _time_ticks(frame: Frame, count: int = 5) -> list[str]:
    parts = []
    fmt = tick_format(frame.x1 - frame.x0)
    for i, t in enumerate(np.linspace(frame.x0, frame.x1, count)):
        x = float(frame.x(t))
        text = datetime.fromtimestamp(float(t), UTC).strftime(fmt)
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{_anchor(i, count)}">{text}</text>'
        )
    return parts


def _y_grid(frame: Frame, ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = []
    last = -np.inf
    for v, text in ticks:
        y = float(frame.y(v))
        if abs(y - last) < MIN_GAP_Y:  # a label on top of the previous one is not read
            continue
        last = y
        parts.append(grid_row(LEFT, WIDTH - RIGHT, y, text))
    return parts


def _x_axis(frame: Frame, ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = []
    right_of_last = -np.inf
    for v, text in ticks:
        x, width = float(frame.x(v)), CHAR_W * len(text)
        # Centred, unless that would cut the label at the canvas edge.
        anchor, start = "middle", x - width / 2
        if start + width > WIDTH:
            anchor, start = "end", x - width
        elif start < 0:
            anchor, start = "start", x
        if start < right_of_last + MIN_GAP_X:
            continue
        right_of_last = start + width
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    return parts


def axis_kind(scale: Scale, qtype: str) -> AxisKind:
    """Return the kind of a question's axis: dates, a log scale, or a plain linear one."""
    if qtype == "date":
        return "date"
    return "log" if scale.zero_point is not None else "linear"


def axis_ticks(
    scale: Scale, kind: AxisKind, axis_label: Callable[[float], str], u0: float, u1: float
) -> list[tuple[float, str]]:
    """Return the round values between internal positions u0 and u1 as (position, label)."""
    lo, hi = (float(v) for v in scale.from_u(np.array([u0, u1])))
    ticks = nice_ticks(lo, hi, kind)
    values = np.array([t.value for t in ticks], dtype=np.float64)
    labels = [t.label if t.label is not None else axis_label(t.value) for t in ticks]
    labels = distinct_labels(values.tolist(), labels)
    positions = np.clip(np.asarray(scale.to_u(values), dtype=np.float64), min(u0, u1), max(u0, u1))
    return list(zip(positions.tolist(), labels, strict=True))


def sample_steps(starts: Floats, values: Floats, times: Floats) -> Floats:
    """Return the step function's value at each time (nan before the first step)."""
    index = np.searchsorted(starts, times, side="right") - 1
    out = np.full(times.shape + values.shape[1:], np.nan)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def binary_history_chart(
    *,
    starts: Floats,
    values: Floats,
    lower: Floats,
    upper: Floats,
    t_from: float,
    t_to: float,
    mine: Sequence[tuple[float, float]] = (),
    interval: tuple[Floats, Floats, Floats] | None = None,
    counts: NDArray[np.int64] | None = None,
) -> Markup:
    """Draw the aggregate over time: 25th-75th percentile band, bootstrap interval, your dots."""
    frame = Frame(t_from, max(t_to, t_from + 1.0), 0.0, 1.0)
    times = np.linspace(frame.x0, frame.x1, SAMPLES)
    body = _y_grid(frame, [(v, f"{v:.0%}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)])
    xs = frame.x(times)
    body += _band(frame, xs, sample_steps(starts, lower, times), sample_steps(starts, upper, times))
    if interval is not None and len(interval[0]):
        when, low, high = interval
        ok = np.isfinite(low) & np.isfinite(high)
        wx = frame.x(when[ok])
        body.append(f'<polyline class="interval" points="{_points(wx, frame.y(high[ok]))}"/>')
        body.append(f'<polyline class="interval" points="{_points(wx, frame.y(low[ok]))}"/>')
    if counts is not None and len(counts):
        # Forecaster count as a step line in the bottom fifth, labelled with its maximum.
        sampled = sample_steps(starts, counts.astype(np.float64), times)
        top = float(np.nanmax(sampled)) if np.isfinite(sampled).any() else 0.0
        if top > 0:
            heights = 0.2 * np.nan_to_num(sampled) / top
            body.append(
                f'<polyline class="count" points="{_points(xs, frame.y(heights))}">'
                f"<title>forecasters (up to {int(top)})</title></polyline>"
            )
            body.append(
                f'<text class="tick count-label" x="{WIDTH - RIGHT}" '
                f'y="{float(frame.y(0.2)) - 3:.1f}" text-anchor="end">'
                f"{int(top)} forecaster{'' if int(top) == 1 else 's'}</text>"
            )
    line = sample_steps(starts, values, times)
    body.append(f'<polyline class="line" points="{_points(xs, frame.y(line))}"/>')
    body.append(_now_marker(frame, float(line[-1]), f"now: {float(line[-1]):.1%}"))
    for t, p in mine:
        body.append(
            f'<circle class="mine" cx="{float(frame.x(t)):.1f}" cy="{float(frame.y(p)):.1f}"'
            f' r="4"><title>your forecast: {p:.1%}</title></circle>'
        )
    body += _time_ticks(frame)
    return _svg(body, "community prediction over time")


def density_chart(
    *,
    cdf: Floats,
    scale: Scale,
    kind: AxisKind,
    axis_label: Callable[[float], str],
    median_u: float,
    band_u: tuple[float, float],
    mine: Floats | None = None,
    reference: Floats | None = None,
) -> Markup:
    """Draw the density implied by a CDF on the internal axis, with its median and 50% interval
    (and, as their own lines, the viewer's forecast and a trend line's reference forecast)."""
    u_mid = (np.arange(200) + 0.5) / 200
    dens = np.diff(cdf) * 200
    curves = [dens] + ([np.diff(mine) * 200] if mine is not None else [])
    if reference is not None:
        curves.append(np.diff(reference) * 200)
    top = max(float(np.nanmax(c)) for c in curves) * 1.1 or 1.0
    frame = Frame(0.0, 1.0, 0.0, top)
    body = [
        f'<rect class="band" x="{float(frame.x(band_u[0])):.1f}" y="{TOP}" '
        f'width="{float(frame.x(band_u[1]) - frame.x(band_u[0])):.1f}" '
        f'height="{HEIGHT - TOP - BOTTOM}"/>'
    ]
    xs = frame.x(u_mid)
    area = (
        f"{LEFT},{float(frame.y(0)):.1f} "
        + _points(xs, frame.y(dens))
        + f" {WIDTH - RIGHT},{float(frame.y(0)):.1f}"
    )
    body.append(f'<polygon class="area" points="{area}"/>')
    body.append(f'<polyline class="line" points="{_points(xs, frame.y(dens))}"/>')
    if mine is not None:
        body.append(f'<polyline class="mine-line" points="{_points(xs, frame.y(curves[1]))}"/>')
    if reference is not None:
        body.append(
            f'<polyline class="trend-line" points="{_points(xs, frame.y(curves[-1]))}">'
            "<title>trend line (reference)</title></polyline>"
        )
    mx = float(frame.x(median_u))
    body.append(
        f'<line class="median" x1="{mx:.1f}" x2="{mx:.1f}" y1="{TOP}" '
        f'y2="{HEIGHT - BOTTOM}"><title>median</title></line>'
    )
    body += _x_axis(frame, axis_ticks(scale, kind, axis_label, 0.0, 1.0))
    return _svg(body, "community distribution")


def median_history_chart(
    *,
    starts: Floats,
    median_u: Floats,
    lower_u: Floats,
    upper_u: Floats,
    t_from: float,
    t_to: float,
    scale: Scale,
    kind: AxisKind,
    axis_label: Callable[[float], str],
) -> Markup:
    """Draw the community median over time with its 50% interval, on the question's axis."""
    low_u, high_u = float(np.nanmin(lower_u)), float(np.nanmax(upper_u))
    pad = max(0.02, (high_u - low_u) * 0.1)
    frame = Frame(t_from, max(t_to, t_from + 1.0), max(0.0, low_u - pad), min(1.0, high_u + pad))
    times = np.linspace(frame.x0, frame.x1, SAMPLES)
    xs = frame.x(times)
    body = _y_grid(frame, axis_ticks(scale, kind, axis_label, frame.y0, frame.y1))
    lo, hi = sample_steps(starts, lower_u, times), sample_steps(starts, upper_u, times)
    body += _band(frame, xs, lo, hi)
    line = sample_steps(starts, median_u, times)
    body.append(f'<polyline class="line" points="{_points(xs, frame.y(line))}"/>')
    last = float(line[-1])
    if np.isfinite(last):
        body.append(
            _now_marker(
                frame, last, f"median now: {axis_label(float(scale.from_u(np.array([last]))[0]))}"
            )
        )
    body += _time_ticks(frame)
    return _svg(body, "community median over time")


SERIES_COLOURS = 10  # series-0..series-9 in style.css; options past ten repeat them dashed


def series_class(index: int) -> str:
    """Return the CSS classes of option index's line and swatch."""
    dashed = " dashed" if index >= SERIES_COLOURS else ""
    return f"series-{index % SERIES_COLOURS}{dashed}"


def choice_history_chart(
    *,
    starts: Floats,
    values: Floats,
    labels: Sequence[str],
    t_from: float,
    t_to: float,
) -> Markup:
    """Draw a multiple-choice aggregate over time: one line per option, named on hover."""
    frame = Frame(t_from, max(t_to, t_from + 1.0), 0.0, 1.0)
    times = np.linspace(frame.x0, frame.x1, SAMPLES)
    body = _y_grid(frame, [(v, f"{v:.0%}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)])
    xs = frame.x(times)
    sampled = sample_steps(starts, values, times)
    for k, label in enumerate(labels):
        line = sampled[:, k]
        now = float(line[-1])
        title = f"{label}: {now:.1%} now" if np.isfinite(now) else str(label)
        body.append(
            f'<polyline class="line {series_class(k)}" points="{_points(xs, frame.y(line))}">'
            f"<title>{escape(title)}</title></polyline>"
        )
    body += _time_ticks(frame)
    return _svg(body, "community probability of each option over time")
