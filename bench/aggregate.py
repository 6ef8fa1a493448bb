"""forecast bench aggregate: aggregate histories, against plain recomputation, and page latency.

Workload: one binary question with 100,000 forecasts from 20,000 users who each update a few
times, one date question with 20,000 forecasts (CDFs) from 5,000 users, and one
multiple-choice question (four options) with 30,000 forecasts from 7,500 users, a fifth of
all the forecasts (`--choice-forecasts 0` leaves it out). Prints the time to
build each full `recency_weighted` history (median of 3), the plain recomputation at every
change point on a 2% prefix (the first 2% of forecasts) scaled up linearly, and, with the
binary question stored in a fresh SQLite database, the latency of the question page and of
GET /api/v1/questions/{id}/aggregate with the history cache warm, of the page built cold, and of
the first page after each of 5 new forecasts (in-process requests).
Usage: forecast bench aggregate [--forecasts N] [--users U] [--requests R] [--choice-forecasts C]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import median_time, row

DAY = 86_400.0


def workload(
    n_forecasts: int, n_users: int, seed: int, continuous: bool, options: int = 0
) -> dict[str, np.ndarray]:
    """Draw forecasts with updates: each user forecasts a few times over 200 days."""
    from forecast.core.synth import GRID

    rng = np.random.default_rng(seed)
    open_time = 1.7e9
    user = rng.integers(0, n_users, n_forecasts)
    start = open_time + np.sort(rng.uniform(0, 200 * DAY, n_forecasts))
    rng.shuffle(user)
    order = np.lexsort((start, user))
    end = np.full(n_forecasts, np.inf)
    same = user[order][1:] == user[order][:-1]
    end[order[:-1][same]] = start[order[1:][same]]
    if options:
        values = 0.001 + (1 - 0.001 * options) * rng.dirichlet(np.ones(options), n_forecasts)
    elif not continuous:
        values = rng.beta(2, 5, n_forecasts).clip(0.001, 0.999)
    else:
        mu = rng.uniform(0.2, 0.8, n_forecasts)[:, None]
        spread = rng.uniform(0.04, 0.15, n_forecasts)[:, None]
        logistic = 1 / (1 + np.exp(-(GRID[None, :] - mu) / spread))
        logistic = (logistic - logistic[:, :1]) / (logistic[:, -1:] - logistic[:, :1])
        values = 0.001 + 0.998 * (0.9 * logistic + 0.1 * GRID[None, :])
    return {
        "start": start,
        "end": end,
        "user": user,
        "values": values,
        "open_time": np.array(open_time),
        "close": np.array(open_time + 400 * DAY),
    }


def history_times(label: str, data: dict[str, np.ndarray]) -> float:
    """Time the fast history and the plain one on a 2% prefix; print both."""
    from forecast.core.aggregation.aggregate import history
    from forecast.core.reference.aggregate import history as plain_history

    kwargs = {"open_time": float(data["open_time"]), "scheduled_close": float(data["close"])}
    fast, h = median_time(
        lambda: history(data["start"], data["end"], data["user"], data["values"], **kwargs)
    )
    n = len(data["start"])
    cut = max(2, n // 50)
    horizon = data["start"][cut - 1]
    prefix = {k: data[k][:cut] for k in ("start", "end", "user", "values")}
    prefix["end"] = np.minimum(prefix["end"], np.nextafter(horizon, np.inf))
    t0 = time.perf_counter()
    plain = plain_history(
        prefix["start"], prefix["end"], prefix["user"], prefix["values"], **kwargs
    )
    plain_s = time.perf_counter() - t0
    check = history(prefix["start"], prefix["end"], prefix["user"], prefix["values"], **kwargs)
    agree = np.allclose(np.nan_to_num(check.value), np.nan_to_num(plain.value), atol=1e-12)
    print(f"{label}: {n:,} forecasts, {len(h.start):,} change points")
    row("fast history (median of 3)", f"{fast:.2f} s")
    row("plain recomputation, 2% prefix", f"{plain_s:.2f} s ({cut:,} forecasts)")
    # Plain recomputation scans every forecast at every change point: its cost grows with the
    # square of the history's size, so the linear scale-up is only a lower bound.
    linear = plain_s * (n / cut)
    quadratic = plain_s * (n / cut) ** 2
    row("plain, scaled up linearly (lower bound)", f"{linear:,.0f} s")
    row("plain, scaled up quadratically (its growth)", f"{quadratic:,.0f} s")
    row(
        "speed-up over plain: linear / quadratic",
        f"{linear / fast:,.0f}x / {quadratic / fast:,.0f}x",
    )
    row("fast equals plain on the prefix", "yes" if agree else "NO")
    return fast


def page_latency(n_forecasts: int, n_users: int, requests: int) -> None:
    """Store the binary workload in SQLite and time the page and the API with a warm cache."""
    from alembic import command

    from forecast.app import create_app
    from forecast.infra.clock import format_iso
    from forecast.infra.db import session_scope
    from forecast.infra.migrate import alembic_config
    from forecast.services.interchange.importer import import_document

    data = workload(n_forecasts, n_users, seed=7, continuous=False)
    now = datetime.now(UTC)
    shift = (now - timedelta(days=201)).timestamp() - float(data["open_time"])
    stamps = [format_iso(datetime.fromtimestamp(t + shift, UTC)) for t in data["start"].tolist()]
    users = [f"bench{u:05d}" for u in range(n_users)]
    records = [
        {
            "question": "bench-binary",
            "user": users[u],
            "time": stamps[i],
            "probability": float(data["values"][i]),
        }
        for i, u in enumerate(data["user"].tolist())
    ]
    document = {
        "format": "forecast-interchange/1",
        "users": [{"username": name, "role": "forecaster"} for name in users],
        "tournaments": [{"slug": "bench", "title": "Benchmark", "description": ""}],
        "questions": [
            {
                "key": "bench-binary",
                "tournament": "bench",
                "type": "binary",
                "title": "A crowded binary question?",
                "description": "",
                "resolution_criteria": "n/a",
                "open_time": format_iso(now - timedelta(days=202)),
                "close_time": format_iso(now + timedelta(days=100)),
                "resolve_time": format_iso(now + timedelta(days=101)),
                "range": None,
            }
        ],
        "forecasts": records,
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        command.upgrade(alembic_config(url), "head")
        app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "SECRET_KEY": "bench"})
        with app.app_context(), session_scope() as session:
            import_document(session=session, document=document)
        client = app.test_client()
        t0 = time.perf_counter()
        assert client.get("/questions/1").status_code == 200
        cold = time.perf_counter() - t0
        for label, path in (
            ("question page", "/questions/1"),
            ("GET /api/v1/questions/1/aggregate", "/api/v1/questions/1/aggregate"),
        ):
            times = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            row(
                f"{label}, warm: p50 / p95 / max",
                f"{statistics.median(times) * 1000:.0f} ms / "
                f"{p95 * 1000:.0f} ms / {times[-1] * 1000:.0f} ms ({requests} requests)",
            )
        row("question page, cold (builds and stores the history)", f"{cold:.2f} s")
        # The usual case on a busy question: a forecast has come in since the page was built.
        from forecast.models import User
        from forecast.services.forecasts import submit_forecast

        after_forecast = []
        for i in range(5):
            with app.app_context(), session_scope() as session:
                user = session.get(User, 1 + i)
                submit_forecast(session=session, actor=user, question_id=1, probability=0.42)
            t0 = time.perf_counter()
            assert client.get("/questions/1").status_code == 200
            after_forecast.append(time.perf_counter() - t0)
        row(
            "question page, first after a new forecast",
            f"median {statistics.median(after_forecast):.2f} s of {len(after_forecast)} "
            "(extends the stale history)",
        )


def main(argv: list[str]) -> int:
    """Run the aggregate benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="forecast bench aggregate")
    parser.add_argument("--forecasts", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--date-forecasts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--choice-forecasts", type=int, default=30_000)
    args = parser.parse_args(argv)
    binary = workload(args.forecasts, args.users, seed=1, continuous=False)
    history_times("binary question, recency_weighted", binary)
    dated = workload(args.date_forecasts, max(1, args.date_forecasts // 4), seed=2, continuous=True)
    history_times("date question, recency_weighted", dated)
    if args.choice_forecasts:
        n = args.choice_forecasts
        choice = workload(n, max(1, n // 4), seed=3, continuous=False, options=4)
        history_times("multiple-choice question (4 options), recency_weighted", choice)
    print(f"question page with {args.forecasts:,} forecasts (SQLite, in-process requests)")
    page_latency(args.forecasts, args.users, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
