"""Data commands: import, export, seed, synth."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click
from flask import current_app
from flask.cli import with_appcontext

from forecast.cli.common import fail
from forecast.core.aggregation.methods import DEFAULT_METHOD, METHODS
from forecast.core.formatting import plural
from forecast.errors import DomainError

if TYPE_CHECKING:
    from tqdm import tqdm


def _advance(bar: tqdm[Any], n: int) -> None:
    bar.update(n)


def read_document(path: str) -> Any:
    """Read and parse a JSON file, turning every failure into a clear CLI error."""
    import orjson

    try:
        size = os.path.getsize(path)
        if size > current_app.config["IMPORT_MAX_BYTES"]:
            fail(f"{path} is {size} bytes, above the import limit")
        with open(path, "rb") as handle:
            return orjson.loads(handle.read())
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except orjson.JSONDecodeError as exc:
        fail(f"{path} is not valid JSON: {exc}")


def import_path(path: str, *, quiet: bool = False) -> str:
    """Import one interchange file and return the summary line."""
    from tqdm import tqdm

    from forecast.infra.db import session_scope
    from forecast.services.interchange.importer import import_document

    document = read_document(path)
    count = len(document.get("forecasts") or []) if isinstance(document, dict) else 0
    with tqdm(
        total=2 * count,
        unit="rec",
        desc=os.path.basename(path),
        file=sys.stderr,
        disable=quiet or count < 10_000,
        leave=False,
    ) as bar:
        try:
            with session_scope() as session:
                report = import_document(
                    session=session, document=document, progress=lambda n: _advance(bar, n)
                )
        except DomainError as exc:
            bar.close()
            fail(f"{path}: {exc.message} (nothing was imported)")
    return report.summary()


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_command(path: str) -> None:
    """Load an interchange file (idempotent by key; all or nothing)."""
    click.echo(import_path(path))


@click.group("export")
def export_group() -> None:
    """Write data as JSON on standard output."""


@export_group.command("all")
@click.option("--indent", is_flag=True, help="Indent the JSON for reading.")
@with_appcontext
def export_all_command(indent: bool) -> None:
    """Write the whole database as an interchange file."""
    import orjson

    from forecast.infra.db import session_scope
    from forecast.services.interchange.export import export_all

    with session_scope() as session:
        document = export_all(session=session)
    option = orjson.OPT_INDENT_2 if indent else 0
    sys.stdout.buffer.write(orjson.dumps(document, option=option | orjson.OPT_SERIALIZE_NUMPY))
    sys.stdout.buffer.write(b"\n")


@export_group.command("aggregates")
@click.option("--question", "key", required=True, help="The question's key.")
@click.option(
    "--method",
    default=DEFAULT_METHOD,
    show_default=True,
    help=", ".join(METHODS),
)
@with_appcontext
def export_aggregates_command(key: str, method: str) -> None:
    """Write a question's aggregate history: one entry per change point."""
    import orjson

    from forecast.infra.db import session_scope
    from forecast.services.aggregation.values import build_cached, parse_method
    from forecast.services.aggregation.views import history_records
    from forecast.services.questions.lifecycle import get_question_by_key

    try:
        with session_scope() as session:
            question = get_question_by_key(session=session, viewer=None, key=key)
            cached = build_cached(session, question, parse_method(method))
            records = history_records(cached.history, question)
    except DomainError as exc:
        fail(exc.message)
    sys.stdout.buffer.write(orjson.dumps(records) + b"\n")


@export_group.command("scores")
@click.option("--tournament", default=None, help="Only this tournament's questions.")
@with_appcontext
def export_scores_command(tournament: str | None) -> None:
    """Write one object per (question, user): baseline, peer, coverage, brier, log."""
    import orjson

    from forecast.infra.db import session_scope
    from forecast.services.records.score_views import all_scores

    try:
        with session_scope() as session:
            rows = all_scores(session=session, tournament=tournament)
    except DomainError as exc:
        fail(exc.message)
    sys.stdout.buffer.write(orjson.dumps(rows) + b"\n")


@click.command("score")
@click.option("--all", "everything", is_flag=True, help="Rescore every resolved question.")
@with_appcontext
def score_command(everything: bool) -> None:
    """Score resolved questions that lack scores (--all: rescore every resolved question)."""
    from sqlmodel import func, select
    from tqdm import tqdm

    from forecast.infra.db import session_scope
    from forecast.models import Question
    from forecast.services.scoring.resolver import score_all

    with session_scope() as session:
        count = session.exec(
            select(func.count()).select_from(Question).where(Question.status == "resolved")
        ).one()
        with tqdm(total=int(count), unit="question", file=sys.stderr, leave=False) as bar:
            rows = score_all(
                session=session, progress=lambda n: _advance(bar, n), only_missing=not everything
            )
    scope = "every resolved question" if everything else "resolved questions without scores"
    click.echo(f"scored {scope}: {rows} score rows written")


@click.command("resolve")
@click.argument("key")
@click.argument("outcome")
@click.option("--reason", default=None, help="Required when changing a resolution.")
@click.option("--at", "resolved_at", default=None, help="Resolution time (ISO 8601; default now).")
@with_appcontext
def resolve_command(key: str, outcome: str, reason: str | None, resolved_at: str | None) -> None:
    """Resolve a question: yes/no/annulled/ambiguous/below_lower_bound/above_upper_bound,
    a number (numeric questions), an ISO date (date questions) or an option's label."""
    from forecast.infra.db import session_scope
    from forecast.models import Role, User
    from forecast.services.kinds import kind_of
    from forecast.services.questions.lifecycle import get_question_by_key
    from forecast.services.resolution.input import OUTCOMES
    from forecast.services.resolution.resolve import resolve

    data: dict[str, Any] = {"reason": reason}
    if resolved_at:
        data["resolved_at"] = resolved_at
    try:
        with session_scope() as session:
            question = get_question_by_key(session=session, viewer=None, key=key)
            if outcome in OUTCOMES:
                data["outcome"] = outcome
            else:
                data.update(kind_of(question).typed_resolution(outcome))
            operator = User.model_construct(id=None, username="cli", role=Role.ADMIN.value)
            _, written = resolve(
                session=session,
                actor=operator,
                question_id=question.id,  # type: ignore[arg-type]
                data=data,
            )
            click.echo(f"{key} resolved; {written} score rows written")
    except DomainError as exc:
        fail(exc.message)


@click.group("calibration")
def calibration_group() -> None:
    """Calibration training sets."""


@calibration_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--slug", help="For CSV files: the set's slug.")
@click.option("--title", help="For CSV files: the set's title.")
@with_appcontext
def calibration_import(path: str, slug: str | None, title: str | None) -> None:
    """Add a training set: JSON (forecast-calibration/1) or CSV (kind,prompt,answer,unit,source)."""
    from forecast.infra.db import session_scope
    from forecast.services.calibration import import_set, parse_csv

    try:
        if path.endswith(".csv"):
            if not slug or not title:
                fail("a CSV set needs --slug and --title")
            with open(path, encoding="utf-8") as handle:
                parsed = parse_csv(handle.read(), slug=slug or "", title=title or "")
            document = {
                "format": "forecast-calibration/1",
                **parsed,
                "items": [
                    {
                        "kind": i["kind"],
                        "prompt": i["prompt"],
                        "source": i["source"],
                        "unit": i["unit"],
                        "answer": i["answer_bool"] if i["kind"] == "binary" else i["answer_value"],
                    }
                    for i in parsed["items"]
                ],
            }
        else:
            document = read_document(path)
        with session_scope() as session:
            stored, new = import_set(session=session, actor=None, document=document, system=True)
        click.echo(f"{stored.slug}: {'created' if new else 'already present, unchanged'}")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except DomainError as exc:
        fail(f"{path}: {exc.message}")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add synthetic demo forecasters and histories.")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load the seed question bank (and, with --demo, synthetic demo data)."""
    from forecast.services.seeds import load_seeds

    try:
        for line in load_seeds(current_app.config["SEEDS_DIR"], demo=demo):
            click.echo(line)
    except DomainError as exc:
        fail(exc.message)


@click.command("synth")
@click.option("--questions", "n_questions", type=click.IntRange(1), default=100, show_default=True)
@click.option(
    "--forecasts", "n_forecasts", type=click.IntRange(0), default=10_000, show_default=True
)
@click.option("--users", "n_users", type=click.IntRange(1), default=200, show_default=True)
@click.option("--continuous-share", type=click.FloatRange(0, 1), default=0.3, show_default=True)
@click.option("--resolved", is_flag=True, help="Resolve every question in the past.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def synth_command(
    n_questions: int,
    n_forecasts: int,
    n_users: int,
    continuous_share: float,
    resolved: bool,
    seed: int,
    out: str,
) -> None:
    """Write a large synthetic interchange file for benchmarks and load tests."""
    import orjson
    from tqdm import tqdm

    from forecast.core.synth import synthesize

    with tqdm(total=n_forecasts, unit="fc", desc="forecasts", file=sys.stderr) as bar:
        document = synthesize(
            n_questions=n_questions,
            n_forecasts=n_forecasts,
            n_users=n_users,
            continuous_share=continuous_share,
            resolved=resolved,
            seed=seed,
            progress=lambda n: _advance(bar, n),
        )
    with open(out, "wb") as handle:
        handle.write(orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY))
    records = len(document["forecasts"])
    click.echo(
        f"wrote {out}: {plural(n_questions, 'question')}, {plural(records, 'forecast record')}, "
        f"{plural(n_users, 'user')}"
    )


COMMANDS = (
    import_command,
    export_group,
    seed_command,
    synth_command,
    score_command,
    resolve_command,
    calibration_group,
)
