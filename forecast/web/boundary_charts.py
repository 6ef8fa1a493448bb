"""A small chart of an event's probability over time, with the threshold and the commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from forecast.clock import parse_iso

WIDTH, HEIGHT, PAD = 220, 64, 4


def probability_path_chart(
    path: Sequence[Sequence[Any]], threshold: float, committed_at: str | None
) -> Markup:
    """Draw the sampled probability path as a sparkline with the threshold line."""
    points = [(float(t), float(p)) for t, p in path if p is not None]
    if len(points) < 2:
        return Markup('<span class="muted small">no history yet</span>')
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
    if committed_at:
        c = parse_iso(committed_at).timestamp()
        if t0 <= c <= t1:
            parts.append(
                f'<line class="commit" x1="{x(c):.1f}" x2="{x(c):.1f}" y1="{PAD}" '
                f'y2="{HEIGHT - PAD}"><title>committed</title></line>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
