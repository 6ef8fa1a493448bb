"""The decoded payloads of stored report rows, kept in the process between requests.

A warm report reads every row from `boundary_evaluations` and, before this, decoded each
payload again (most of it the sampled path of the sparkline): at 1,000 boundaries that decoding
was the largest part of the request. A payload is a pure function of its stored text, so the
process keeps, per boundary, the last text it decoded and its value, and reuses the value when
the stored text is the same string: the answer is exactly what decoding would give, whichever
worker stored the row and whatever changed in between (a new version, new forecasts or a
re-evaluation store new text). Comparing two strings costs a small fraction of decoding one.

Callers get a shallow copy: the report sets and replaces top-level keys of its rows (the
decision outcome, the redaction, the signposts) but never changes a nested value in place, so
the nested values are shared and must stay unmodified.
"""

from __future__ import annotations

import threading
from typing import Any

import orjson

# One entry per boundary (a 1,000-row report keeps about 14 MB, besides the stored text);
# past the bound the process starts over, which costs decoding again, never a wrong row.
MAX_ENTRIES = 5_000

_lock = threading.Lock()
_decoded: dict[int, tuple[str, dict[str, Any]]] = {}


def decoded(boundary_id: int, payload: str) -> dict[str, Any]:
    """Return the row stored as `payload` for a boundary, decoding it only when its text is new."""
    kept = _decoded.get(boundary_id)
    if kept is not None and kept[0] == payload:
        return dict(kept[1])
    row: dict[str, Any] = orjson.loads(payload)
    with _lock:
        if len(_decoded) >= MAX_ENTRIES:
            _decoded.clear()
        _decoded[boundary_id] = (payload, row)
    return dict(row)


def forget() -> None:
    """Drop every decoded row (for tests that compare against a fresh decoding)."""
    with _lock:
        _decoded.clear()
