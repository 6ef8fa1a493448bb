"""Only one scheduler acts at a time: a PostgreSQL advisory lock, or a lease row on SQLite.

Every job run first asks `holds()`. On PostgreSQL the lock lives as long as the process's
dedicated connection, so a second scheduler keeps failing to take it and takes over the moment
the first process dies. On SQLite the holder renews a lease on each run; a second scheduler
takes the lease only once it has expired, so it takes over from a dead holder within LEASE.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, text, update
from sqlalchemy import select as sa_select

from forecast.infra.clock import utcnow
from forecast.infra.db import begin_write, is_sqlite, new_session
from forecast.models import SchedulerLease

LOCK_KEY = 7_262_614  # the advisory lock's number, arbitrary but fixed
LEASE = timedelta(seconds=90)
_L = SchedulerLease.__table__  # type: ignore[attr-defined]


class SchedulerLock:
    """The right to run scheduled jobs, held by at most one process."""

    def __init__(self, engine: Engine, holder: str | None = None) -> None:
        self.engine = engine
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"
        self._connection: Connection | None = None
        self._held = False
        # Jobs run in a pool of threads and each asks first: they must not use the one
        # connection that holds the PostgreSQL lock at the same time.
        self._mutex = threading.Lock()

    def holds(self, now: datetime | None = None) -> bool:
        """Take or renew the lock; tell whether this process may run jobs now."""
        with self._mutex:
            return self._holds(now)

    def _holds(self, now: datetime | None) -> bool:
        if is_sqlite(self.engine):
            return self._lease(now or utcnow())
        if self._connection is not None and self._held:
            try:  # the lock lives as long as this connection does
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
                return True
            except Exception:
                self._drop()
        if self._connection is None:
            self._connection = self.engine.connect()
            # Names the holder in pg_stat_activity, where the readiness check finds it.
            self._connection.execute(
                text("SELECT set_config('application_name', :name, false)"),
                {"name": f"forecast-scheduler {self.holder}"[:63]},
            )
        taken = bool(
            self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
        )
        self._connection.commit()
        self._held = taken
        return taken

    def _drop(self, *, unlock: bool = False) -> None:
        # A pooled connection outlives close(), and the lock with it: unlock explicitly on a
        # clean release, and discard a failed connection outright.
        if self._connection is not None:
            try:
                if unlock and self._held:
                    self._connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                    )
                    self._connection.execute(text("RESET application_name"))
                    self._connection.commit()
                else:
                    self._connection.invalidate()
                self._connection.close()
            finally:
                self._connection = None
        self._held = False

    def _lease(self, now: datetime) -> bool:
        session = new_session(self.engine)
        try:
            begin_write(session)
            row = session.execute(
                sa_select(_L.c.holder, _L.c.expires_at).where(_L.c.name == "scheduler")
            ).first()
            mine = row is not None and row.holder == self.holder
            if row is not None and not mine and row.expires_at > now:
                session.rollback()
                return False
            values = {"holder": self.holder, "expires_at": now + LEASE}
            if row is None:
                session.execute(insert(_L).values(name="scheduler", **values))
            else:
                session.execute(update(_L).where(_L.c.name == "scheduler").values(**values))
            session.commit()
            return True
        finally:
            session.close()

    def release(self) -> None:
        """Give the lock up (on a clean shutdown)."""
        with self._mutex:
            self._release()

    def _release(self) -> None:
        if is_sqlite(self.engine):
            session = new_session(self.engine)
            try:
                begin_write(session)
                session.execute(
                    delete(_L).where(_L.c.name == "scheduler", _L.c.holder == self.holder)
                )
                session.commit()
            finally:
                session.close()
        else:
            self._drop(unlock=True)
