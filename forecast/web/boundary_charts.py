"""A small chart of an event's probability over time, with the threshold and the commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup

from forecast.infra.clock import parse_iso
from forecast.web.chart_marks import date_label, grid_row

WIDTH, HEIGHT, PAD = 220, 64, 4


LARGE = (640, 200)


def _commit_line(
    committed_at: str | None,
    t0: float,
    t1: float,
    x: Callable[[float], float],
    top: float,
    bottom: float,
) -> str:
    """The dotted vertical line at the commit, when it falls inside the drawn span."""
    if not committed_at:
        return ""
    c = parse_iso(committed_at).timestamp()
    if not t0 <= c <= t1:
        return ""
    return (
        f'<line class="commit" x1="{x(c):.1f}" x2="{x(c):.1f}" y1="{top}" '
        f'y2="{bottom}"><title>committed</title></line>'
    )


def probability_path_chart(
    path: Sequence[Sequence[Any]],
    threshold: float,
    committed_at: str | None,
    *,
    large: bool = False,
) -> Markup:
    """Draw the sampled probability path as a sparkline with the threshold line.

    large: a full-width chart with its probability axis and dates (the boundary's own page).
    """
    points = [(float(t), float(p)) for t, p in path if p is not None]
    if len(points) < 2:
        return Markup('<span class="muted small">no history yet</span>')
    if large:
        return _large_chart(points, threshold, committed_at)
    t0, t1 = points[0][0], points[-1][0]
    span = (t1 - t0) or 1.0

    def x(t: float) -> float:
        return PAD + (t - t0) / span * (WIDTH - 2 * PAD)

    def y(p: float) -> float:
        return PAD + (1 - p) * (HEIGHT - 2 * PAD)

    line = " ".join(f"{x(t):.1f},{y(p):.1f}" for t, p in points)
    parts = [
        f'<svg class="chart spark" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="probability over time against the threshold">',
        f'<line class="threshold" x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(threshold):.1f}" '
        f'y2="{y(threshold):.1f}"/>',
        f'<polyline class="line" points="{line}"/>',
    ]
    parts.append(_commit_line(committed_at, t0, t1, x, PAD, HEIGHT - PAD))
    parts.append("</svg>")
    return Markup("".join(parts))


def _large_chart(
    points: list[tuple[float, float]], threshold: float, committed_at: str | None
) -> Markup:
    width, height = LARGE
    left, right, top, bottom = 48, 12, 10, 26
    t0, t1 = points[0][0], points[-1][0]
    span = (t1 - t0) or 1.0
    # The axis reaches a little past the larger of the path and the threshold.
    ceiling = min(1.0, max(max(p for _, p in points), threshold) * 1.25 + 0.01)

    def x(t: float) -> float:
        return left + (t - t0) / span * (width - left - right)

    def y(p: float) -> float:
        return top + (1 - p / ceiling) * (height - top - bottom)

    parts = [
        f'<svg class="chart path" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="probability over time against the threshold">'
    ]
    for tick in (0.0, ceiling / 2, ceiling):
        parts.append(grid_row(left, width - right, y(tick), f"{tick:.1%}"))
    parts.append(
        f'<line class="threshold" x1="{left}" x2="{width - right}" y1="{y(threshold):.1f}" '
        f'y2="{y(threshold):.1f}"><title>threshold {threshold:.1%}</title></line>'
    )
    line = " ".join(f"{x(t):.1f},{y(p):.1f}" for t, p in points)
    parts.append(f'<polyline class="line" points="{line}"/>')
    parts.append(_commit_line(committed_at, t0, t1, x, top, height - bottom))
    for t, anchor in ((t0, "start"), (t1, "end")):
        parts.append(date_label(x(t), height - 8, t, anchor))
    parts.append("</svg>")
    return Markup("".join(parts))
