"""Text no database can store: NUL characters and lone surrogates, found anywhere in a value.

PostgreSQL cannot store U+0000 in a text column and SQLite stores it silently; a lone surrogate
(JSON's `"\\ud800"` without its pair) cannot be encoded at all. The entry points refuse both where
requests arrive (forecast.http.text_guard), the importer and calibration uploads where files do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

NUL = "\x00"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def has_nul(text: str) -> bool:
    """Tell whether text holds the NUL character."""
    return NUL in text


def has_lone_surrogate(text: str) -> bool:
    """Tell whether text holds a surrogate code point, which only a broken pair leaves in a str."""
    return not text.isascii() and _LONE_SURROGATE.search(text) is not None


def find_text(value: Any, bad: Callable[[str], bool], where: str = "") -> str | None:
    """Return the path of the first string (or key) inside value that bad flags, or None."""
    if isinstance(value, str):
        return where or "value" if bad(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and bad(key):
                return path
            found = find_text(item, bad, path)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = find_text(item, bad, f"{where}[{i}]")
            if found:
                return found
    return None


def find_nul(value: Any, where: str = "") -> str | None:
    """Return the path of the first string (or key) holding NUL inside value, or None."""
    return find_text(value, has_nul, where)
