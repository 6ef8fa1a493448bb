"""forecast bench track_record: anonymous track-record aggregate requests on a large database.

Workload: a synthetic SQLite database of 600,000 forecasts from 5,000 users: 1,500 resolved and
scored questions (90% binary) holding 478,000 forecasts, so every forecaster has a track record;
an open binary question with 100,000 forecasts, an open continuous question with 20,000
forecasts (CDFs), and a small open binary question (2,000 forecasts) that is resolved (at an
instant halfway through its window) and un-resolved during the run. Requests are in-process
(Flask test client) and anonymous. Prints, each the median of --runs runs (3x for the cheap
ones): the question page and GET /api/v1/questions/{id}/aggregate with method=track_record cold
(no cached aggregate) and warm, the API `at=` a past instant not asked for before, and the first
page after a new forecast and after a resolution or un-resolution.
Building the database takes a few minutes; --db PATH keeps it for the next run.
Usage: forecast bench track_record [--db PATH] [--runs N] [--forecasts N] [--users U]
                                  [--resolved Q]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import row

METHOD = "track_record"
# Shares of the forecasts: resolved questions, the crowded binary one, the date one, the small one.
SHARES = (0.7967, 0.1667, 0.0333, 0.0033)
KEYS = ("open-binary", "open-continuous", "open-small")


def _renamed(document: dict[str, Any], prefix: str, keys: list[str]) -> dict[str, Any]:
    """Give a synthetic document's questions the keys given (in order), or prefix-numbered."""
    names = {}
    for i, q in enumerate(document["questions"]):
        names[q["key"]] = keys[i] if i < len(keys) else f"{prefix}-{i:05d}"
        q["key"] = names[q["key"]]
    for f in document["forecasts"]:
        f["question"] = names[f["question"]]
    return document


def build(url: str, n_forecasts: int, n_users: int, n_resolved: int = 1_500) -> None:
    """Create the workload's database at url: import, resolve and score."""
    from alembic import command

    from forecast.app import create_app
    from forecast.core.synth import synthesize
    from forecast.infra.db import session_scope
    from forecast.infra.migrate import alembic_config
    from forecast.services.interchange.importer import import_document
    from forecast.services.scoring.resolver import score_all

    now = datetime.now(UTC)
    parts = [int(n_forecasts * share) for share in SHARES]
    resolved = _renamed(
        synthesize(
            n_questions=n_resolved,
            n_forecasts=parts[0],
            n_users=n_users,
            continuous_share=0.1,
            resolved=True,
            seed=11,
            now=now,
        ),
        "resolved",
        [],
    )
    document = resolved
    for key, share, continuous, seed in zip(
        KEYS, parts[1:], (0.0, 1.0, 0.0), (12, 13, 14), strict=True
    ):
        part = _renamed(
            synthesize(
                n_questions=1,
                n_forecasts=share,
                n_users=n_users,
                continuous_share=continuous,
                seed=seed,
                now=now,
            ),
            key,
            [key],
        )
        document["questions"] += part["questions"]
        document["forecasts"] += part["forecasts"]
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context(), session_scope() as session:
        import_document(session=session, document=document)
        score_all(session=session)


def median_of(runs: int, fn: Callable[[], None], before: Callable[[], None]) -> float:
    """Return the median wall time of fn over runs, calling before (untimed) ahead of each."""
    times = []
    for _ in range(runs):
        before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(url: str, runs: int) -> None:
    """Time the track-record requests on the database at url and print the figures."""
    from sqlalchemy import delete, select

    from forecast.app import create_app
    from forecast.infra.db import session_scope
    from forecast.models import AggregateCache, Question, Role, Score, User
    from forecast.services.accounts.users import create_user
    from forecast.services.forecasts import submit_forecast
    from forecast.services.resolution.resolve import resolve, unresolve

    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "SECRET_KEY": "bench"})
    client = app.test_client()
    with app.app_context(), session_scope() as session:
        ids = {key: qid for key, qid in session.execute(select(Question.key, Question.id)).all()}
        scores = session.execute(select(Score.id)).all()
        organizer = session.execute(
            select(User).where(User.username == "bench-organizer")
        ).scalar_one_or_none() or create_user(
            session=session, username="bench-organizer", password=None, role=Role.ORGANIZER
        )
        forecaster_ids = [u for (u,) in session.execute(select(User.id).limit(runs * 4)).all()]
        binary, small_q = session.get(Question, ids[KEYS[0]]), session.get(Question, ids[KEYS[2]])
        assert binary is not None and small_q is not None
        window = (binary.open_time, min(binary.close_time, datetime.now(UTC)))
        # Resolved in the past: the reputations of the crowded question's later forecasts move.
        resolved_at = small_q.open_time + (datetime.now(UTC) - small_q.open_time) / 2
    print(f"database: {len(ids):,} questions, {len(scores):,} score rows")

    def uncache() -> None:
        with app.app_context(), session_scope() as session:
            session.execute(delete(AggregateCache))
            session.commit()

    def get(path: str) -> Callable[[], None]:
        def fetch() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return fetch

    def nothing() -> None:
        return None

    for key in KEYS[:2]:
        qid = ids[key]
        page = f"/questions/{qid}?method={METHOD}"
        api = f"/api/v1/questions/{qid}/aggregate?method={METHOD}"
        print(f"{key} (question {qid})")
        cold_page = median_of(runs, get(page), uncache)
        row("question page, cold", f"{cold_page:.2f} s")
        row("question page, warm", f"{median_of(runs * 3, get(page), nothing) * 1000:.0f} ms")
        cold_api = median_of(runs, get(api), uncache)
        row("GET aggregate, cold", f"{cold_api:.2f} s")
        row("GET aggregate, warm", f"{median_of(runs * 3, get(api), nothing) * 1000:.0f} ms")
        instants = iter(
            np.linspace(window[0].timestamp() + 3600, window[1].timestamp() - 60, runs * 3)
        )

        def at_instant(api: str = api, instants: Any = instants) -> None:
            when = datetime.fromtimestamp(float(next(instants)), UTC).isoformat()
            get(f"{api}&at={when.replace('+00:00', 'Z')}")()

        at_warm = median_of(runs * 3, at_instant, nothing)
        row("GET aggregate at= a new past instant", f"{at_warm * 1000:.0f} ms (cache warm)")

    qid = ids[KEYS[0]]
    page = f"/questions/{qid}?method={METHOD}"
    users = iter(forecaster_ids)

    def new_forecast() -> None:
        get(page)()  # the cache is current before the forecast
        with app.app_context(), session_scope() as session:
            user = session.get(User, next(users))
            submit_forecast(session=session, actor=user, question_id=qid, probability=0.42)

    after_forecast = median_of(runs, get(page), new_forecast)
    row("question page, first after a new forecast", f"{after_forecast:.2f} s")
    small = ids[KEYS[2]]
    state = {"resolved": False}

    def flip() -> None:
        get(page)()
        with app.app_context(), session_scope() as session:
            if state["resolved"]:
                unresolve(session=session, actor=organizer, question_id=small, reason="bench")
            else:
                resolve(
                    session=session,
                    actor=organizer,
                    question_id=small,
                    data={"outcome": "yes", "resolved_at": resolved_at.isoformat()},
                )
        state["resolved"] = not state["resolved"]

    after_change = median_of(runs * 2, get(page), flip)
    row("question page, first after a (un)resolution", f"{after_change:.2f} s")


def main(argv: list[str]) -> int:
    """Build (or reuse) the workload's database and print the request timings."""
    parser = argparse.ArgumentParser(prog="forecast bench track_record")
    parser.add_argument("--db", help="SQLite file to build once and reuse")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--forecasts", type=int, default=600_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--resolved", type=int, default=1_500, help="resolved questions")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.abspath(args.db) if args.db else os.path.join(tmp, "bench.db")
        url = f"sqlite:///{path}"
        if not os.path.exists(path):
            t0 = time.perf_counter()
            build(url, args.forecasts, args.users, args.resolved)
            print(f"built the database in {time.perf_counter() - t0:.0f} s")
        print(f"track_record aggregates, {args.forecasts:,} forecasts, {args.users:,} users")
        measure(url, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
