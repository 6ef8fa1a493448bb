"""forecast bench load: a mixed workload of reads, submissions and reports under gunicorn.

Workload: a fresh database holding a tournament of 200 open questions (binary, numeric, date),
300 forecasters with API tokens and 6,000 existing forecasts, and 40 committed decision
boundaries owned by one leader; gunicorn (2 sync workers) on a loopback port; wrk with 64
connections for 60 s sending, per mille: 150 question list pages, 250 question pages, 150 GET
/api/v1/questions/{id}, 150 GET /api/v1/questions/{id}/aggregate, 100 track record pages
(80% reads), 150 forecast submissions with bearer tokens (15%: probabilities, or quantiles for
numeric and date questions), 25 JSON and 25 HTML threshold reports as the leader (5%).

Load generator: wrk runs bench/load.lua with one thread per connection, so each thread's
request() and response() alternate and the LuaJIT FFI's monotonic clock times every request by
kind. In the last tenth of the run (at least 1 s) no forecast is submitted (API question reads
take their place), so no submission is in flight when wrk stops and the new forecast rows must
equal the 2xx submissions exactly.
Prints the figures for SQLite, then for PostgreSQL when a URL is given.
Usage: forecast bench load [--duration S] [--connections C] [--workers W] [--threads T]
                           [--postgres URL]
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import gunicorn, row, server_env
from report import boundary_data
from submit import stored_rows

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "load.lua")
LEADER = "bench-leader"
LEADER_PASSWORD = "bench-pass-1"
USER_AGENT = "forecast-bench-load"
PAGE_SIZE = 25  # questions per list page (forecast/web/questions.py)
STRICT_KINDS = ("submit", "report_html")  # only 2xx counts as success
KIND_LABELS = {
    "list_page": "question list page",
    "question_page": "question page",
    "api_question": "GET /api/v1/questions/{id}",
    "api_aggregate": "GET /api/v1/questions/{id}/aggregate",
    "track_record": "track record page",
    "submit": "POST /api/v1/questions/{id}/forecasts",
    "report_json": "GET /api/v1/boundaries/report",
    "report_html": "threshold report page",
}


class Fixture(NamedTuple):
    """What the load generator needs to know about the prepared database."""

    questions: list[tuple[int, str]]
    usernames: list[str]
    tokens: list[str]
    leader_token: str
    boundaries: int
    forecasts: int
    now: float


class KindResult:
    """One kind of request over the run (a plain class: bench modules are loaded unregistered,
    which dataclasses cannot handle)."""

    def __init__(self) -> None:
        self.count = self.ok = self.bad = self.resent = 0
        self.latencies_ms: list[float] = []


class RunResult(NamedTuple):
    """What wrk reported."""

    kinds: dict[str, KindResult]
    requests: int
    seconds: float
    socket_errors: int
    submissions_in_flight: int
    failures: Counter[str]
    generator_cpu_s: float


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL database so each run starts fresh."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, *, questions: int, users: int, forecasts: int, boundaries: int) -> Fixture:
    """Migrate url and fill it: a synthetic tournament, tokens, and a leader's boundaries."""
    from alembic import command
    from sqlmodel import col, select

    from forecast.app import create_app
    from forecast.core.synth import synthesize
    from forecast.infra.db import session_scope
    from forecast.infra.migrate import alembic_config
    from forecast.models import Question, Role, User
    from forecast.services.accounts.tokens import create_token
    from forecast.services.accounts.users import create_user
    from forecast.services.boundaries import lifecycle as boundary_service
    from forecast.services.interchange.importer import import_document

    if not url.startswith("sqlite"):
        reset_postgres(url)
    command.upgrade(alembic_config(url), "head")
    now = datetime.now(UTC)
    document = synthesize(
        n_questions=questions,
        n_forecasts=forecasts,
        n_users=users,
        continuous_share=0.4,
        seed=17,
        now=now,
    )
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "SECRET_KEY": "b"})
    rng = np.random.default_rng(23)
    with app.app_context(), session_scope() as session:
        import_document(session=session, document=document)
        rows = list(session.exec(select(Question).order_by(col(Question.id))))
        forecasters = list(session.exec(select(User).order_by(col(User.id))))
        tokens = [create_token(session=session, user=u, label="bench") for u in forecasters]
        leader = create_user(
            session=session, username=LEADER, password=LEADER_PASSWORD, role=Role.LEADER
        )
        leader_token = create_token(session=session, user=leader, label="bench")
        picks = rng.choice(len(rows), size=min(boundaries, len(rows)), replace=False)
        for i in picks.tolist():
            boundary = boundary_service.create_boundary(
                session=session, actor=leader, data=boundary_data(rng, rows[i])
            )
            boundary_service.commit_boundary(
                session=session,
                actor=leader,
                boundary_id=boundary.id,  # type: ignore[arg-type]
            )
        return Fixture(
            questions=[(int(q.id or 0), str(q.type)) for q in rows],
            usernames=[u.username for u in forecasters],
            tokens=tokens,
            leader_token=leader_token,
            boundaries=len(picks),
            forecasts=len(document["forecasts"]),
            now=now.timestamp(),
        )


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def login_cookie(base: str) -> str:
    """Log the leader in through the form; return the Cookie header the pages accept.

    Sessions are bound to the client's address and User-Agent, so the load generator sends the
    same User-Agent as this login.
    """
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"User-Agent": USER_AGENT}
    conn.request("GET", "/login", headers=headers)
    response = conn.getresponse()
    page = response.read().decode()
    jar = _cookies(response)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if response.status != 200 or match is None:
        raise RuntimeError(f"could not read the login form ({response.status})")
    form = urlencode(
        {"csrf_token": match.group(1), "username": LEADER, "password": LEADER_PASSWORD}
    )
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={
            **headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    jar.update(_cookies(response))
    if response.status != 302:
        raise RuntimeError(f"the leader could not log in ({response.status})")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    conn.request("GET", "/boundaries/report", headers={**headers, "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"the leader's session does not open the report ({response.status})")
    return cookie


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_data(path: str, fixture: Fixture, cookie: str) -> None:
    """Write the Lua data file that load.lua reads in each thread."""
    questions = ",".join(f"{{{qid},{_lua_string(qtype)}}}" for qid, qtype in fixture.questions)
    with open(path, "w") as out:
        out.write("load_data = {\n")
        out.write(f"  now = {fixture.now:.0f},\n")
        out.write(f"  list_pages = {max(1, math.ceil(len(fixture.questions) / PAGE_SIZE))},\n")
        out.write(f"  user_agent = {_lua_string(USER_AGENT)},\n")
        out.write(f"  leader_token = {_lua_string(fixture.leader_token)},\n")
        out.write(f"  leader_cookie = {_lua_string(cookie)},\n")
        out.write(f"  questions = {{{questions}}},\n")
        out.write(f"  users = {{{','.join(_lua_string(u) for u in fixture.usernames)}}},\n")
        out.write(f"  tokens = {{{','.join(_lua_string(t) for t in fixture.tokens)}}},\n")
        out.write("}\n")


def drive(base: str, workdir: str, *, connections: int, seconds: int) -> RunResult:
    """Run wrk with one thread per connection and read its per-kind figures."""
    # Long enough for the slowest submission to come back when 64 connections queue on 2
    # workers; the submissions it replaces are a tenth of the run's.
    drain = max(1, seconds // 10)
    samples_dir = os.path.join(workdir, "samples")
    os.makedirs(samples_dir)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(connections),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            SCRIPT,
            base,
            "--",
            os.path.join(workdir, "data.lua"),
            samples_dir,
            str(seconds),
            str(drain),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    summary = re.search(
        r"SUMMARY requests=(\d+) duration_us=(\d+) connect=(\d+) read=(\d+) write=(\d+) "
        r"timeout=(\d+) status=\d+\nPENDING (\d+)",
        out,
    )
    if summary is None:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    figures = [int(g) for g in summary.groups()]
    kinds = {name: KindResult() for name in KIND_LABELS}
    failures: Counter[str] = Counter()
    for name in os.listdir(samples_dir):
        with open(os.path.join(samples_dir, name)) as lines:
            for line in lines:
                kind_name, status, *elapsed = line.split()
                kind = kinds[kind_name]
                if status == "resent":
                    kind.resent += 1
                    continue
                code = int(status)
                kind.count += 1
                kind.latencies_ms.append(float(elapsed[0]))
                # A redirect is fine for a read, but from the report page it means the
                # leader's session was refused (a trip to the login form).
                if 200 <= code < (300 if kind_name in STRICT_KINDS else 400):
                    kind.ok += 1
                else:
                    kind.bad += 1
                    failures[f"{kind_name}:{code}"] += 1
    return RunResult(
        kinds=kinds,
        requests=figures[0],
        seconds=figures[1] / 1e6,
        socket_errors=sum(figures[2:6]),
        submissions_in_flight=figures[6],
        failures=failures,
        generator_cpu_s=cpu,
    )


def run(
    label: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    workers: int,
    threads: int,
    sizes: dict[str, int],
) -> bool:
    """Prepare the database, serve it, load it, print the figures; True when all is well."""
    t0 = time.perf_counter()
    fixture = prepare(url, **sizes)
    setup_s = time.perf_counter() - t0
    before = stored_rows(url)
    env = server_env(url)
    with (
        tempfile.TemporaryDirectory() as tmp,
        gunicorn(env, workers=workers, threads=threads) as base,
    ):
        write_data(os.path.join(tmp, "data.lua"), fixture, login_cookie(base))
        result = drive(base, tmp, connections=connections, seconds=seconds)
    after = stored_rows(url)

    print(
        f"{label}: gunicorn {workers} workers"
        f"{f' x {threads} threads' if threads > 1 else ' (sync)'}, wrk {connections} connections "
        f"(one per thread), {seconds} s"
    )
    row(
        "data",
        f"{len(fixture.questions)} open questions, {len(fixture.usernames)} forecasters, "
        f"{fixture.forecasts:,} forecasts, {fixture.boundaries} boundaries "
        f"(setup {setup_s:.0f} s)",
    )
    answered = sum(k.count for k in result.kinds.values())
    row("total throughput", f"{answered / result.seconds:,.1f} req/s ({answered:,} responses)")
    print(f"  {'kind':<40} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    errors = 0
    for name, kind in result.kinds.items():
        lat = np.array(kind.latencies_ms) if kind.latencies_ms else np.zeros(1)
        # A resent request is an error only when wrk saw a socket fail; otherwise it was built
        # while its new connection was still connecting and went out once, a little later.
        kind_errors = kind.bad + (kind.resent if result.socket_errors else 0)
        errors += kind_errors
        print(
            f"  {KIND_LABELS.get(name, name):<40} {kind.count:>7,} "
            f"{kind.count / result.seconds:>8.1f} {np.percentile(lat, 50):>8.1f} "
            f"{np.percentile(lat, 99):>8.1f} {kind_errors:>7}"
        )
    row("socket errors (connect/read/write/timeout)", str(result.socket_errors))
    row(
        "load generator CPU (wrk)",
        f"{result.generator_cpu_s:.1f} s ({100 * result.generator_cpu_s / result.seconds:.0f}% "
        "of one core)",
    )
    resent = sum(k.resent for k in result.kinds.values())
    if resent:
        row("requests rebuilt before being sent", str(resent))
    if result.failures:
        row(
            "failed requests (kind:status x count)",
            ", ".join(f"{k} x {n}" for k, n in result.failures.most_common(8)),
        )
    submitted = result.kinds["submit"].ok if "submit" in result.kinds else 0
    added = after - before
    in_flight = result.submissions_in_flight
    if in_flight == 0:
        exact = added == submitted
        verdict = "equal: none lost" if exact else "MISMATCH"
    else:
        # Their answers never reached wrk: each one may or may not have stored a row.
        exact = submitted <= added <= submitted + in_flight
        verdict = f"{in_flight} still in flight when wrk stopped; " + (
            "within bounds" if exact else "MISMATCH"
        )
    row(
        "forecast rows added vs 2xx submissions",
        f"{added:,} vs {submitted:,} ({verdict}; {before:,} -> {after:,} rows)",
    )
    return exact and errors == 0 and result.socket_errors == 0


def main(argv: list[str]) -> int:
    """Run the benchmark on SQLite, then on PostgreSQL when a URL is given."""
    parser = argparse.ArgumentParser(prog="forecast bench load")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="gthread threads per worker (1: sync workers)"
    )
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--forecasts", type=int, default=6000)
    parser.add_argument("--boundaries", type=int, default=40)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FORECAST_BENCH_POSTGRES_URL"),
        help="a PostgreSQL database URL (its public schema is dropped and recreated)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    sizes = {
        "questions": args.questions,
        "users": args.users,
        "forecasts": args.forecasts,
        "boundaries": args.boundaries,
    }
    options = {
        "seconds": args.duration,
        "connections": args.connections,
        "workers": args.workers,
        "threads": args.threads,
    }
    good = True
    with tempfile.TemporaryDirectory() as tmp:
        good &= run("SQLite", f"sqlite:///{tmp}/bench.db", sizes=sizes, **options)
    if args.postgres:
        good &= run("PostgreSQL", args.postgres, sizes=sizes, **options)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
