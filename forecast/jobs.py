"""Scheduled jobs: idempotent module-level functions with stable ids, and their schedule."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from flask import Flask

from forecast.infra.db import session_scope
from forecast.infra.metrics import count_notification, observe_job, set_scheduler_lock
from forecast.infra.scheduler_lock import SchedulerLock

log = logging.getLogger(__name__)
_app: Flask | None = None
_lock: SchedulerLock | None = None


def advance_schedule() -> dict[str, int]:
    """Open questions whose open time has come; close those past their close time."""
    from forecast.services.questions.lifecycle import advance_schedule as advance

    assert _app is not None, "jobs run inside a scheduler bound to an app"
    with _app.app_context(), session_scope() as session:
        result = advance(session=session)
    if result["opened"] or result["closed"]:
        log.info("schedule: opened %d, closed %d questions", result["opened"], result["closed"])
    return result


def score_resolved() -> int:
    """Score every resolved question that has no scores yet (idempotent)."""
    from forecast.services.scoring.resolver import score_all

    assert _app is not None, "jobs run inside a scheduler bound to an app"
    with _app.app_context(), session_scope() as session:
        return score_all(session=session, only_missing=True)


def remind_overdue() -> int:
    """Remind organizers of questions past their resolve-by time (once a week each)."""
    from forecast.services.reminders import remind

    assert _app is not None, "jobs run inside a scheduler bound to an app"
    with _app.app_context(), session_scope() as session:
        return remind(session=session)


def evaluate_boundaries() -> int:
    """Re-evaluate every committed decision boundary; record and announce changes of state."""
    from forecast.services.boundaries.alerts import run

    assert _app is not None, "jobs run inside a scheduler bound to an app"
    with _app.app_context(), session_scope() as session:
        result = run(session=session)
    if result.changes:
        log.info(
            "boundaries: %d evaluated, %d changed state", result.evaluated, len(result.changes)
        )
    return len(result.changes)


def deliver_notifications() -> int:
    """Send the e-mails and webhooks waiting in the outbox (retrying failures with backoff)."""
    from forecast.services.notifications.outbox import drain

    assert _app is not None, "jobs run inside a scheduler bound to an app"
    with _app.app_context(), session_scope() as session:
        result = drain(session=session, config=_app.config, observe=count_notification)
    if result.sent or result.failed or result.dead:
        log.info(
            "outbox: %d sent, %d to retry, %d given up", result.sent, result.failed, result.dead
        )
    return result.sent


def community_moves() -> int:
    """Tell followers whose visible community prediction moved past their threshold."""
    from forecast.services.discussion.follows import check_moves

    assert _app is not None, "jobs run inside a scheduler bound to an app"
    with _app.app_context(), session_scope() as session:
        told = check_moves(session=session)
    if told:
        log.info("community moves: %d followers told", told)
    return told


@dataclass(frozen=True)
class JobSpec:
    """One periodic job: a stable id, the function and its period."""

    id: str
    func: Callable[[], object]
    seconds: int
    misfire_grace: int = 60


JOBS: tuple[JobSpec, ...] = (
    JobSpec("advance_schedule", advance_schedule, seconds=30),
    JobSpec("evaluate_boundaries", evaluate_boundaries, seconds=120, misfire_grace=300),
    JobSpec("score_resolved", score_resolved, seconds=300, misfire_grace=600),
    JobSpec("remind_overdue", remind_overdue, seconds=3600, misfire_grace=3600),
    JobSpec("community_moves", community_moves, seconds=300, misfire_grace=600),
    JobSpec("deliver_notifications", deliver_notifications, seconds=20, misfire_grace=60),
)


def timed(job: str, func: Callable[[], object]) -> object:
    """Run one job, logging and counting the run with its duration (and a failure, re-raised)."""
    started = time.perf_counter()
    try:
        result = func()
    except Exception:
        seconds = time.perf_counter() - started
        observe_job(job, seconds, ok=False)
        log.exception("job %s failed after %.3f s", job, seconds, extra={"job": job})
        raise
    seconds = time.perf_counter() - started
    observe_job(job, seconds, ok=True)
    log.info(
        "job %s ran in %.3f s: %s",
        job,
        seconds,
        result,
        extra={"job": job, "duration_s": round(seconds, 6)},
    )
    return result


def guarded(spec: JobSpec) -> Callable[[], object]:
    """Wrap a job so it runs only while this process holds the scheduler lock."""

    def run() -> object:
        assert _lock is not None, "jobs run inside a scheduler bound to an app"
        held = _lock.holds()
        set_scheduler_lock(held, time.time())
        if not held:
            log.debug("another scheduler holds the lock; %s skipped", spec.id)
            return None
        return timed(spec.id, spec.func)

    run.__name__ = spec.id
    return run


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Bind the jobs to app and add them to scheduler with coalescing and one instance each."""
    from forecast.infra.db import get_engine

    global _app, _lock
    _app = app
    _lock = SchedulerLock(get_engine(app))
    for spec in JOBS:
        scheduler.add_job(
            guarded(spec),
            "interval",
            seconds=spec.seconds,
            id=spec.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace,
        )
    return scheduler


def release_lock() -> None:
    """Give the scheduler lock up (on a clean shutdown), if this process configured the jobs."""
    if _lock is not None:
        _lock.release()


def start_background(app: Flask) -> BackgroundScheduler:
    """Start the jobs in a background thread of this process (single-machine serving)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    configure(scheduler, app)
    scheduler.start()
    return scheduler
