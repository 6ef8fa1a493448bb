"""forecast bench submit: forecast submissions per second under gunicorn, against GET /health.

Workload: a fresh database holding 1,000 open binary questions and 500 forecasters with API
tokens; gunicorn with 2 workers on a loopback port; wrk with 32 connections for 10 s posting
`{"probability": p}` to random (question, token) pairs, and in the same run 10 s of GET
/api/v1/health. Afterwards the forecast rows are counted against wrk's 2xx count.
Usage: forecast bench submit [--seconds N] [--postgres URL] [--threads T]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import LoadResult, gunicorn, prepare_open_questions, row, server_env, wrk

N_QUESTIONS = 1000
N_USERS = 500


def prepare(url: str) -> tuple[list[int], list[str]]:
    """Migrate url and fill it with open questions and users holding tokens."""
    return prepare_open_questions(url, questions=N_QUESTIONS, users=N_USERS)


def stored_rows(url: str) -> tuple[int, float]:
    """Return the number of forecast rows and the seconds between the first and last."""
    from sqlalchemy import func, select

    from forecast.db import make_engine
    from forecast.models import Forecast

    engine = make_engine(url)
    table = Forecast.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        count, first, last = conn.execute(
            select(func.count(), func.min(table.c.start_time), func.max(table.c.start_time))
        ).one()
    engine.dispose()
    return int(count), (last - first).total_seconds() if count > 1 else 0.0


def submit_lua(ids: list[int], tokens: list[str], seconds: int) -> str:
    """Return a wrk request() posting random forecasts; the last second drains.

    wrk abandons the requests in flight when its time is up, so for the final second every
    request goes to a question that does not exist (a 404, never a row): when wrk stops, no
    submission is in flight and the 2xx count can be compared with the rows exactly.
    """
    id_list = ",".join(str(i) for i in ids)
    token_list = ",".join(f'"{t}"' for t in tokens)
    return f"""
local ids = {{{id_list}}}
local tokens = {{{token_list}}}
math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
local drain_at = os.time() + {seconds} - 1
request = function()
  local id = ids[math.random(#ids)]
  if os.time() >= drain_at then id = 0 end
  local token = tokens[math.random(#tokens)]
  local p = 0.01 + math.random() * 0.98
  local body = string.format('{{"probability": %.4f}}', p)
  return wrk.format("POST", "/api/v1/questions/" .. id .. "/forecasts",
    {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}}, body)
end
"""


def run(label: str, url: str, seconds: int, threads: int) -> dict[str, float]:
    """Prepare the database, serve it, load it, and print the figures."""
    ids, tokens = prepare(url)
    env = server_env(url)
    with gunicorn(env, workers=2, threads=threads) as base:
        wrk(f"{base}/api/v1/health", seconds=2)  # warm up both workers
        health = wrk(f"{base}/api/v1/health", seconds=seconds)
        submit: LoadResult = wrk(
            f"{base}/api/v1/questions",
            lua_request=submit_lua(ids, tokens, seconds),
            seconds=seconds,
        )
    rows, span = stored_rows(url)
    rate = rows / span if span > 0 else 0.0
    print(
        f"{label}: gunicorn 2 workers{f' x {threads} threads' if threads > 1 else ''}, "
        f"wrk 32 connections, {seconds} s each"
    )
    row(
        "health requests/s",
        f"{health.rps:,.0f} (p50 {health.p50_ms:.1f} ms, p99 {health.p99_ms:.1f} ms)",
    )
    row("forecasts/s (rows / their time span)", f"{rate:,.0f}")
    row("submit latency p50 / p99", f"{submit.p50_ms:.1f} ms / {submit.p99_ms:.1f} ms")
    row("ratio submit/health", f"{rate / health.rps:.2f}")
    row("2xx / drain 404s / socket errors", f"{submit.ok} / {submit.non_2xx} / {submit.errors}")
    verdict = "equal: none lost" if rows == submit.ok else "MISMATCH"
    row("forecast rows vs 2xx", f"{rows} vs {submit.ok} ({verdict})")
    return {
        "forecasts_per_s": rate,
        "ratio": rate / health.rps,
        "p99_ms": submit.p99_ms,
        "lost": submit.ok - rows,
    }


def main(argv: list[str]) -> int:
    """Run the benchmark on SQLite, then on PostgreSQL when a URL is given."""
    parser = argparse.ArgumentParser(prog="forecast bench submit")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FORECAST_BENCH_POSTGRES_URL"),
        help="a fresh PostgreSQL database URL",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db", args.seconds, args.threads)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.seconds, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
