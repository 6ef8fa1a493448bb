"""kill -9 under load, again and again: no acknowledged forecast is ever lost.

Workload: 5 open binary questions, 8 forecasters with API tokens, gunicorn with 2 gthread
workers of 4 threads on 127.0.0.1, and 16 client threads submitting (85%) and withdrawing
(15%) forecasts as fast as they are answered. First one worker after the other is killed
with SIGKILL, `ROUNDS` times, each after `ACKS_BETWEEN` more acknowledged answers, while the
master starts new ones; then the whole process group is killed `ROUNDS` times, each after
`ACKS_BETWEEN` answers, and started again; a last run checks that it serves. Every
acknowledged (2xx) answer must then be in the database as it was reported. The figures are
printed. SQLite always, PostgreSQL too when FORECAST_TEST_POSTGRES_URL is set:

    pytest -m slow -p no:cacheprovider tests/integration/test_kill_rounds.py
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from bench._common import prepare_open_questions, server_env, start_gunicorn, stop_gunicorn
from tests.integration.live_server import (
    LoadDriver,
    LoadReport,
    acked_rows_problems,
    chain_problems,
    gap_rows,
    print_figures,
    statuses,
    stored_forecasts,
    withdrawn,
    worker_pids,
)

THREADS = 16
USERS = 8
QUESTIONS = 5
WORKERS = 2
ROUNDS = 3  # kills of each kind
ACKS_BETWEEN = 150  # acknowledged answers before each kill
REQUEST_CAP = 50_000  # no load sends more than this, whatever happens
RESPAWN_S = 60.0  # the longest a new worker may take to come up


@dataclass
class Workload:
    """The database, the forecasters' tokens and the questions they forecast on."""

    url: str
    tokens: list[str]
    question_ids: list[int]

    def driver(self, base: str, seed: int) -> LoadDriver:
        return LoadDriver(
            base, self.tokens, self.question_ids, requests=REQUEST_CAP, threads=THREADS, seed=seed
        )


@contextmanager
def _running(driver: LoadDriver) -> Iterator[LoadDriver]:
    """Run the load for the block's length; then stop it and wait for its threads."""
    driver.start()
    try:
        yield driver
    finally:
        driver.stopping.set()
        driver.join(timeout=120)


def _replaced(master: int, victim: int | None = None) -> None:
    """Wait until the master runs its full count of workers (none of them victim)."""
    deadline = time.monotonic() + RESPAWN_S
    while victim in (pids := worker_pids(master)) or len(pids) < WORKERS:
        assert time.monotonic() < deadline, f"gunicorn {master} still has workers {pids}"
        time.sleep(0.05)


def _kill_workers(work: Workload, kills: Counter[str]) -> LoadReport:
    process, base = start_gunicorn(server_env(work.url), workers=WORKERS, threads=4)
    try:
        with _running(work.driver(base, seed=1)) as driver:
            for round_ in range(ROUNDS):
                driver.wait_for_acks(driver.acknowledged() + ACKS_BETWEEN)
                _replaced(process.pid)
                victim = worker_pids(process.pid)[round_ % WORKERS]
                os.kill(victim, signal.SIGKILL)
                kills["worker"] += 1
                _replaced(process.pid, victim)
            driver.wait_for_acks(driver.acknowledged() + ACKS_BETWEEN)  # served again
    finally:
        stop_gunicorn(process, signal.SIGKILL)
    return driver.report


def _kill_groups(work: Workload, kills: Counter[str]) -> list[LoadReport]:
    reports = []
    for round_ in range(ROUNDS):
        process, base = start_gunicorn(server_env(work.url), workers=WORKERS, threads=4)
        try:
            with _running(work.driver(base, seed=10 + round_)) as driver:
                driver.wait_for_acks(ACKS_BETWEEN)
                os.killpg(process.pid, signal.SIGKILL)  # master and workers, mid-request
                driver.stopping.set()  # only requests in flight are cut, none are refused
                kills["group"] += 1
        finally:
            stop_gunicorn(process, signal.SIGKILL)
        reports.append(driver.report)
    return reports


def _last_run(work: Workload) -> LoadReport:
    process, base = start_gunicorn(server_env(work.url), workers=WORKERS, threads=4)
    try:
        with _running(work.driver(base, seed=99)) as driver:
            driver.wait_for_acks(ACKS_BETWEEN)
    finally:
        stop_gunicorn(process, signal.SIGKILL)
    return driver.report


def _merged(reports: list[LoadReport]) -> LoadReport:
    merged = LoadReport()
    for report in reports:
        merged.acks += report.acks
        merged.statuses += report.statuses
        merged.server_errors += report.server_errors
        merged.transport_errors += report.transport_errors
    return merged


def _sqlite_integrity(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return ", ".join(conn.execute(text("PRAGMA integrity_check")).scalars())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_repeated_kill_9_of_workers_and_of_the_server_loses_no_acknowledged_forecast(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    question_ids, tokens = prepare_open_questions(database, questions=QUESTIONS, users=USERS)
    work = Workload(database, tokens, question_ids)
    kills: Counter[str] = Counter()
    report = _merged([_kill_workers(work, kills), *_kill_groups(work, kills), _last_run(work)])

    rows = stored_forecasts(database)
    problems = acked_rows_problems(rows, report)
    unacked = {r.id for r in rows} - {a.forecast_id for a in report.submits}
    # A withdrawal whose answer was cut off leaves a gap that no acknowledgement explains.
    gaps = gap_rows(rows) - withdrawn(report.acks)
    integrity = _sqlite_integrity(database) if database.startswith("sqlite") else "n/a"
    with capsys.disabled():
        print_figures(
            f"kill -9 rounds on {database.split(':')[0].split('+')[0]}",
            {
                "kills: worker / whole server": f"{kills['worker']} / {kills['group']}",
                "answers by status": statuses(report),
                "acknowledged submissions / withdrawals": (
                    f"{len(report.submits)} / {len(report.withdrawals)}"
                ),
                "requests cut off by a kill": len(report.transport_errors),
                "rows written but never acknowledged": len(unacked),
                "withdrawals done but never acknowledged": len(gaps),
                "acknowledged writes lost or altered": len(problems),
                "SQLite integrity_check": integrity,
                "seconds": round(time.monotonic() - started, 1),
            },
        )
    assert problems == []
    assert not report.server_errors, report.server_errors[:5]
    assert integrity in ("ok", "n/a")
    # Only requests in flight at a kill (one per client thread) may have done what nobody heard.
    assert len(unacked) + len(gaps) <= THREADS * sum(kills.values())
    assert chain_problems(rows, withdrawn(report.acks) | gaps) == []
    assert kills == {"worker": ROUNDS, "group": ROUNDS}
