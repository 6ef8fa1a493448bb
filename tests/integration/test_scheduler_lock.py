"""Only one scheduler acts at a time; a second takes over when the first is gone."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from forecast.infra.clock import utcnow
from forecast.infra.db import get_engine
from forecast.infra.scheduler_lock import LEASE, SchedulerLock


def test_a_second_scheduler_waits_and_takes_over(any_app: Flask) -> None:
    engine = get_engine(any_app)
    first, second = SchedulerLock(engine, "host-a:1"), SchedulerLock(engine, "host-b:2")
    now = utcnow()
    assert first.holds(now) and first.holds(now)  # renewing keeps it
    assert not second.holds(now)
    if engine.dialect.name == "sqlite":
        # The first dies without releasing: the lease runs out and the second takes over.
        assert second.holds(now + LEASE + timedelta(seconds=1))
        assert not first.holds(now + LEASE + timedelta(seconds=2))
        second.release()
        assert first.holds(now + LEASE + timedelta(seconds=3))
        first.release()
    else:
        first.release()  # the connection closes, as when a process dies
        assert second.holds(now)
        assert not first.holds(now)
        second.release()
        first.release()
