"""The threshold report as a file: one download for the report page and the API."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response

from forecast.http.csv_files import csv_response
from forecast.services.boundaries.report_export import REPORT_COLUMNS, export_rows

FILENAME = "threshold-report"


def report_file(rows: list[dict[str, Any]], fmt: str, *, attachment: bool = True) -> Response:
    """Answer report rows as CSV or JSON, without what only the page shows; the JSON is a
    download (a file name) where attachment says so, as from the page's link."""
    rows = export_rows(rows)
    if fmt == "csv":
        return csv_response(REPORT_COLUMNS, rows, f"{FILENAME}.csv")
    headers = {"Content-Disposition": f'attachment; filename="{FILENAME}.json"'}
    return Response(
        orjson.dumps(rows), mimetype="application/json", headers=headers if attachment else {}
    )
