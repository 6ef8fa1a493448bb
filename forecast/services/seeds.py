"""Load the seed folder: question bank, example boundaries and, on request, demo forecasters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import orjson

from forecast.errors import ValidationFailed
from forecast.infra.db import session_scope
from forecast.services.boundaries.seeds import load_boundaries
from forecast.services.interchange.importer import import_document

INTERCHANGE_FILES = ("questions.json", "conditionals.json", "multiple_choice.json")
BOUNDARY_FILE = "boundaries.json"
TREND_FILE = "trends.json"


def _read(path: str) -> Any:
    with open(path, "rb") as handle:
        try:
            return orjson.loads(handle.read())
        except orjson.JSONDecodeError as exc:
            raise ValidationFailed(f"{path} is not valid JSON: {exc}") from None


def load_seeds(seeds_dir: str, *, demo: bool = False) -> Iterator[str]:
    """Import every seed file (idempotent) and yield one summary line per file."""
    for name in INTERCHANGE_FILES:
        path = os.path.join(seeds_dir, name)
        if not os.path.exists(path):
            yield f"{name}: not present, skipped"
            continue
        with session_scope() as session:
            report = import_document(session=session, document=_read(path))
        yield f"{name}: {report.summary()}"
    if demo:
        from forecast.services.demo import load_demo
        from forecast.services.scoring.resolver import score_all

        with session_scope() as session:
            report = load_demo(session)
            rows = score_all(session=session)
        yield f"demo forecasters (marked demo): {report.summary()}; {rows} score rows"
    folder = os.path.join(seeds_dir, "calibration")
    if os.path.isdir(folder):
        from forecast.services.calibration import import_set

        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with session_scope() as session:
                    _, new = import_set(
                        session=session,
                        actor=None,
                        document=_read(os.path.join(folder, name)),
                        system=True,
                    )
                yield f"calibration/{name}: {'created' if new else 'already present'}"
    path = os.path.join(seeds_dir, TREND_FILE)
    if os.path.exists(path):
        from forecast.services.trends.series import load_series_seeds

        with session_scope() as session:
            attached, present = load_series_seeds(session, _read(path))
        yield f"{TREND_FILE}: {attached} trend series attached, {present} already present"
    path = os.path.join(seeds_dir, BOUNDARY_FILE)
    if os.path.exists(path):
        with session_scope() as session:
            created, present = load_boundaries(session, _read(path))
        yield (
            f"{BOUNDARY_FILE}: {created} boundar{'y' if created == 1 else 'ies'} created and "
            "committed, "
            f"{present} already present"
        )
