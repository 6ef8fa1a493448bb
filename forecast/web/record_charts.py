"""Charts for track records: the calibration curve and the cumulative score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from forecast.clock import parse_iso

SIZE, PAD = 320, 36
LEFT = 46  # room for the "100%" of the vertical axis
WIDE, TALL = 640, 200


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
            f"{escape(str(b['count']))} forecasts: said {b['mean_forecast']:.0%}, "
            f"happened {b['mean_outcome']:.0%}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def cumulative_chart(points: Sequence[dict[str, Any]]) -> Markup:
    """Draw the cumulative Peer score over resolution dates."""
    if len(points) < 2:
        return Markup('<p class="muted small">The chart appears after two resolved questions.</p>')
    times = [parse_iso(p["at"]).timestamp() for p in points]
    values = [p["cumulative_peer"] for p in points]
    t0, t1 = min(times), max(times) or 1
    low, high = min(0.0, *values), max(0.0, *values)

    def x(t: float) -> float:
        return PAD + (t - t0) / ((t1 - t0) or 1) * (WIDE - 2 * PAD)

    def y(v: float) -> float:
        return TALL - 20 - (v - low) / ((high - low) or 1) * (TALL - 40)

    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times, values, strict=True))
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDE} {TALL}" role="img" '
        f'aria-label="cumulative Peer score">'
        f'<line class="grid" x1="{PAD}" x2="{WIDE - PAD}" y1="{y(0):.1f}" '
        f'y2="{y(0):.1f}"/><polyline class="line" points="{line}"/>'
        f'<text class="tick" x="{PAD}" y="{TALL - 4}">{points[0]["at"][:10]}</text>'
        f'<text class="tick" x="{WIDE - PAD}" y="{TALL - 4}" text-anchor="end">'
        f"{points[-1]['at'][:10]}</text></svg>"
    )
