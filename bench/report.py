"""forecast bench report: the threshold report and the alert pass at scale.

Workload: a synthetic tournament of 10,000 open questions (70% binary, 30% continuous), 1,000,000
forecasts from 5,000 users (updates included), and 1,000 committed boundaries of mixed kinds
(yes, before a date, within N years, at least / at most a value) owned by one leader, on SQLite.
Every report row is evaluated under every registered method, trend and best at your threshold
included; so that those two have something to read, the same users also forecast on 2,000
resolved questions (200,000 forecasts: their records at a threshold), every numeric question
under a boundary has a trend series, and a share of the boundaries (--new-methods, 20%) act on
the two methods (trend where a series is attached, best at your threshold otherwise).
`--resolved 0 --new-methods 0` gives the workload of the report before those methods.
Prints the latency of GET /api/v1/boundaries/report and of the HTML report, cold (every row
evaluated) and warm (every row read from the stored evaluations, held fresh past MAX_AGE for
the purpose; median of R requests, with the process's CPU time, which a loaded machine disturbs
less than the wall clock), and the time of one full alert pass.
Usage: forecast bench report [--questions N] [--forecasts M] [--boundaries B] [--requests R]
       [--resolved N] [--resolved-forecasts M] [--new-methods SHARE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import row


def boundary_data(rng: np.random.Generator, question: object) -> dict[str, object]:
    """Draw a boundary of a kind that fits the question."""
    qtype = question.type  # type: ignore[attr-defined]
    if qtype == "binary":
        event: dict[str, object] = {"kind": "yes"}
    elif qtype == "date":
        event = (
            {"kind": "within", "years": int(rng.integers(1, 11))}
            if rng.random() < 0.5
            else {"kind": "before", "date": "2030-01-01T00:00:00Z"}
        )
    else:
        event = {
            "kind": str(rng.choice(["at_least", "at_most"])),
            "value": float(rng.uniform(20, 80)),
        }
    return {
        "question": question.id,
        "action": f"Act on {question.key}",  # type: ignore[attr-defined]
        "event": event,
        "comparator": str(rng.choice([">=", "<="])),
        "threshold": float(rng.choice([0.01, 0.05, 0.1, 0.2, 0.5])),
        "shared": True,
    }


def series_data(rng: np.random.Generator, now: float) -> dict[str, object]:
    """Draw a rising linear series over the last four years, inside a 0-100 question's range."""
    from datetime import UTC, datetime

    start, slope = float(rng.uniform(10, 40)), float(rng.uniform(2, 8))
    points = []
    for k in range(8):
        years = -4 + k * 0.5
        when = datetime.fromtimestamp(now + years * 365.2425 * 86_400, UTC)
        value = start + slope * (years + 4) + float(rng.normal(0, 1))
        points.append({"date": when.strftime("%Y-%m-%d"), "value": value, "source": "synthetic"})
    return {"fit": "linear", "points": points}


def resolved_document(questions: int, forecasts: int, users: int) -> dict[str, object]:
    """Synthesize resolved questions forecast by the same users, under keys of their own."""
    from forecast.core.synth import synthesize

    document = synthesize(
        n_questions=questions, n_forecasts=forecasts, n_users=users, resolved=True, seed=6
    )
    for question in document["questions"]:
        question["key"] = "past-" + question["key"]
    for forecast in document["forecasts"]:
        forecast["question"] = "past-" + forecast["question"]
    return document


def main(argv: list[str]) -> int:
    """Build the workload, then time the report and the alert pass."""
    parser = argparse.ArgumentParser(prog="forecast bench report")
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--forecasts", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--boundaries", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--resolved", type=int, default=2_000)
    parser.add_argument("--resolved-forecasts", type=int, default=200_000)
    parser.add_argument("--new-methods", type=float, default=0.2)
    args = parser.parse_args(argv)

    from alembic import command
    from sqlmodel import col, select

    from forecast.app import create_app
    from forecast.core.synth import synthesize
    from forecast.infra.db import session_scope
    from forecast.infra.migrate import alembic_config
    from forecast.models import BoundaryVersion, Question, QuestionStatus, Role
    from forecast.services.accounts.tokens import create_token
    from forecast.services.accounts.users import create_user
    from forecast.services.boundaries import alerts
    from forecast.services.boundaries import lifecycle as service
    from forecast.services.boundaries import report as threshold_report
    from forecast.services.interchange.importer import import_document
    from forecast.services.trends.series import attach_series

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        command.upgrade(alembic_config(url), "head")
        app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "SECRET_KEY": "b"})
        t0 = time.perf_counter()
        document = synthesize(
            n_questions=args.questions, n_forecasts=args.forecasts, n_users=args.users, seed=5
        )
        with app.app_context(), session_scope() as session:
            import_document(session=session, document=document)
        del document
        if args.resolved:
            past = resolved_document(args.resolved, args.resolved_forecasts, args.users)
            with app.app_context(), session_scope() as session:
                import_document(session=session, document=past)
            del past
        load_s = time.perf_counter() - t0
        rng = np.random.default_rng(11)
        with app.app_context(), session_scope() as session:
            leader = create_user(
                session=session, username="bench-leader", password="bench-pass-1", role=Role.LEADER
            )
            organizer = create_user(
                session=session, username="bench-organizer", password=None, role=Role.ORGANIZER
            )
            token = create_token(session=session, user=leader)
            questions = list(
                session.exec(
                    select(Question).where(col(Question.status) == QuestionStatus.OPEN.value)
                )
            )
            picks = rng.choice(
                len(questions), size=min(args.boundaries, len(questions)), replace=False
            )
            series = 0
            for i in picks.tolist():
                question = questions[i]
                data = boundary_data(rng, question)
                has_series = question.type == "numeric" and args.new_methods > 0
                if has_series:
                    attach_series(
                        session=session,
                        actor=organizer,
                        question_id=question.id,
                        data=series_data(rng, time.time()),
                    )
                    series += 1
                if rng.random() < args.new_methods:
                    data["method"] = "trend" if has_series else "best_at_threshold"
                boundary = service.create_boundary(session=session, actor=leader, data=data)
                service.commit_boundary(session=session, actor=leader, boundary_id=boundary.id)
            methods = Counter(v.method for v in session.exec(select(BoundaryVersion)))
        print(
            f"report: {args.questions:,} questions, {args.forecasts:,} forecasts, "
            f"{len(picks):,} committed boundaries (SQLite, in-process requests); "
            f"{args.resolved:,} resolved questions with "
            f"{args.resolved_forecasts if args.resolved else 0:,} forecasts, "
            f"{series:,} trend series; boundaries by method: "
            + ", ".join(f"{m} {n}" for m, n in methods.most_common())
        )
        row("building the database", f"{load_s:.0f} s")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        t0 = time.perf_counter()
        response = client.get("/api/v1/boundaries/report", headers=headers)
        cold = time.perf_counter() - t0
        assert response.status_code == 200 and len(response.get_json()) == len(picks)
        row("GET /api/v1/boundaries/report, cold", f"{cold:.2f} s")
        # Warm means every row read from the stored evaluations: a cold request longer than the
        # report's MAX_AGE would leave its first rows to be evaluated again by the warm ones.
        max_age, threshold_report.MAX_AGE = threshold_report.MAX_AGE, timedelta(days=1)
        warm, cpu = [], []
        for _ in range(args.requests):
            t0, c0 = time.perf_counter(), time.process_time()
            assert client.get("/api/v1/boundaries/report", headers=headers).status_code == 200
            warm.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        row(
            "GET /api/v1/boundaries/report, warm p50",
            f"{statistics.median(warm) * 1000:.0f} ms ({args.requests} requests; "
            f"CPU p50 {statistics.median(cpu) * 1000:.0f} ms)",
        )
        app.config["WTF_CSRF_ENABLED"] = False  # the benchmark logs in without a form
        client.post("/login", data={"username": "bench-leader", "password": "bench-pass-1"})
        page = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            assert client.get("/boundaries/report").status_code == 200
            page.append(time.perf_counter() - t0)
        row("HTML report, warm p50", f"{statistics.median(page) * 1000:.0f} ms")
        threshold_report.MAX_AGE = max_age
        passes = []
        for _ in range(2):
            with app.app_context(), session_scope() as session:
                t0 = time.perf_counter()
                result = alerts.run(session=session)
                passes.append(time.perf_counter() - t0)
        row(
            "alert pass, first (records initial states)",
            f"{passes[0]:.2f} s ({result.evaluated:,} boundaries)",
        )
        row("alert pass, steady state", f"{passes[1]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
