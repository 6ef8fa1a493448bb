"""Charts for track records: the calibration curve and the cumulative score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from forecast.infra.clock import parse_iso
from forecast.web.chart_marks import date_label, grid_row
from forecast.web.formatting import plural, signed

SIZE, PAD = 320, 36
LEFT = 46  # room for the "100%" of the vertical axis
WIDE, TALL = 960, 240


def calibration_chart(bins: Sequence[dict[str, Any]]) -> Markup:
    """Draw mean outcome against mean forecast per bin, with 90% whiskers and the diagonal."""
    span = SIZE - LEFT - PAD

    def x(p: float) -> float:
        return LEFT + p * span

    def y(p: float) -> float:
        return SIZE - PAD - p * span

    parts = [
        f'<svg class="chart calibration" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-label="calibration curve">',
        f'<line class="diagonal" x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}"/>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<text class="tick" x="{x(tick):.1f}" y="{SIZE - 12}" '
            f'text-anchor="middle">{tick:.0%}</text>'
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick:.0%}</text>'
        )
    for b in bins:
        if not b["count"] or b["mean_forecast"] is None or b["mean_outcome"] is None:
            continue
        cx, cy = x(b["mean_forecast"]), y(b["mean_outcome"])
        low, high = b["interval"]
        if low is not None and high is not None:
            parts.append(
                f'<line class="whisker" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(low):.1f}" '
                f'y2="{y(high):.1f}"/>'
            )
        parts.append(
            f'<circle class="bin" cx="{cx:.1f}" cy="{cy:.1f}" r="4"><title>'
            f"{plural(int(b['count']), 'forecast')}: said {b['mean_forecast']:.0%}, "
            f"happened {b['mean_outcome']:.0%}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def cumulative_chart(points: Sequence[dict[str, Any]]) -> Markup:
    """Draw the cumulative Peer score as a step at each resolution, with the zero line.

    Each point may carry the question's title and its own Peer score, shown on hover.
    """
    if len(points) < 2:
        return Markup('<p class="muted small">The chart appears after two resolved questions.</p>')
    times = [parse_iso(p["at"]).timestamp() for p in points]
    values = [float(p["cumulative_peer"]) for p in points]
    t0, t1 = min(times), max(times)
    low, high = min(0.0, *values), max(0.0, *values)
    left, right, top, bottom = 56, 16, 12, 28

    def x(t: float) -> float:
        return left + (t - t0) / ((t1 - t0) or 1.0) * (WIDE - left - right)

    def y(v: float) -> float:
        return top + (high - v) / ((high - low) or 1.0) * (TALL - top - bottom)

    parts = [
        f'<svg class="chart cumulative" viewBox="0 0 {WIDE} {TALL}" role="img" '
        f'aria-label="cumulative Peer score over resolution dates">'
    ]
    for v in sorted({low, 0.0, high}):
        parts.append(grid_row(left, WIDE - right, y(v), signed(v, 0), "zero" if v == 0 else "grid"))
    # A step line: the total holds between resolutions and jumps at each one.
    steps = [f"{x(times[0]):.1f},{y(0.0):.1f}"]
    previous = 0.0
    for t, v in zip(times, values, strict=True):
        steps.append(f"{x(t):.1f},{y(previous):.1f} {x(t):.1f},{y(v):.1f}")
        previous = v
    parts.append(f'<polyline class="line" points="{" ".join(steps)}"/>')
    for p, t, v in zip(points, times, values, strict=True):
        title = escape(p.get("title") or p["at"][:10])
        own = f" ({signed(float(p['peer']))})" if p.get("peer") is not None else ""
        parts.append(
            f'<circle class="bin" cx="{x(t):.1f}" cy="{y(v):.1f}" r="3.5">'
            f"<title>{title}{own}: total {signed(v)}</title></circle>"
        )
    for t, anchor in ((t0, "start"), ((t0 + t1) / 2, "middle"), (t1, "end")):
        parts.append(date_label(x(t), TALL - 8, t, anchor))
    parts.append("</svg>")
    return Markup("".join(parts))
