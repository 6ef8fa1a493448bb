"""Real processes for reliability tests: gunicorn, a load of forecasts, scheduler processes.

The server helpers come from bench/_common.py. Run as a module, this file starts the
`forecast scheduler` command with a short lease and short job periods, and prints one line
per job run that held the lock (`python -m tests.integration.live_server LEASE PERIOD`).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import bench._common as bench
from bench._common import BIN, ROOT, server_env
from forecast.infra.clock import format_iso

# --- load ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    """A request the server acknowledged with a 2xx, and the forecast it reported."""

    kind: str  # "submit" or "withdraw"
    forecast_id: int
    user: str
    question_id: int
    probability: float
    start: str
    end: str | None


@dataclass
class LoadReport:
    """Everything the clients saw."""

    acks: list[Ack] = field(default_factory=list)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)

    @property
    def submits(self) -> list[Ack]:
        return [a for a in self.acks if a.kind == "submit"]

    @property
    def withdrawals(self) -> list[Ack]:
        return [a for a in self.acks if a.kind == "withdraw"]


class _Client:
    """One keep-alive HTTP connection speaking JSON."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        assert parts.hostname is not None and parts.port is not None
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def call(self, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except BaseException:
            self.connection.close()  # the next request opens a fresh connection
            raise
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, data.decode(errors="replace")

    def close(self) -> None:
        self.connection.close()


class LoadDriver:
    """Threads that submit, update and withdraw forecasts as fast as the server answers.

    Every thread draws (user, question) pairs from the same small set, so one user's updates
    on a question race each other within and across workers. Only 2xx answers are recorded
    as acknowledged; a request whose answer never came is neither acknowledged nor refused.
    """

    def __init__(
        self,
        base: str,
        tokens: list[str],
        question_ids: list[int],
        *,
        requests: int,
        threads: int = 16,
        withdraw_share: float = 0.15,
        seed: int = 1,
    ) -> None:
        self.base = base
        self.tokens = tokens
        self.question_ids = question_ids
        self.requests = requests
        self.withdraw_share = withdraw_share
        self.report = LoadReport()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._issued = 0
        self._threads = [
            threading.Thread(target=self._work, args=(seed * 1000 + i,), daemon=True)
            for i in range(threads)
        ]

    def start(self) -> LoadDriver:
        for thread in self._threads:
            thread.start()
        return self

    def acknowledged(self) -> int:
        with self._lock:
            return len(self.report.acks)

    def wait_for_acks(self, count: int, timeout: float = 60.0) -> None:
        """Block until count requests were acknowledged (or every thread has finished)."""
        deadline = time.monotonic() + timeout
        while self.acknowledged() < count and any(t.is_alive() for t in self._threads):
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.acknowledged()} of {count} acknowledged")
            time.sleep(0.01)

    def join(self, timeout: float = 300.0) -> LoadReport:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                raise TimeoutError("a load thread did not finish")
        return self.report

    def _next(self) -> bool:
        with self._lock:
            if self._issued >= self.requests or self.stopping.is_set():
                return False
            self._issued += 1
            return True

    def _work(self, seed: int) -> None:
        rng = random.Random(seed)
        client = _Client(self.base)
        try:
            while self._next():
                token = rng.choice(self.tokens)
                question_id = rng.choice(self.question_ids)
                path = f"/api/v1/questions/{question_id}/forecasts"
                if rng.random() < self.withdraw_share:
                    kind, method, body = "withdraw", "DELETE", None
                else:
                    probability = round(rng.uniform(0.01, 0.99), 4)
                    kind, method = "submit", "POST"
                    body = {"probability": probability, "rationale": f"load {seed}"}
                try:
                    status, answer = client.call(method, path, token, body)
                except (OSError, http.client.HTTPException) as exc:
                    with self._lock:
                        self.report.transport_errors.append(f"{method} {path}: {exc!r}")
                    if self.stopping.is_set():
                        return
                    continue
                self._record(kind, question_id, status, answer)
        finally:
            client.close()

    def _record(self, kind: str, question_id: int, status: int, answer: Any) -> None:
        with self._lock:
            self.report.statuses[(kind, status)] += 1
            if status >= 500:
                self.report.server_errors.append(f"{kind} {status}: {answer!r}"[:500])
            if 200 <= status < 300:
                self.report.acks.append(
                    Ack(
                        kind=kind,
                        forecast_id=int(answer["id"]),
                        user=str(answer["user"]),
                        question_id=question_id,
                        probability=float(answer["probability"]),
                        start=str(answer["time"]),
                        end=answer["end_time"],
                    )
                )


def worker_pids(master: int) -> list[int]:
    """Return the live child processes of gunicorn's master: its workers."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == master and fields[0] not in ("Z", "X"):
            pids.append(int(entry))
    return sorted(pids)


# --- what the database holds --------------------------------------------------------------


@dataclass(frozen=True)
class StoredForecast:
    """One forecast row, with its owner's name."""

    id: int
    question_id: int
    user: str
    start: datetime
    end: datetime | None
    probability: float | None


def stored_forecasts(url: str) -> list[StoredForecast]:
    """Read every forecast row of the database at url, oldest first."""
    from sqlalchemy import select

    from forecast.infra.db import make_engine
    from forecast.models import Forecast, User

    forecasts = Forecast.__table__  # type: ignore[attr-defined]
    users = User.__table__  # type: ignore[attr-defined]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    forecasts.c.id,
                    forecasts.c.question_id,
                    users.c.username,
                    forecasts.c.start_time,
                    forecasts.c.end_time,
                    forecasts.c.probability,
                )
                .join(users, users.c.id == forecasts.c.user_id)
                .order_by(forecasts.c.start_time, forecasts.c.id)
            ).all()
    finally:
        engine.dispose()
    return [StoredForecast(*row) for row in rows]


def chain_problems(rows: Iterable[StoredForecast], gaps_allowed: set[int]) -> list[str]:
    """Check every user's forecasts on a question form one chain; describe each break.

    Rows are ordered by start; each row but the last is closed exactly when the next one
    starts, unless its id is in gaps_allowed (a withdrawal), when it may close earlier. Only
    the last row may stand open, so no user ever has two standing forecasts on one question.
    """
    chains: dict[tuple[int, str], list[StoredForecast]] = defaultdict(list)
    for row in rows:
        chains[(row.question_id, row.user)].append(row)
    problems: list[str] = []
    for (question_id, user), chain in chains.items():
        chain.sort(key=lambda r: (r.start, r.id))
        standing = [r.id for r in chain if r.end is None]
        if len(standing) > 1:
            problems.append(f"{user} stands on question {question_id} with rows {standing}")
        for row, after in itertools.pairwise(chain):
            if row.end is None:
                problems.append(f"row {row.id} is open though row {after.id} follows it")
            elif not row.start < row.end <= after.start:
                problems.append(
                    f"row {row.id} spans {row.start}..{row.end}; "
                    f"row {after.id} starts {after.start}"
                )
            elif row.end != after.start and row.id not in gaps_allowed:
                problems.append(f"row {row.id} ends at {row.end}, not at row {after.id}'s start")
        last = chain[-1]
        if last.end is not None and last.id not in gaps_allowed:
            problems.append(f"row {last.id} was closed though nothing replaced or withdrew it")
    return problems


def gap_rows(rows: Iterable[StoredForecast]) -> set[int]:
    """Return the ids of rows that ended without the next row starting then (withdrawals)."""
    chains: dict[tuple[int, str], list[StoredForecast]] = defaultdict(list)
    for row in rows:
        chains[(row.question_id, row.user)].append(row)
    gaps = set()
    for chain in chains.values():
        chain.sort(key=lambda r: (r.start, r.id))
        for row, after in zip(chain, [*chain[1:], None], strict=True):
            if row.end is not None and (after is None or row.end != after.start):
                gaps.add(row.id)
    return gaps


def acked_rows_problems(rows: list[StoredForecast], report: LoadReport) -> list[str]:
    """Compare every acknowledged answer with the row it names."""
    by_id = {r.id: r for r in rows}
    problems = []
    submitted = [a.forecast_id for a in report.submits]
    if len(set(submitted)) != len(submitted):
        problems.append("two acknowledged submissions reported the same forecast id")
    for ack in report.acks:
        row = by_id.get(ack.forecast_id)
        if row is None:
            problems.append(f"acknowledged {ack.kind} of forecast {ack.forecast_id} has no row")
            continue
        stored = (row.user, row.question_id, row.probability, format_iso(row.start))
        if stored != (ack.user, ack.question_id, ack.probability, ack.start):
            problems.append(f"row {row.id} is {stored}, the answer said {ack}")
        if ack.kind == "withdraw" and (row.end is None or format_iso(row.end) != ack.end):
            problems.append(f"withdrawn row {row.id} ends at {row.end}, the answer said {ack.end}")
    return problems


def withdrawn(acks: list[Ack]) -> set[int]:
    """Return the ids of the forecasts whose withdrawal was acknowledged."""
    return {a.forecast_id for a in acks if a.kind == "withdraw"}


def statuses(report: LoadReport) -> str:
    """Return the answers a load got, counted by kind and status ("submit 201: 830, ...")."""
    counted = sorted(report.statuses.items())
    return ", ".join(f"{kind} {status}: {n}" for (kind, status), n in counted)


def print_figures(title: str, figures: dict[str, object]) -> None:
    """Print a run's figures under its title, one aligned line each."""
    print(f"\n{title}")
    for label, value in figures.items():
        bench.row(label, str(value))


# --- scheduler processes ------------------------------------------------------------------


class SchedulerProcess:
    """A `forecast scheduler` process (short lease and periods) whose output is collected."""

    def __init__(self, url: str, *, lease: float, period: float) -> None:
        env = {**os.environ, **server_env(url), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [
                os.path.join(BIN, "python"),
                "-m",
                "tests.integration.live_server",
                str(lease),
                str(period),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def runs(self, job: str | None = None) -> list[Any]:
        """Return the results of the job runs this process made while holding the lock."""
        results = []
        for line in list(self.lines):
            if line.startswith("RUN "):
                _, job_id, result = line.split(" ", 2)
                if job is None or job_id == job:
                    results.append(json.loads(result))
        return results

    def wait_for_line(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in list(self.lines)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} from the scheduler:\n" + self.output())
            time.sleep(0.02)

    def output(self) -> str:
        return "\n".join(self.lines)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send sig to the process group and reap it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


_OUTPUT = threading.Lock()


def _traced(job_id: str, func: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        result = func()
        with _OUTPUT:  # jobs run in several threads: one whole line at a time
            sys.stdout.write(f"RUN {job_id} {json.dumps(result)}\n")
            sys.stdout.flush()
        return result

    return run


def _run_scheduler(lease: float, period: float) -> None:
    """Run `forecast scheduler` with a short lease, every job every period seconds, traced."""
    from forecast import cli, jobs
    from forecast.infra import scheduler_lock

    scheduler_lock.LEASE = timedelta(seconds=lease)
    seconds: Any = period  # APScheduler takes fractions of a second too
    jobs.JOBS = tuple(
        jobs.JobSpec(spec.id, _traced(spec.id, spec.func), seconds=seconds, misfire_grace=60)
        for spec in jobs.JOBS
    )
    cli.main(["scheduler"])


if __name__ == "__main__":
    _run_scheduler(float(sys.argv[1]), float(sys.argv[2]))
