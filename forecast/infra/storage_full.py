"""A full disk told apart from other failures, so that clients are asked to retry, not blamed.

A write that finds no room fails in one of three shapes: SQLite's SQLITE_FULL ("database or
disk is full", raised by the driver or wrapped in SQLAlchemy's OperationalError), PostgreSQL's
disk_full (SQLSTATE 53100), or the system's ENOSPC or EDQUOT from any file write. The request
was fine and SQLite rolls the failed transaction back, so the answer is 503 with Retry-After:
"try again later", which HTTP clients honour (urllib3's Retry waits out Retry-After on 503,
not on 507 Insufficient Storage, a WebDAV status). Reads go on working.
"""

from __future__ import annotations

import errno
import sqlite3

RETRY_AFTER_S = 60
MESSAGE = "the server is out of storage space and could not save this; try again in a minute"

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL_TEXT = "database or disk is full"
_PG_DISK_FULL = "53100"


def is_storage_full(error: BaseException) -> bool:
    """Tell whether error, or an error it wraps or was raised from, reports a full disk."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _reports_full(current):
            return True
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                pending.append(linked)
    return False


def _reports_full(error: BaseException) -> bool:
    if isinstance(error, OSError):
        return error.errno in _FULL_ERRNOS
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF == sqlite3.SQLITE_FULL  # extended codes keep the primary below
        return _SQLITE_FULL_TEXT in str(error)
    return getattr(error, "sqlstate", None) == _PG_DISK_FULL
