"""The checks a copy of a SQLite backup passes before it may replace the database."""

from __future__ import annotations

import sqlite3

from forecast.errors import ValidationFailed
from forecast.infra.migrate import known_revisions, schema_at


def _tables(connection: sqlite3.Connection) -> dict[str, set[str]]:
    names = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    return {
        name: {row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')}
        for name in names
    }


def _revision(connection: sqlite3.Connection, origin: str, tables: dict[str, set[str]]) -> str:
    if "alembic_version" not in tables:
        raise ValidationFailed(
            f"{origin} is not a database of this app: it has no migration revision "
            "(no alembic_version table)"
        )
    found = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    if len(found) != 1:
        raise ValidationFailed(
            f"{origin} is not a database of this app: it holds {len(found)} migration "
            "revisions instead of one"
        )
    if found[0] not in known_revisions():
        raise ValidationFailed(
            f"{origin} is at migration {found[0]!r}, which this version of the app does not "
            "know (a backup of a newer version, or of another app)"
        )
    return str(found[0])


def _missing(expected: dict[str, frozenset[str]], tables: dict[str, set[str]]) -> list[str]:
    missing = []
    for table, columns in sorted(expected.items()):
        if table not in tables:
            missing.append(table)
        else:
            missing.extend(f"{table}.{column}" for column in sorted(columns - tables[table]))
    return missing


def check_copy(connection: sqlite3.Connection, origin: str) -> str:
    """Return the revision of a copy of origin, or refuse a copy this app cannot run on."""
    status = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if status != "ok":
        raise ValidationFailed(f"{origin} fails its integrity check: {status}")
    tables = _tables(connection)
    revision = _revision(connection, origin, tables)
    missing = _missing(schema_at(revision), tables)
    if missing:
        raise ValidationFailed(
            f"{origin} is not a database of this app at migration {revision}: it lacks "
            + ", ".join(missing[:10])
        )
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise ValidationFailed(f"{origin} fails its foreign key check ({len(broken)} rows)")
    return revision
