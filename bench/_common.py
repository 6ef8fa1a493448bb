"""Helpers shared by the benchmarks: timing, servers, load generation, printing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)


def median_time(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Run fn repeat times; return the median wall time and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def server_env(url: str) -> dict[str, str]:
    """Return the environment of a production-like server on the database at url."""
    return {
        "FORECAST_DATABASE_URL": url,
        "FORECAST_SCHEDULER_ENABLED": "false",
        "FORECAST_SECRET_KEY": "bench-secret",
        "FORECAST_ENV": "production",
    }


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    url: str, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll url until it answers 200 (giving up early when the serving process has exited)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def start_gunicorn(
    env: dict[str, str], *, workers: int = 2, threads: int = 1, output: IO[bytes] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn in a process group of its own on a loopback port; return it and its URL.

    Returns once the health check answers. The caller stops it with stop_gunicorn(). Its
    output (both streams) goes to output when given, else where this process writes its own.
    """
    port = free_port()
    args = [
        os.path.join(BIN, "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    if threads > 1:
        args += ["-k", "gthread", "--threads", str(threads)]
    process = subprocess.Popen(
        [*args, "forecast.wsgi:app"],
        env={**os.environ, **env},
        cwd=ROOT,
        start_new_session=True,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/v1/health", process=process)
    except BaseException:
        stop_gunicorn(process, signal.SIGKILL)
        raise
    return process, base


def stop_gunicorn(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Send sig to gunicorn's whole process group (master and workers) and reap the master."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)
    if sig != signal.SIGKILL:
        return
    # Workers orphaned by a killed master die with the group; wait until none is left.
    deadline = time.monotonic() + 10
    while group_alive(process.pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"process group {process.pid} outlived SIGKILL")
        time.sleep(0.05)


def group_alive(pgid: int) -> bool:
    """Tell whether a process of the group still runs (zombies awaiting a reaper do not count)."""
    if not os.path.isdir("/proc"):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Serve the app with gunicorn on a loopback port; yield its base URL."""
    process, base = start_gunicorn(env, workers=workers, threads=threads)
    try:
        yield base
    finally:
        stop_gunicorn(process)


def prepare_open_questions(url: str, *, questions: int, users: int) -> tuple[list[int], list[str]]:
    """Migrate url and fill it with open binary questions and forecasters holding API tokens.

    Returns the question ids and one token per user (users are named bench0000, bench0001...).
    """
    from alembic import command
    from sqlalchemy import select

    from forecast.app import create_app
    from forecast.infra.clock import format_iso
    from forecast.infra.db import get_engine, session_scope
    from forecast.infra.migrate import alembic_config
    from forecast.models import Question, User
    from forecast.services.accounts.tokens import create_token
    from forecast.services.interchange.importer import import_document

    command.upgrade(alembic_config(url), "head")
    now = datetime.now(UTC)
    document = {
        "format": "forecast-interchange/1",
        "users": [{"username": f"bench{i:04d}", "role": "forecaster"} for i in range(users)],
        "tournaments": [{"slug": "bench", "title": "Benchmark", "description": ""}],
        "questions": [
            {
                "key": f"bench-{i:05d}",
                "tournament": "bench",
                "type": "binary",
                "title": f"Benchmark question {i}?",
                "description": "",
                "resolution_criteria": "n/a",
                "open_time": format_iso(now - timedelta(days=1)),
                "close_time": format_iso(now + timedelta(days=30)),
                "resolve_time": format_iso(now + timedelta(days=31)),
                "range": None,
            }
            for i in range(questions)
        ],
    }
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False})
    with app.app_context(), session_scope() as session:
        import_document(session=session, document=document)
        ids = list(session.exec(select(Question.id)).scalars())  # type: ignore[call-overload]
        rows = list(session.exec(select(User).order_by(User.username)).scalars())  # type: ignore[call-overload]
        tokens = [create_token(session=session, user=u, label="bench") for u in rows]
    get_engine(app).dispose()
    return ids, tokens


@dataclass
class LoadResult:
    """What wrk measured for one run."""

    requests: int
    ok: int
    non_2xx: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


_COUNTING_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; bad = 0 end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_bad = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok"); total_bad = total_bad + t:get("bad")
  end
  io.write(string.format("RESULT ok=%d bad=%d requests=%d errors=%d p50=%.3f p99=%.3f\\n",
    total_ok, total_bad, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(
    url: str, *, lua_request: str = "", connections: int = 32, seconds: int = 10, threads: int = 2
) -> LoadResult:
    """Drive url with wrk; lua_request may define request() (it is merged with the counters)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_request + "\n" + _COUNTING_LUA)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    match = re.search(
        r"RESULT ok=(\d+) bad=(\d+) requests=(\d+) errors=(\d+) "
        r"p50=([\d.]+) p99=([\d.]+)",
        out,
    )
    if not match:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    ok, bad, requests, errors = (int(match.group(i)) for i in range(1, 5))
    return LoadResult(
        requests=requests,
        ok=ok,
        non_2xx=bad,
        errors=errors,
        rps=requests / seconds,
        p50_ms=float(match.group(5)),
        p99_ms=float(match.group(6)),
    )


def row(label: str, value: str) -> None:
    """Print one aligned figure."""
    print(f"  {label:<44} {value}")
