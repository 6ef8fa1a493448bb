"""Every CSV the app writes: one rule for a cell, one for the download.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula, so a text cell that starts with one of them is written with a leading apostrophe
(OWASP's advice against CSV injection): a title like `=HYPERLINK(...)` reads as text in
every program. Numbers are written as numbers, so a negative score stays a number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from numbers import Number
from typing import Any

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Return value as a safe CSV cell: empty for None, JSON for lists and dicts, text defused."""
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> str:
    """Write a header and rows (sequences in column order, or mappings by column name)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        cells = [row.get(c) for c in columns] if isinstance(row, Mapping) else row
        writer.writerow([csv_cell(v) for v in cells])
    return buffer.getvalue()


def csv_response(
    columns: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]], filename: str
) -> Response:
    """Answer a CSV download with its content type and file name."""
    return Response(
        csv_text(columns, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
