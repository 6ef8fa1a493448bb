"""A series typed or uploaded as text: CSV lines `date,value,source` (a header line is
optional, the source may be left out) or JSON (a list of {date, value, source} or an object
with `points`). The text becomes the points `attach_series` checks; a line that cannot be read
is named by its number."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from forecast.errors import ValidationFailed

MAX_TEXT = 200_000
FIELD = "points_text"


def _number(raw: str, line: int) -> float | str:
    text = raw.strip().replace(",", "").replace("_", "")
    try:
        return float(text)
    except ValueError:
        raise ValidationFailed(
            f"line {line}: value {raw.strip()!r} is not a number", FIELD
        ) from None


def _csv_points(text: str) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if line == 1 and cells[0].lower() == "date":
            continue  # a header
        if len(cells) < 2:
            raise ValidationFailed(f"line {line}: write date,value,source", FIELD)
        source = ",".join(cells[2:]).strip() or None
        points.append({"date": cells[0], "value": _number(cells[1], line), "source": source})
    return points


def points_from_text(text: str) -> list[dict[str, Any]]:
    """Return the points written as CSV or JSON (ValidationFailed naming what is wrong)."""
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"the series is longer than {MAX_TEXT} characters", FIELD)
    stripped = text.strip()
    if not stripped:
        raise ValidationFailed("paste or upload the series: one date,value,source a line", FIELD)
    if stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(f"JSON: {exc.msg} at line {exc.lineno}", FIELD) from None
        points = data.get("points") if isinstance(data, dict) else data
        if not isinstance(points, list):
            raise ValidationFailed("JSON: a list of {date, value, source}", FIELD)
        return points
    return _csv_points(stripped)


def points_to_text(points: list[dict[str, Any]]) -> str:
    """Return stored points as the CSV the form shows for editing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "value", "source"])
    for p in points:
        writer.writerow([p["date"][:10], repr(p["value"]), p.get("source") or ""])
    return out.getvalue()
