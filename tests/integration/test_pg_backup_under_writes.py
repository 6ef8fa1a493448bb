"""pg_dump -Fc while forecasts are being submitted restores to exactly the dumped snapshot.

The test exports a snapshot (pg_export_snapshot) in a REPEATABLE READ transaction and has
pg_dump read that same snapshot (--snapshot), so "the state the dump holds" is a fixed thing: the
interchange export run inside that transaction. Writes go on through the service before, while
and after the dump; the restored database's `forecast export all` must equal the snapshot's
export, hold every write acknowledged before the snapshot, and none begun after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session

from forecast.infra.db import get_engine
from forecast.services.interchange.export import export_all
from tests.conftest import PG_URL, build_app
from tests.integration.backup_writer import Writer
from tests.integration.test_pg_backup import (  # noqa: F401  (the source fixture)
    fill,
    readme_command,
    run,
    source,
    with_names,
)

pytestmark = pytest.mark.postgres

WAIT_S = 600


@pytest.fixture
def copy_url(source: Flask) -> Iterator[URL]:  # noqa: F811
    """An empty database named after the test database (so parallel runs do not share it)."""
    assert PG_URL is not None
    name = f"{make_url(PG_URL).database}_copy_under_writes"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(PG_URL).set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _probabilities(document: dict, question_key: str) -> set[float]:
    return {f["probability"] for f in document["forecasts"] if f["question"] == question_key}


@pytest.mark.parametrize(
    ("warm_up", "after"),
    [
        pytest.param(5, 3, id="quick"),
        pytest.param(300, 100, id="full", marks=pytest.mark.slow),
    ],
)
def test_a_dump_taken_while_forecasts_arrive_restores_its_snapshot_exactly(
    source: Flask,  # noqa: F811
    copy_url: URL,
    tmp_path: Path,
    warm_up: int,
    after: int,
) -> None:
    world = fill(source)
    writer = Writer(source, world["open"], ("ann", "ben"), warm_up=warm_up, after=after)
    thread = writer.start()
    assert writer.warmed_up.wait(WAIT_S) and writer.error is None, writer.error

    engine = get_engine(source)
    source_url = make_url(source.config["DATABASE_URL"])
    dump = tmp_path / "forecast.dump"
    with engine.connect() as held:
        held.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot_id = held.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        acknowledged_before = len(writer.acknowledged)
        writer.snapshot_taken.set()
        # Writes committed after the snapshot, before the dump even starts reading.
        assert writer.written_after.wait(WAIT_S) and writer.error is None, writer.error
        args = with_names(readme_command("pg_dump"), source_url.database or "", dump)
        run([args[0], f"--snapshot={snapshot_id}", *args[1:]], source_url)
        with Session(bind=held) as session:
            at_snapshot = json.loads(json.dumps(export_all(session=session), default=str))
        held.exec_driver_sql("COMMIT")
    writer.stop.set()
    thread.join(WAIT_S)
    assert not thread.is_alive() and writer.error is None, writer.error

    run(with_names(readme_command("pg_restore"), copy_url.database or "", dump), copy_url)
    copy = build_app(copy_url.render_as_string(hide_password=False), tmp_path / "copy")
    try:
        result = copy.test_cli_runner().invoke(args=["export", "all"])
        assert result.exit_code == 0, result.output
        restored = json.loads(result.output)
    finally:
        get_engine(copy).dispose()

    assert restored == at_snapshot
    key = next(q["key"] for q in restored["questions"] if q["title"] == "Open one?")
    held_writes = _probabilities(restored, key)
    before = {w.probability for w in writer.acknowledged[:acknowledged_before]}
    begun_after = {w.probability for w in writer.acknowledged if w.after_snapshot}
    assert len(before) >= warm_up and len(begun_after) >= after
    assert before <= held_writes
    assert not begun_after & held_writes
    # The source itself moved on: it holds every acknowledged write.
    with Session(bind=engine) as session:
        now = export_all(session=session)
    assert {w.probability for w in writer.acknowledged} <= _probabilities(now, key)
