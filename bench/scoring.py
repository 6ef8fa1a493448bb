"""forecast bench scoring: the vectorised scorer, end to end on SQLite, and a plain loop.

Workload: a synthetic tournament of 10,000 resolved questions (50% binary, 30% continuous, 20%
multiple choice with four options; `--choice-share 0` gives the older 70% binary workload),
1,000,000 forecasts from 5,000 users (updates included). Prints (a) the pure scoring call on
arrays already in memory (median of 3), (b) `forecast score --all` end to end on SQLite,
loading and writing included, and (c) a straightforward per-forecast Python loop of the same
formulas (forecast/reference/scoring.py) on a 1% sample of the questions, scaled up, with the
ratio (c) / (a).
Usage: forecast bench scoring [--questions N] [--forecasts M] [--users U] [--choice-share S]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import median_time, row


def arrays(
    n_questions: int, n_forecasts: int, n_users: int, seed: int = 3, choice_share: float = 0.0
) -> tuple[object, object]:
    """Draw questions and forecasts (with updates) as the scorer's input arrays."""
    from forecast.core.scoring import (
        ForecastArrays,
        QuestionArrays,
        choice_brier,
        choice_outcome_probability,
    )

    rng = np.random.default_rng(seed)
    span = 100 * 86_400.0
    open_time = 1.7e9 + rng.uniform(0, 1e7, n_questions)
    close = open_time + span
    continuous = rng.random(n_questions) < 0.3
    question = rng.integers(0, n_questions, n_forecasts)
    user = rng.integers(0, n_users, n_forecasts)
    start = open_time[question] + rng.uniform(0, span, n_forecasts)
    order = np.lexsort((start, user, question))
    end = np.full(n_forecasts, np.inf)
    same = (question[order][1:] == question[order][:-1]) & (user[order][1:] == user[order][:-1])
    end[order[:-1][same]] = start[order[1:][same]]
    p_yes = rng.uniform(0.02, 0.98, n_forecasts)
    outcome_yes = rng.random(n_questions) < 0.4
    p_outcome = np.where(outcome_yes[question], p_yes, 1 - p_yes)
    p_outcome = np.where(continuous[question], rng.uniform(0.001, 0.05, n_forecasts), p_outcome)
    options = np.zeros(n_questions, dtype=np.int64)
    brier = np.full(n_forecasts, np.nan)
    if choice_share > 0:
        # Four options, drawn among the binary questions (the stream above stays as it was).
        choice = ~continuous & (rng.random(n_questions) < choice_share / 0.7)
        options[choice] = 4
        rows = np.flatnonzero(choice[question])
        vectors = rng.dirichlet(np.ones(4), rows.size) * 0.96 + 0.01
        outcome = rng.integers(0, 4, n_questions)
        for k in range(4):
            mine = rows[outcome[question[rows]] == k]
            picked = vectors[np.searchsorted(rows, mine)]
            p_outcome[mine] = choice_outcome_probability(picked, k)
            brier[mine] = choice_brier(picked, k)
        p_yes = np.where(choice[question], np.nan, p_yes)
    questions = QuestionArrays(
        open_time=open_time,
        scheduled_close=close,
        actual_close=close
        - rng.uniform(0, 0.3, n_questions) * span * (rng.random(n_questions) < 0.2),
        continuous=continuous,
        open_bounds=rng.integers(0, 3, n_questions),
        outcome_bucket=np.where(continuous, rng.integers(0, 202, n_questions), -1),
        options=options,
    )
    forecasts = ForecastArrays(
        question=question,
        user=user,
        start=start,
        end=end,
        p_outcome=p_outcome,
        p_yes=np.where(continuous[question], np.nan, p_yes),
        brier=brier,
    )
    return questions, forecasts


def sample(questions: object, forecasts: object, share: float) -> tuple[object, object]:
    """Keep the first `share` of the questions and their forecasts."""
    from forecast.core.scoring import ForecastArrays, QuestionArrays

    q, f = questions, forecasts
    n = max(1, int(len(q.open_time) * share))  # type: ignore[attr-defined]
    keep = f.question < n  # type: ignore[attr-defined]
    sub_q = QuestionArrays(
        *(
            getattr(q, name)[:n]
            for name in (
                "open_time",
                "scheduled_close",
                "actual_close",
                "continuous",
                "open_bounds",
                "outcome_bucket",
                "options",
            )
        )
    )
    sub_f = ForecastArrays(
        *(
            getattr(f, name)[keep]
            for name in ("question", "user", "start", "end", "p_outcome", "p_yes", "brier")
        )
    )
    return sub_q, sub_f


def main(argv: list[str]) -> int:
    """Run the scoring benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="forecast bench scoring")
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--forecasts", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--choice-share", type=float, default=0.2)
    args = parser.parse_args(argv)

    from forecast.core.reference.scoring import score as plain_score
    from forecast.core.scoring import score

    questions, forecasts = arrays(
        args.questions, args.forecasts, args.users, choice_share=args.choice_share
    )
    pure, table = median_time(lambda: score(questions, forecasts))  # type: ignore[arg-type]
    small_q, small_f = sample(questions, forecasts, 0.01)
    t0 = time.perf_counter()
    plain_score(small_q, small_f)  # type: ignore[arg-type]
    plain = (time.perf_counter() - t0) * (len(forecasts.start) / max(1, len(small_f.start)))  # type: ignore[attr-defined]
    print(
        f"scoring: {args.questions:,} questions (30% continuous, "
        f"{args.choice_share:.0%} multiple choice), {args.forecasts:,} forecasts, "
        f"{args.users:,} users"
    )
    row("(a) pure scoring call, arrays in memory", f"{pure:.2f} s ({len(table.user):,} rows)")
    row("(c) plain per-forecast loop, 1% sample scaled", f"{plain:.0f} s")
    row("ratio (c) / (a)", f"{plain / pure:.0f}x")

    from alembic import command

    from forecast.app import create_app
    from forecast.core.synth import synthesize
    from forecast.infra.db import session_scope
    from forecast.infra.migrate import alembic_config
    from forecast.services.interchange.importer import import_document
    from forecast.services.scoring.resolver import score_all

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        command.upgrade(alembic_config(url), "head")
        app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "SECRET_KEY": "b"})
        document = synthesize(
            n_questions=args.questions,
            n_forecasts=args.forecasts,
            n_users=args.users,
            resolved=True,
            seed=4,
            choice_share=args.choice_share,
        )
        with app.app_context(), session_scope() as session:
            import_document(session=session, document=document)
        del document
        with app.app_context(), session_scope() as session:
            t0 = time.perf_counter()
            written = score_all(session=session)
            end_to_end = time.perf_counter() - t0
        row(
            "(b) forecast score --all on SQLite, end to end",
            f"{end_to_end:.1f} s ({written:,} score rows written)",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
