"""Database backups: SQLite through its online backup API; PostgreSQL through pg_dump."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from forecast.errors import ValidationFailed
from forecast.infra.backup_checks import check_copy
from forecast.infra.migrate import head_revision, upgrade_connection
from forecast.infra.sqlite.account_generation import AccountGeneration, generation_path


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
    try:
        with (
            contextlib.closing(sqlite3.connect(source_path)) as source,
            contextlib.closing(sqlite3.connect(destination)) as target,
        ):
            source.backup(target)
    except sqlite3.DatabaseError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.remove(destination)
        raise ValidationFailed(f"cannot back up to {destination}: {exc}") from None
    return os.path.getsize(destination)


@dataclass(frozen=True)
class Restored:
    """The migration a backup was at, and the one the restored database is at."""

    backup_revision: str
    revision: str

    def summary(self, origin: str) -> str:
        """Return the line that tells the operator what was restored."""
        if self.backup_revision == self.revision:
            return f"restored from {origin} (migration {self.revision})"
        return (
            f"restored from {origin}: the backup was at migration {self.backup_revision}, "
            f"and the restored database was upgraded to {self.revision} "
            "(the backup file itself is unchanged)"
        )


def _page_size(path: str) -> int | None:
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])


def _copy(origin: str, copy: str, page_size: int | None) -> None:
    """Copy origin into copy as one self-contained file with the target's page size."""
    with (
        contextlib.closing(sqlite3.connect(origin)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        # A database in WAL mode accepts a backup only of its own page size.
        if page_size is not None and target.execute("PRAGMA page_size").fetchone()[0] != page_size:
            target.execute(f"PRAGMA page_size={int(page_size)}")
            target.execute("VACUUM")


def _check_and_upgrade(copy: str, origin: str) -> Restored:
    """Check the copy, bring it up to the app's migration, and check it again."""
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        found = check_copy(connection, origin)
    head = head_revision()
    if found != head:
        engine = create_engine(f"sqlite:///{copy}")
        try:
            with engine.connect() as connection:
                upgrade_connection(connection, "head")
        except Exception as exc:
            raise ValidationFailed(
                f"{origin} is at migration {found} and could not be upgraded to {head}: {exc}"
            ) from None
        finally:
            engine.dispose()
        with contextlib.closing(sqlite3.connect(copy)) as connection:
            check_copy(connection, origin)
    return Restored(found, head)


def _swap_in(copy: str, target_path: str) -> None:
    """Replace the database's content with the copy's, in one write transaction."""
    # SQLite's backup API writes the whole copy as one transaction through the target's own
    # journal or WAL: a crash leaves the old database, and processes that still have the file
    # open see the new content at their next transaction. Renaming a file over the target would
    # leave its -wal and -shm beside a database they do not belong to.
    generation = AccountGeneration(generation_path(target_path))
    try:
        with (
            contextlib.closing(sqlite3.connect(copy)) as source,
            contextlib.closing(sqlite3.connect(target_path, timeout=30)) as target,
            generation.changing(),  # running servers drop the token lookups they keep
        ):
            source.backup(target)
    finally:
        generation.close()


def _remove(copy: str) -> None:
    for path in (copy, f"{copy}-journal", f"{copy}-wal", f"{copy}-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def restore(url: str, origin: str) -> Restored:
    """Replace the database with a backup once a copy of it has passed every check."""
    target_path = sqlite_path(url)
    if not os.path.exists(origin):
        raise ValidationFailed(f"no backup at {origin}")
    directory = os.path.dirname(os.path.abspath(target_path))
    handle, copy = tempfile.mkstemp(
        prefix=f".{os.path.basename(target_path)}.restoring-", suffix=".db", dir=directory
    )
    os.close(handle)
    try:
        try:
            page_size = _page_size(target_path)
        except sqlite3.DatabaseError as exc:
            raise ValidationFailed(f"cannot read {target_path}: {exc}") from None
        try:
            _copy(origin, copy, page_size)
            restored = _check_and_upgrade(copy, origin)
        except sqlite3.DatabaseError as exc:
            raise ValidationFailed(f"{origin} is not a usable SQLite backup: {exc}") from None
        try:
            _swap_in(copy, target_path)
        except sqlite3.DatabaseError as exc:
            raise ValidationFailed(
                f"cannot write {target_path}: {exc}; the database is unchanged"
            ) from None
    finally:
        _remove(copy)
    return restored
