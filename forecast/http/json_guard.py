"""JSON bodies nested deeper than any of ours are refused before a view parses them.

The standard library's parser recurses once per level, so a body of 100,000 `[` exhausts the
stack (a RecursionError, which would be a 500) in whichever parser meets it first: webargs,
Flask's get_json or the API's json_body. Measuring the nesting once, before every view, covers
them all. No body the API takes nests past a few levels; MAX_DEPTH leaves room to spare.
"""

from __future__ import annotations

import re

import numpy as np
from flask import Flask, request

from forecast.errors import DomainError

MAX_DEPTH = 64

# A string to its closing quote, or to the end of an unterminated one: every match is linear,
# and a failed match never restarts inside a string.
_STRING = re.compile(rb'(?s)"(?:[^"\\]++|\\.?)*+"?')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nesting(raw: bytes) -> int:
    """Return how deep the arrays and objects of a JSON text nest (brackets in strings aside)."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return max(0, int(np.cumsum(steps).max()))


def _refuse_deep_json() -> None:
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    # A body with few brackets cannot nest deeply: the usual body is never scanned.
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and nesting(raw) > MAX_DEPTH:
        raise DomainError(f"the JSON body nests deeper than {MAX_DEPTH} levels")


def init_app(app: Flask) -> None:
    """Check every JSON body before a view parses it."""
    app.before_request(_refuse_deep_json)
