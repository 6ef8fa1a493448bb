"""The threshold report as a file: the columns of its CSV and the rows its exports carry."""

from __future__ import annotations

from typing import Any

REPORT_COLUMNS = (
    "id",
    "action",
    "ladder",
    "question",
    "event",
    "comparator",
    "threshold",
    "method",
    "probability",
    "crossed",
    "margin",
    "margin_log_odds",
    "verdict",
    "hidden",
    "interval",
    "forecaster_count",
    "first_crossed_at",
    "outcome",
    "at",
    "methods_crossed",
    "methods_known",
    "decision_outcome",
    "lead_time_days",
    "named_signposts",
    "decision_relevant_signposts",
)

# What a row carries for the pages only: the owner's id and the sparkline's samples.
_PAGE_ONLY = ("owner_id", "path", "chart")


def signpost_names(row: dict[str, Any]) -> dict[str, list[str]]:
    """Return the titles of a row's named signposts, and of its decision-relevant ones (named
    or suggested): what a spreadsheet of the report needs of the signposts in one cell each."""
    entries = row.get("signposts") or []
    return {
        "named_signposts": [e["condition"]["title"] for e in entries if e.get("named")],
        "decision_relevant_signposts": [
            e["condition"]["title"] for e in entries if e.get("decision_relevant")
        ],
    }


def export_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rows as the API, the JSON and the CSV downloads give them."""
    return [
        {**{k: v for k, v in row.items() if k not in _PAGE_ONLY}, **signpost_names(row)}
        for row in rows
    ]
