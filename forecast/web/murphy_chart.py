"""The Murphy diagram of a track record: mean elementary score against the threshold."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from forecast.web.chart_marks import grid_row

WIDE, TALL = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 30


def murphy_chart(diagram: dict[str, Any] | None) -> Markup:
    """Draw the forecaster's line with never acting and always acting beside it."""
    if not diagram:
        return Markup('<p class="empty">The diagram appears after a resolved question.</p>')
    theta = diagram["theta"]
    series = [
        ("never", diagram["never"]),
        ("always", diagram["always"]),
        ("line", diagram["score"]),
    ]
    high = max(max(values) for _, values in series) or 1.0

    def x(t: float) -> float:
        return LEFT + t * (WIDE - LEFT - RIGHT)

    def y(v: float) -> float:
        return TOP + (1 - v / high) * (TALL - TOP - BOTTOM)

    parts = [
        f'<svg class="chart murphy" viewBox="0 0 {WIDE} {TALL}" role="img" '
        f'aria-label="Murphy diagram: mean elementary score by threshold">'
    ]
    for v in (0.0, high / 2, high):
        parts.append(grid_row(LEFT, WIDE - RIGHT, y(v), f"{v:.2f}"))
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<text class="tick" x="{x(t):.1f}" y="{TALL - 10}" text-anchor="middle">{t:.0%}</text>'
        )
    for name, values in series:
        points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(theta, values, strict=True))
        dash = ' stroke-dasharray="4 3"' if name != "line" else ""
        kind = name if name == "line" else "grid"
        parts.append(
            f'<polyline class="{kind}"{dash} points="{points}"><title>{name}</title></polyline>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
