"""A counter shared by every process on one SQLite file, moved by each write to accounts or tokens.

Processes keep the answers of API token lookups (forecast.services.accounts.tokens); this counter
tells
them when a kept answer may be out of date. It lives in a file of 8 bytes beside the database
(`<database>-accounts`), mapped into memory, so a lookup reads it for about 0.2 us with no
system call and no SQL.

Every statement that writes the `users` or `api_tokens` table, through any SQLAlchemy
connection of the engine (ORM flushes, Core statements, bulk imports), moves the counter twice:
once before the statement runs and once after its connection has gone back to the pool, that
is after the commit or rollback. The counter is therefore odd while such a write may be in
flight, and a kept answer is used only when the counter is even and equal to the value read
before the answer was looked up. A process that dies between its two moves leaves the counter
odd, which turns keeping off (the safe side) until the next write moves it again.

Writes that bypass SQLAlchemy (a restore from a backup) move it with `changing()`. Statements
run straight on the driver (forecast.infra.sqlite.driver_sql) touch only questions and forecasts.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import re
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

SIZE = 8
_COUNTER = struct.Struct("<Q")
_MARK = "forecast_account_write"
# Writes only: reads of the tables never move the counter. A false match (a write elsewhere
# that names one of the tables) costs only an extra lookup.
_ACCOUNT_WRITE = re.compile(
    r"\s*(?:insert|update|delete|replace|drop|alter)\b.*?\b(?:users|api_tokens)\b",
    re.IGNORECASE | re.DOTALL,
)


def writes_accounts(statement: str) -> bool:
    """Tell whether a SQL statement may write the users or api_tokens table."""
    return _ACCOUNT_WRITE.match(statement) is not None


class AccountGeneration:
    """The counter of one database file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self._fd: int | None = None
        self._pid = 0
        # flock excludes other processes only: threads of one process share its descriptor.
        self._lock = threading.Lock()

    def _file(self) -> int:
        # One descriptor per process: flock excludes open file descriptions, and a forked
        # child shares its parent's.
        with self._lock:
            if self._fd is None or self._pid != os.getpid():
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size < SIZE:
                        os.ftruncate(fd, SIZE)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                self._map = mmap.mmap(fd, SIZE, mmap.MAP_SHARED)
                self._fd, self._pid = fd, os.getpid()
            return self._fd

    def read(self) -> int:
        """Return the counter's value now."""
        if self._pid != os.getpid():
            self._file()
        assert self._map is not None
        value: int = _COUNTER.unpack_from(self._map, 0)[0]
        return value

    def move(self) -> None:
        """Add one to the counter (every process sees it at once)."""
        fd = self._file()
        assert self._map is not None
        with self._lock:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                value = _COUNTER.unpack_from(self._map, 0)[0]
                _COUNTER.pack_into(self._map, 0, (value + 1) % 2**64)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Move the counter around a write made outside SQLAlchemy."""
        self.move()
        try:
            yield
        finally:
            self.move()

    def close(self) -> None:
        """Unmap the file and close it (in this process)."""
        with self._lock:
            if self._pid == os.getpid():
                if self._map is not None:
                    self._map.close()
                if self._fd is not None:
                    os.close(self._fd)
            self._map, self._fd, self._pid = None, None, 0


def generation_path(database: str) -> str:
    """Return where the counter of a SQLite database file lives."""
    return f"{database}-accounts"


def watch_account_writes(engine: Engine, database: str) -> AccountGeneration:
    """Move the counter of a SQLite file around every write to accounts through engine."""
    generation = AccountGeneration(generation_path(database))

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = conn.info  # the pooled connection's: the checkin below sees the same dict
        if info.get(_MARK) or not writes_accounts(statement):
            return
        generation.move()
        info[_MARK] = True

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_MARK, False):
            generation.move()

    event.listen(engine, "engine_disposed", lambda _engine: generation.close())
    return generation
