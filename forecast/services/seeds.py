"""Load the seed folder: question bank (and more as the seed formats grow)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import orjson

from forecast.db import session_scope
from forecast.errors import ValidationFailed
from forecast.services.importer import import_document

INTERCHANGE_FILES = ("questions.json",)


def load_seeds(seeds_dir: str, *, demo: bool = False) -> Iterator[str]:
    """Import every seed file (idempotent) and yield one summary line per file."""
    for name in INTERCHANGE_FILES:
        path = os.path.join(seeds_dir, name)
        if not os.path.exists(path):
            yield f"{name}: not present, skipped"
            continue
        with open(path, "rb") as handle:
            try:
                document = orjson.loads(handle.read())
            except orjson.JSONDecodeError as exc:
                raise ValidationFailed(f"{path} is not valid JSON: {exc}") from None
        with session_scope() as session:
            report = import_document(session=session, document=document)
        yield f"{name}: {report.summary()}"
    if demo:
        yield "demo data: not available in this version"
