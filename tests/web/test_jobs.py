"""Scheduled jobs run through the scheduler lock and are idempotent."""

from __future__ import annotations

import time
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from forecast import jobs
from tests.integration.factories import World


def test_configured_jobs_run_under_the_lock_and_twice_is_harmless(app: Flask) -> None:
    world = World(app)
    world.question(opens=timedelta(seconds=1), closes=timedelta(days=3))
    time.sleep(1.2)  # the upcoming question is now due to open
    scheduler = BackgroundScheduler(timezone="UTC")
    jobs.configure(scheduler, app)
    ids = {job.id for job in scheduler.get_jobs()}
    assert ids == {
        "advance_schedule",
        "evaluate_boundaries",
        "score_resolved",
        "remind_overdue",
        "community_moves",
        "deliver_notifications",
    }
    run = scheduler.get_job("advance_schedule").func
    assert run() == {"opened": 1, "closed": 0}
    assert run() == {"opened": 0, "closed": 0}
    assert scheduler.get_job("score_resolved").func() == 0
