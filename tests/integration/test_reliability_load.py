"""Reliability under real processes: gunicorn under concurrent load, kill -9, scheduler takeover.

Each test runs on SQLite and, when FORECAST_TEST_POSTGRES_URL is set, on PostgreSQL. The
full-size load is marked `slow` and runs only when selected (`-m slow`).
"""

from __future__ import annotations

import signal
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from bench._common import (
    group_alive,
    prepare_open_questions,
    server_env,
    start_gunicorn,
    stop_gunicorn,
)
from forecast.models import Notification
from tests.conftest import build_app
from tests.integration.factories import World
from tests.integration.live_server import (
    LoadDriver,
    LoadReport,
    SchedulerProcess,
    acked_rows_problems,
    chain_problems,
    gap_rows,
    stored_forecasts,
    withdrawn,
)

THREADS = 16
USERS = 8
QUESTIONS = 5


def _assert_clean_answers(report: LoadReport) -> None:
    assert not report.server_errors, report.server_errors[:5]
    assert not report.transport_errors, report.transport_errors[:5]
    # A submission is accepted (201); a withdrawal succeeds (200) or finds nothing standing.
    assert set(report.statuses) <= {("submit", 201), ("withdraw", 200), ("withdraw", 404)}, (
        report.statuses
    )


def _run_load(url: str, requests: int) -> None:
    question_ids, tokens = prepare_open_questions(url, questions=QUESTIONS, users=USERS)
    process, base = start_gunicorn(server_env(url), workers=2, threads=4)
    try:
        driver = LoadDriver(base, tokens, question_ids, requests=requests, threads=THREADS)
        report = driver.start().join()
    finally:
        stop_gunicorn(process, signal.SIGKILL)  # every answer is in: no need to wait
    _assert_clean_answers(report)
    assert sum(report.statuses.values()) == requests
    assert report.withdrawals, "no withdrawal succeeded: the load did not exercise them"

    rows = stored_forecasts(url)
    assert acked_rows_problems(rows, report) == []
    assert len(rows) == len(report.submits)
    assert chain_problems(rows, withdrawn(report.acks)) == []
    updates = len(rows) / (USERS * QUESTIONS)
    assert updates > 5, "too few updates per user and question to race"


def test_concurrent_updates_keep_every_acknowledged_forecast_in_one_chain(database: str) -> None:
    _run_load(database, requests=400)


@pytest.mark.slow
def test_five_thousand_concurrent_updates_keep_every_forecast_in_one_chain(
    database: str,
) -> None:
    _run_load(database, requests=5000)


def _sqlite_checks(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        engine.dispose()


def test_a_killed_server_loses_no_acknowledged_forecast_and_serves_again(database: str) -> None:
    question_ids, tokens = prepare_open_questions(database, questions=QUESTIONS, users=USERS)
    env = server_env(database)
    process, base = start_gunicorn(env, workers=2, threads=4)
    try:
        driver = LoadDriver(base, tokens, question_ids, requests=100_000, threads=THREADS)
        driver.start().wait_for_acks(200)
        stop_gunicorn(process, signal.SIGKILL)  # master and workers, mid-request
        driver.stopping.set()
        before = driver.join(timeout=60)
    finally:
        stop_gunicorn(process, signal.SIGKILL)
    assert not group_alive(process.pid)
    assert not before.server_errors, before.server_errors[:5]

    if database.startswith("sqlite"):
        _sqlite_checks(database)
    rows = stored_forecasts(database)
    assert acked_rows_problems(rows, before) == []
    # Only requests in flight at the kill (one per client thread) may have left a row or a
    # withdrawal that nobody heard about.
    unacked = {r.id for r in rows} - {a.forecast_id for a in before.submits}
    unexplained_gaps = gap_rows(rows) - withdrawn(before.acks)
    assert len(unacked) + len(unexplained_gaps) <= THREADS
    assert chain_problems(rows, withdrawn(before.acks) | unexplained_gaps) == []

    process, base = start_gunicorn(env, workers=2, threads=4)
    try:
        driver = LoadDriver(base, tokens, question_ids, requests=100, threads=THREADS, seed=2)
        after = driver.start().join()
    finally:
        stop_gunicorn(process, signal.SIGKILL)  # every answer is in: no need to wait
    _assert_clean_answers(after)
    if database.startswith("sqlite"):
        _sqlite_checks(database)
    rows = stored_forecasts(database)
    everything = LoadReport(acks=before.acks + after.acks)
    assert acked_rows_problems(rows, everything) == []
    assert len(rows) == len(everything.submits) + len(unacked)
    assert chain_problems(rows, withdrawn(everything.acks) | unexplained_gaps) == []


# --- the scheduler ------------------------------------------------------------------------

LEASE = 1.5  # seconds; the real lease is 90 s
PERIOD = 0.25  # seconds between runs of every job


def _reminders(url: str) -> dict[str, int]:
    """Count the overdue-resolution notifications per link (one link per question)."""
    table = Notification.__table__  # type: ignore[attr-defined]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(table.c.link, func.count())
                .where(table.c.kind == "resolution_overdue")
                .group_by(table.c.link)
            ).all()
    finally:
        engine.dispose()
    return {str(link): int(count) for link, count in rows}


def _wait_for_reminder(
    url: str, link: str, timeout: float, *schedulers: SchedulerProcess | None
) -> float:
    start = time.monotonic()
    while link not in _reminders(url):
        if time.monotonic() - start > timeout:
            outputs = "\n---\n".join(p.output() for p in schedulers if p is not None)
            raise AssertionError(f"no reminder for {link} within {timeout} s:\n{outputs}")
        time.sleep(0.05)
    return time.monotonic() - start


def _lock_holder(url: str) -> str | None:
    """Name who holds the scheduler lock: the lease's holder, or PostgreSQL's backend pid."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                return conn.execute(
                    text("SELECT holder FROM scheduler_leases WHERE name = 'scheduler'")
                ).scalar()
            pid = conn.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND objid = 7262614 AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            ).scalar()
            return None if pid is None else f"backend {pid}"
    finally:
        engine.dispose()


def _holder_of(url: str, pid: int) -> bool:
    """Tell whether process pid holds the scheduler lock (SQLite names its holder)."""
    holder = _lock_holder(url)
    if url.startswith("sqlite"):
        return holder == f"{socket.gethostname()}:{pid}"
    return holder is not None


def test_a_second_scheduler_takes_over_from_a_killed_one_without_repeating_work(
    database: str, tmp_path: Path
) -> None:
    app = build_app(database, tmp_path)
    world = World(app)
    overdue = {"opens": timedelta(days=-40), "closes": timedelta(days=-30)}
    links = [f"/questions/{world.question(**overdue).id}"]

    # Two schedulers start together; whichever takes the lock first does the work.
    pair = [SchedulerProcess(database, lease=LEASE, period=PERIOD) for _ in range(2)]
    try:
        _wait_for_reminder(database, links[0], 30, *pair)
        deadline = time.monotonic() + 10
        while not any(p.runs("remind_overdue") for p in pair):
            assert time.monotonic() < deadline, "\n---\n".join(p.output() for p in pair)
            time.sleep(0.02)
        first, second = pair if pair[0].runs("remind_overdue") else pair[::-1]
        holder = _lock_holder(database)
        assert _holder_of(database, first.pid)

        # While the first lives, the second only waits, however often it asks.
        second.wait_for_line("scheduler running")
        links.append(f"/questions/{world.question(**overdue).id}")
        _wait_for_reminder(database, links[1], 10, *pair)
        time.sleep(LEASE + 2 * PERIOD)  # longer than a lease: the first keeps renewing it
        assert _lock_holder(database) == holder
        assert second.runs() == [], second.output()

        first.kill()  # it dies holding the lock, perhaps in the middle of a job
        links.append(f"/questions/{world.question(**overdue).id}")
        takeover = _wait_for_reminder(database, links[2], LEASE + 15, second)
        assert takeover < LEASE + 10
        # The job's line follows its commit: the reminder can be read before the line is.
        second.wait_for_line("RUN remind_overdue")
        assert _lock_holder(database) not in (None, holder)
        assert _holder_of(database, second.pid)
        time.sleep(2 * PERIOD)
    finally:
        for process in pair:
            process.kill()
        from forecast.infra.db import get_engine

        get_engine(app).dispose()

    # Each overdue question was reminded once (one organizer), by whichever process held the
    # lock: the runs of both processes together reminded exactly the three questions.
    assert _reminders(database) == dict.fromkeys(links, 1)
    assert sum(first.runs("remind_overdue")) + sum(second.runs("remind_overdue")) == 3
    errors = [
        line for line in first.lines + second.lines if "Traceback" in line or "Warning" in line
    ]
    assert errors == [], first.output() + "\n---\n" + second.output()
    if database.startswith("sqlite"):
        _sqlite_checks(database)


def test_a_stopped_scheduler_gives_its_lock_up_and_a_new_one_starts_at_once(
    database: str, tmp_path: Path
) -> None:
    # A long lease: a restart that had to wait for it would miss the deadline below.
    long_lease = 120.0
    app = build_app(database, tmp_path)
    world = World(app)
    overdue = {"opens": timedelta(days=-40), "closes": timedelta(days=-30)}
    first = SchedulerProcess(database, lease=long_lease, period=PERIOD)
    second: SchedulerProcess | None = None
    try:
        _wait_for_reminder(database, f"/questions/{world.question(**overdue).id}", 30, first)
        assert _holder_of(database, first.pid)
        first.kill(signal.SIGTERM)  # what systemd sends on stop or restart
        assert first.process.returncode == 0, first.output()
        assert any("lock released" in line for line in first.lines), first.output()
        assert _lock_holder(database) is None
        second = SchedulerProcess(database, lease=long_lease, period=PERIOD)
        link = f"/questions/{world.question(**overdue).id}"
        assert _wait_for_reminder(database, link, 20, second) < 20
        assert _holder_of(database, second.pid)
    finally:
        for process in (first, second):
            if process is not None:
                process.kill()
        from forecast.infra.db import get_engine

        get_engine(app).dispose()
