"""The trend series chart of a question page: the points, the fitted line over them and its
extrapolation (dashed) to the question's resolution date, on a log axis for a log-linear fit
(where the line is straight), and the level a date question asks about."""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup, escape

from forecast.infra.clock import parse_iso, to_epoch
from forecast.web.aggregate_charts import Frame, _svg, _time_ticks, _y_grid
from forecast.web.chart_ticks import nice_ticks


def short_number(value: float) -> str:
    """Return a value as a reader scans it: 3 significant figures, powers of ten past 1e5."""
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.2e}".replace("e+", "e")
    return f"{value:.3g}"


def series_chart(trend: dict[str, Any]) -> Markup:
    """Draw a trend's points, fitted line and extrapolation to the resolution date."""
    log = trend["fit"] == "log_linear"
    times = np.array([to_epoch(parse_iso(p["date"])) for p in trend["points"]])
    values = np.array([float(p["value"]) for p in trend["points"]])
    line = np.array([float(p["value"]) for p in trend["line"]])
    end_t = to_epoch(parse_iso(trend["extrapolated"]["at"]))
    end_v = float(trend["extrapolated"]["value"])
    shown = [*values.tolist(), *line.tolist(), end_v]
    if trend.get("level") is not None:
        shown.append(float(trend["level"]))
    if log:
        shown = [v for v in shown if v > 0]

    def fy(v: np.ndarray | float) -> np.ndarray:
        a = np.asarray(v, dtype=np.float64)
        if not log:
            return a
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a > 0, np.log10(np.where(a > 0, a, 1.0)), np.nan)

    lo, hi = float(np.nanmin(fy(np.array(shown)))), float(np.nanmax(fy(np.array(shown))))
    pad = (hi - lo) * 0.08 or 1.0
    t0, t1 = float(min(times.min(), end_t)), float(max(times.max(), end_t))
    frame = Frame(t0, t1 + (t1 - t0) * 0.02 or t0 + 1.0, lo - pad, hi + pad)
    if log:
        ticks = [(t.value, short_number(10**t.value)) for t in nice_ticks(lo, hi)]
    else:
        ticks = [(t.value, short_number(t.value)) for t in nice_ticks(frame.y0, frame.y1)]
    body = _y_grid(frame, ticks)
    first, last = int(np.argmin(times)), int(np.argmax(times))
    xs, ys = frame.x(np.array([times[first], times[last]])), frame.y(fy(line[[first, last]]))
    body.append(
        f'<line class="trend-fit" x1="{xs[0]:.1f}" y1="{ys[0]:.1f}" x2="{xs[1]:.1f}" '
        f'y2="{ys[1]:.1f}"><title>fitted line</title></line>'
    )
    ex, ey = float(frame.x(end_t)), float(frame.y(fy(end_v)))
    body.append(
        f'<line class="trend-extrapolation" x1="{xs[1]:.1f}" y1="{ys[1]:.1f}" x2="{ex:.1f}" '
        f'y2="{ey:.1f}"><title>extrapolated to the resolution date</title></line>'
    )
    body.append(
        f'<circle class="trend-end" cx="{ex:.1f}" cy="{ey:.1f}" r="4.5"><title>'
        f"{escape(trend['extrapolated']['at'][:10])}: {escape(short_number(end_v))}"
        "</title></circle>"
    )
    if trend.get("level") is not None:
        ly = float(frame.y(fy(float(trend["level"]))))
        body.append(
            f'<line class="trend-level" x1="{frame.x(t0):.1f}" x2="{frame.x(t1):.1f}" '
            f'y1="{ly:.1f}" y2="{ly:.1f}"><title>level asked about</title></line>'
        )
    px, py = frame.x(times), frame.y(fy(values))
    for p, x, y in zip(trend["points"], px.tolist(), py.tolist(), strict=True):
        if not np.isfinite(y):
            continue
        label = f"{p['date'][:10]}: {short_number(float(p['value']))}"
        if p.get("source"):
            label += f" ({p['source']})"
        body.append(
            f'<circle class="trend-point" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
            f"<title>{escape(label)}</title></circle>"
        )
    body += _time_ticks(frame)
    return _svg(body, "trend series with its fitted line and extrapolation")
