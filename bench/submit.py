"""forecast bench submit: forecast submissions per second under gunicorn, against GET /health.

Workload: a fresh database holding 1,000 open binary questions and 500 forecasters with API
tokens; gunicorn with 2 workers on a loopback port; wrk with 32 connections for 10 s posting
`{"probability": p}` to random (question, token) pairs, and in the same run 10 s of GET
/api/v1/health. Afterwards the forecast rows are counted against wrk's 2xx count.

The pair is run --rounds times on the same server, health then submit each time, and the
medians are reported with every round's figures: on a shared machine the speed drifts by a
quarter from one ten seconds to the next, and a ratio taken from a single pair is mostly that
drift. The rows are checked against the 2xx count of all rounds together.
Usage: forecast bench submit [--seconds N] [--rounds R] [--postgres URL] [--threads T]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from typing import NamedTuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import LoadResult, gunicorn, prepare_open_questions, row, server_env, wrk

N_QUESTIONS = 1000
N_USERS = 500


def prepare(url: str) -> tuple[list[int], list[str]]:
    """Migrate url and fill it with open questions and users holding tokens."""
    return prepare_open_questions(url, questions=N_QUESTIONS, users=N_USERS)


def stored_rows(url: str) -> int:
    """Return the number of forecast rows."""
    return stored_rows_since(url, 0)[0]


def stored_rows_since(url: str, after_id: int) -> tuple[int, float, int]:
    """Return the rows with an id past after_id, their time span in seconds, and the last id."""
    from sqlalchemy import func, select

    from forecast.infra.db import make_engine
    from forecast.models import Forecast

    engine = make_engine(url)
    table = Forecast.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        count, first, last, last_id = conn.execute(
            select(
                func.count(),
                func.min(table.c.start_time),
                func.max(table.c.start_time),
                func.max(table.c.id),
            ).where(table.c.id > after_id)
        ).one()
    engine.dispose()
    span = (last - first).total_seconds() if count > 1 else 0.0
    return int(count), span, int(last_id or after_id)


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


class Round(NamedTuple):
    """One health run and one submit run, back to back."""

    health: LoadResult
    submit: LoadResult
    forecasts_per_s: float

    @property
    def ratio(self) -> float:
        return self.forecasts_per_s / self.health.rps


def run(label: str, url: str, seconds: int, threads: int, rounds: int = 3) -> dict[str, float]:
    """Prepare the database, serve it, load it round after round, and print the figures."""
    ids, tokens = prepare(url)
    env = server_env(url)
    done: list[Round] = []
    last_id = 0
    print(
        f"{label}: gunicorn 2 workers{f' x {threads} threads' if threads > 1 else ''}, "
        f"wrk 32 connections, {seconds} s each, {rounds} rounds of health then submit"
    )
    with gunicorn(env, workers=2, threads=threads) as base:
        wrk(f"{base}/api/v1/health", seconds=2)  # warm up both workers
        for number in range(1, rounds + 1):
            health = wrk(f"{base}/api/v1/health", seconds=seconds)
            submit: LoadResult = wrk(
                f"{base}/api/v1/questions",
                lua_request=submit_lua(ids, tokens, seconds),
                seconds=seconds,
            )
            rows, span, last_id = stored_rows_since(url, last_id)
            one = Round(health, submit, rows / span if span > 0 else 0.0)
            done.append(one)
            row(
                f"round {number}",
                f"health {health.rps:,.0f}/s, {one.forecasts_per_s:,.0f} forecasts/s, "
                f"p99 {submit.p99_ms:.1f} ms, ratio {one.ratio:.3f}",
            )
    rows = stored_rows(url)
    ok = sum(r.submit.ok for r in done)

    def median(values: list[float]) -> float:
        return float(statistics.median(values))

    health_rps = median([r.health.rps for r in done])
    rate = median([r.forecasts_per_s for r in done])
    ratio = median([r.ratio for r in done])
    p50 = median([r.submit.p50_ms for r in done])
    p99 = median([r.submit.p99_ms for r in done])
    health_p99 = median([r.health.p99_ms for r in done])
    print(f"  medians over the {rounds} rounds:")
    row("health requests/s", f"{health_rps:,.0f} (p99 {health_p99:.1f} ms)")
    row("forecasts/s (rows / their time span)", f"{rate:,.0f}")
    row("submit latency p50 / p99", f"{p50:.1f} ms / {p99:.1f} ms")
    row("ratio submit/health (median of the rounds)", f"{ratio:.3f}")
    row(
        "2xx / drain 404s / socket errors",
        f"{ok} / {sum(r.submit.non_2xx for r in done)} / {sum(r.submit.errors for r in done)}",
    )
    verdict = "equal: none lost" if rows == ok else "MISMATCH"
    row("forecast rows vs 2xx", f"{rows} vs {ok} ({verdict})")
    return {"forecasts_per_s": rate, "ratio": ratio, "p99_ms": p99, "lost": ok - rows}


def main(argv: list[str]) -> int:
    """Run the benchmark on SQLite, then on PostgreSQL when a URL is given."""
    parser = argparse.ArgumentParser(prog="forecast bench submit")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="health-then-submit pairs")
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FORECAST_BENCH_POSTGRES_URL"),
        help="a fresh PostgreSQL database URL",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db", args.seconds, args.threads, args.rounds)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.seconds, args.threads, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
