"""Database backups: SQLite through its online backup API; PostgreSQL through pg_dump."""

from __future__ import annotations

import os
import sqlite3

from sqlalchemy.engine import make_url

from forecast.account_generation import AccountGeneration, generation_path
from forecast.errors import ValidationFailed


def sqlite_path(url: str) -> str:
    """Return the file of a SQLite URL, or refuse another database."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        raise ValidationFailed(
            "backup and restore here work on a SQLite file; for PostgreSQL "
            "use pg_dump -Fc and pg_restore (see the README)"
        )
    return parsed.database


def backup(url: str, destination: str) -> int:
    """Copy the live database to destination (consistent even while others write)."""
    source_path = sqlite_path(url)
    if os.path.exists(destination):
        raise ValidationFailed(f"{destination} exists; choose a new file")
    with sqlite3.connect(source_path) as source, sqlite3.connect(destination) as target:
        source.backup(target)
    return os.path.getsize(destination)


def restore(url: str, origin: str) -> None:
    """Replace the database with a backup, after checking the backup's integrity."""
    target_path = sqlite_path(url)
    if not os.path.exists(origin):
        raise ValidationFailed(f"no backup at {origin}")
    try:
        with sqlite3.connect(origin) as source:
            status = source.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise ValidationFailed(f"{origin} fails its integrity check: {status}")
            # Running servers keep token lookups: the counter tells them the accounts changed.
            generation = AccountGeneration(generation_path(target_path))
            try:
                with sqlite3.connect(target_path) as target, generation.changing():
                    source.backup(target)
            finally:
                generation.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationFailed(f"{origin} is not a usable SQLite backup: {exc}") from None
