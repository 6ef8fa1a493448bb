"""Leaderboards as CSV: one download for the pages and the API."""

from __future__ import annotations

from typing import Any

from flask import Response

from forecast.http.csv_files import csv_response

BOARD_COLUMNS = (
    "rank",
    "user",
    "score",
    "coverage",
    "questions",
    "take",
    "share",
    "prize",
    "medal",
)
GLOBAL_BOARD_COLUMNS = ("rank", "user", "score", "peer", "coverage")


def board_csv(
    entries: list[dict[str, Any]],
    columns: tuple[str, ...],
    reference: list[dict[str, Any]] | None = None,
) -> Response:
    """Render leaderboard entries as CSV, a reference line's row last: no rank, no take, share or
    prize, and its note in the medal column."""
    unranked = [{**row, "medal": row.get("note")} for row in reference or []]
    return csv_response(columns, entries + unranked, "leaderboard.csv")
