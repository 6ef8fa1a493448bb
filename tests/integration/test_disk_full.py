"""A disk that fills under a running server: 503 not 500, reads go on, all recovers with room.

Workload: a SQLite database on a `DISK_MB` MB tmpfs mounted for the test (root only: skipped,
with the reason, where mounting is not permitted), 5 open binary questions, 8 forecasters with
API tokens, gunicorn with one gthread worker of 4 threads on 127.0.0.1 (one worker, so that its
checkpoint thread is the only one), and 4 client threads submitting forecasts.

1. `WARM` forecasts while there is room: all 201.
2. A file fills the disk to its last byte. Batches of `BATCH` forecasts follow until some are
   refused and the checkpoint thread has failed (the database file cannot grow to take the
   WAL's new pages), at most `MAX_BATCHES`; every answer is 201 or 503, never 500, a refusal
   is in the JSON error shape with Retry-After, and after each batch the API and the HTML
   question page, the question list, still answer 200.
3. The file is removed. `AFTER` forecasts are all accepted: too few for SQLite's own
   checkpoint (`BACKSTOP_PAGES`) to run, so when the WAL is then copied back while nothing is
   written, that is the checkpoint thread's work: it recovered. One more write starts the WAL
   over (it shrinks to that write's frames).
4. Every acknowledged forecast is in the database, and nothing refused is.

    pytest -m slow -p no:cacheprovider tests/integration/test_disk_full.py
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import struct
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench._common import prepare_open_questions, server_env, start_gunicorn, stop_gunicorn
from forecast.infra.sqlite.checkpoints import BACKSTOP_PAGES
from forecast.infra.storage_full import RETRY_AFTER_S
from tests.integration.live_server import (
    LoadDriver,
    LoadReport,
    acked_rows_problems,
    print_figures,
    statuses,
    stored_forecasts,
)

DISK_MB = 48
QUESTIONS = 5
USERS = 8
THREADS = 4
WARM = 300  # forecasts before the disk fills
BATCH = 50  # forecasts per batch while it is full
MAX_BATCHES = 60
AFTER = 150  # forecasts once there is room again
WAIT_S = 60.0  # the longest the thread may take to fail, or to start the WAL over


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """Mount a DISK_MB MB tmpfs for the test; skip where that is not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root and mount(8)")
    options = f"size={DISK_MB}m,mode=0700"
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "forecast-full", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        # Lazily: this process may still hold the writer lock file it wrote through.
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def _fill(path: Path) -> int:
    """Write path until its filesystem has not a byte left; return the bytes written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    written = 0
    try:
        for size in (1 << 20, 4096, 1):
            block = b"\0" * size
            while True:
                try:
                    written += os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return written


def _wal_index(database: Path) -> tuple[int, int]:
    """Return the WAL's frames since it last started over, and how many are copied back.

    Read from the shared-memory index that SQLite keeps beside the WAL: mxFrame in the first
    copy of its header, nBackfill in the checkpoint information after both copies.
    """
    with open(f"{database}-shm", "rb") as shm:
        head = shm.read(100)
    frames = struct.unpack_from("=I", head, 16)[0]
    copied = struct.unpack_from("=I", head, 96)[0]
    return int(frames), int(copied)


def _copied_back(database: Path) -> bool:
    """Wait, writing nothing, until the WAL is all copied back (False: it never was)."""
    deadline = time.monotonic() + WAIT_S
    while (index := _wal_index(database))[0] != index[1]:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _status(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _reads(base: str, token: str, question_id: int) -> list[int]:
    """Read a question through the API, as a page, and in the list; return the statuses."""
    paths = [f"/api/v1/questions/{question_id}", "/api/v1/questions", f"/questions/{question_id}"]
    bearer = {"Authorization": f"Bearer {token}"}
    return [_status(urllib.request.Request(base + p, headers=bearer))[0] for p in paths]


def _refusal(base: str, token: str, question_id: int) -> tuple[int, dict[str, str], Any]:
    """Submit one forecast; return the status, headers and JSON body of the answer."""
    request = urllib.request.Request(
        f"{base}/api/v1/questions/{question_id}/forecasts",
        data=json.dumps({"probability": 0.5}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    status, headers, body = _status(request)
    return status, headers, json.loads(body)


class Run:
    """The server, its load and everything the clients saw."""

    def __init__(self, database: Path, log: Path) -> None:
        self.database = database
        self.url = f"sqlite:///{database}"
        self.question_ids, self.tokens = prepare_open_questions(
            self.url, questions=QUESTIONS, users=USERS
        )
        self.log = log
        self.output = open(log, "wb")  # noqa: SIM115  (closed in stop)
        self.process, self.base = start_gunicorn(
            server_env(self.url), workers=1, threads=THREADS, output=self.output
        )
        self.reports: list[LoadReport] = []
        self.seed = 0

    def submit(self, count: int) -> LoadReport:
        self.seed += 1
        driver = LoadDriver(
            self.base,
            self.tokens,
            self.question_ids,
            requests=count,
            threads=THREADS,
            withdraw_share=0.0,
            seed=self.seed,
        )
        report = driver.start().join(timeout=300)
        self.reports.append(report)
        return report

    def logged(self, text: str) -> int:
        return self.log.read_text(errors="replace").count(text)

    def stop(self) -> None:
        stop_gunicorn(self.process, signal.SIGTERM)
        self.output.close()

    def everything(self) -> LoadReport:
        merged = LoadReport()
        for report in self.reports:
            merged.acks += report.acks
            merged.statuses += report.statuses
            merged.transport_errors += report.transport_errors
        return merged


@pytest.mark.slow
def test_a_full_disk_refuses_writes_with_503_keeps_reads_and_recovers_with_room(
    small_disk: Path, sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = small_disk / "forecast.db"
    shutil.copy(sqlite_template, database)
    run = Run(database, tmp_path / "server.log")
    try:
        warm = run.submit(WARM)
        assert warm.statuses == {("submit", 201): WARM}, warm.statuses

        filler = small_disk / "filler"
        filled = _fill(filler)
        reads: list[int] = []
        batches = 0
        while batches < MAX_BATCHES and not (
            run.everything().statuses[("submit", 503)] and run.logged("checkpoint of")
        ):
            batches += 1
            run.submit(BATCH)
            reads += _reads(run.base, run.tokens[0], run.question_ids[0])
        full = run.everything()
        status, headers, body = _refusal(run.base, run.tokens[0], run.question_ids[0])
        checkpoint_failures = run.logged("checkpoint of")

        filler.unlink()
        frames_at_room = _wal_index(database)
        after = run.submit(AFTER)
        frames_after = _wal_index(database)
        copied = _copied_back(database)  # only the checkpoint thread copies: nothing is written
        run.submit(1)  # the first write after a complete checkpoint starts the WAL over
        frames_end = _wal_index(database)
        wal_bytes = Path(f"{database}-wal").stat().st_size
    finally:
        run.stop()
    everything = run.everything()
    rows = stored_forecasts(run.url)
    problems = acked_rows_problems(rows, everything)
    with capsys.disabled():
        print_figures(
            f"disk full: SQLite on a {DISK_MB} MB tmpfs, gunicorn 1 worker x {THREADS} threads",
            {
                "bytes written to fill the disk": f"{filled:,}",
                "batches of forecasts while full": batches,
                "answers while full": statuses(full),
                "reads while full (API, list, page)": _counted(reads),
                "one refusal: status, Retry-After, code": (
                    f"{status}, {headers.get('Retry-After')}, {body.get('error', {}).get('code')}"
                ),
                "checkpoint failures logged": checkpoint_failures,
                "checkpoints resumed (logged)": run.logged("resumed after"),
                "WAL frames (copied back) when room returned": _frames(frames_at_room),
                "answers once there was room": statuses(after),
                "WAL frames (copied back) after them": _frames(frames_after),
                "WAL all copied back by the checkpoint thread": copied,
                "WAL frames after one more write": _frames(frames_end),
                "WAL file bytes at the end": f"{wal_bytes:,}",
                "acknowledged forecasts / rows stored": f"{len(everything.submits)} / {len(rows)}",
                "acknowledged writes lost or altered": len(problems),
            },
        )
    assert set(full.statuses) == {("submit", 201), ("submit", 503)}, full.statuses
    assert set(reads) == {200}, reads
    assert (status, headers.get("Retry-After")) == (503, str(RETRY_AFTER_S))
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert checkpoint_failures > 0, "the disk never stopped the checkpoint thread"
    assert after.statuses == {("submit", 201): AFTER}, after.statuses
    assert copied, "no checkpoint copied the WAL back once there was room"
    assert frames_end[0] < frames_after[0], "the WAL did not start over"
    assert max(frames_at_room[0], frames_after[0]) < BACKSTOP_PAGES, "SQLite's own checkpoint ran"
    assert run.logged("resumed after") > 0
    assert not everything.transport_errors, everything.transport_errors[:5]
    assert problems == []
    assert len(rows) == len(everything.submits), "a refused forecast left a row"


def _frames(index: tuple[int, int]) -> str:
    return f"{index[0]:,} ({index[1]:,})"


def _counted(values: list[int]) -> str:
    return ", ".join(f"{v}: {values.count(v)}" for v in sorted(set(values)))
