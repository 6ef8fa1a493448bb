"""Whether this process can serve: the database answers and is at the app's migration head.

The scheduler's lock is reported beside (who holds it, how long since it last acted) but does
not make a web worker unready: taking every worker out of the load balancer because the one
scheduler stopped would turn a late job into an outage. Alert on `scheduler.state` instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, text

from forecast.infra.clock import utcnow
from forecast.infra.db import is_sqlite
from forecast.infra.migrate import head_revision
from forecast.infra.scheduler_lock import LEASE, LOCK_KEY

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    """The answer: ready or not, each check's findings, and what is wrong in words."""

    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """Return the body of GET /api/v1/ready."""
        body: dict[str, Any] = {"status": "ready" if self.ready else "not_ready"}
        if self.problems:
            body["problems"] = self.problems
        body.update(self.checks)
        return body


@cache
def _head() -> str:
    return head_revision()  # reads the migration scripts: once per process


def check(engine: Engine, now: datetime | None = None) -> Readiness:
    """Check the database, its migration revision and the scheduler lock."""
    result = Readiness()
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            ms = round((time.perf_counter() - started) * 1000, 2)
            result.checks["database"] = {"ok": True, "ms": ms}
            _check_revision(connection, result)
            result.checks["scheduler"] = _scheduler(connection, now or utcnow())
    except Exception as exc:  # anything the driver raises means the same: not ready
        # The full message names hosts and ports: it goes to the log, not to anonymous callers.
        log.warning("readiness: database check failed: %s", exc)
        result.checks.setdefault("database", {"ok": False})
        if result.checks["database"]["ok"]:
            result.problems.append(f"database: query failed ({type(exc).__name__})")
        else:
            result.problems.append(f"database: unreachable ({type(exc).__name__})")
    return result


def _check_revision(connection: Connection, result: Readiness) -> None:
    head = _head()
    try:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        connection.rollback()
        revision = None
    result.checks["migrations"] = {"ok": revision == head, "revision": revision, "head": head}
    if revision is None:
        result.problems.append("migrations: the database is not migrated (forecast db upgrade)")
    elif revision != head:
        result.problems.append(
            f"migrations: the database is at {revision}, the app needs {head} (forecast db upgrade)"
        )


def _scheduler(connection: Connection, now: datetime) -> dict[str, Any]:
    """Return who holds the scheduler lock and how many seconds ago it last acted."""
    try:
        if is_sqlite(connection.engine):
            row = connection.execute(
                text("SELECT holder, expires_at FROM scheduler_leases WHERE name = 'scheduler'")
            ).first()
            holder, age = None, None
            if row is not None:
                expires = row[1] if isinstance(row[1], datetime) else _parse(row[1])
                holder, age = row[0], (now - (expires - LEASE)).total_seconds()
        else:
            # The holder's connection runs a statement on every job run (SchedulerLock.holds).
            row = connection.execute(
                text(
                    "SELECT a.application_name, a.pid, "
                    "EXTRACT(EPOCH FROM now() - a.state_change) "
                    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :key "
                    "AND a.datname = current_database()"
                ),
                {"key": LOCK_KEY},
            ).first()
            holder = (row[0] or f"pid {row[1]}") if row is not None else None
            age = float(row[2]) if row is not None and row[2] is not None else None
    except Exception:
        connection.rollback()
        return {"state": "unknown"}
    if holder is None:
        return {"state": "absent", "holder": None}
    state = "running" if age is not None and age <= LEASE.total_seconds() else "stale"
    return {
        "state": state,
        "holder": holder,
        "seconds_since_renewal": None if age is None else round(age, 1),
    }


def _parse(value: Any) -> datetime:
    from datetime import UTC

    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
