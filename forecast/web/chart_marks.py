"""SVG marks the server-drawn charts share: a labelled horizontal rule, a date under the axis.

Each chart has its own canvas and scale; what it draws at a value is the same markup, so the
charts read alike (the same classes for style.css, the label where the eye expects it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import escape


def grid_row(left: float, right: float, y: float, label: str, css: str = "grid") -> str:
    """A horizontal rule from x = left to x = right at height y, labelled at its left end."""
    return (
        f'<line class="{css}" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
        f"{escape(label)}</text>"
    )


def date_label(x: float, y: float, t: float, anchor: str) -> str:
    """The UTC date of Unix time t as a tick label at (x, y)."""
    day = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")
    return f'<text class="tick" x="{x:.1f}" y="{y}" text-anchor="{anchor}">{day}</text>'
