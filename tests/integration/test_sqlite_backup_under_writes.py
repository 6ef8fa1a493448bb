"""forecast db backup while forecasts are being submitted, then forecast db restore into a new
database: the copy is the source as it stood at one instant of the writes.

SQLite's backup API copies one consistent state; which one depends on when the copy ran, so the
test pins it down from both sides: every write acknowledged before the backup began is in the
copy, every write begun after it returned is not, and the writes it holds are a prefix of the
writer's sequence (nothing skipped). Everything else exports exactly as before the writes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import build_app
from tests.integration.backup_writer import Writer
from tests.integration.test_pg_backup import fill

WAIT_S = 600


def _export(app: Flask) -> dict:
    result = app.test_cli_runner().invoke(args=["export", "all"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    ("warm_up", "after"),
    [
        pytest.param(5, 3, id="quick"),
        pytest.param(300, 100, id="full", marks=pytest.mark.slow),
    ],
)
def test_a_backup_taken_while_forecasts_arrive_restores_one_consistent_state(
    sqlite_template: Path, tmp_path: Path, warm_up: int, after: int
) -> None:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    source = build_app(f"sqlite:///{tmp_path / 'forecast.db'}", tmp_path)
    world = fill(source)
    base = _export(source)
    key = next(q["key"] for q in base["questions"] if q["title"] == "Open one?")
    writer = Writer(source, world["open"], ("ann", "ben"), warm_up=warm_up, after=after)
    thread = writer.start()
    assert writer.warmed_up.wait(WAIT_S) and writer.error is None, writer.error

    acknowledged_before = len(writer.acknowledged)
    backup = tmp_path / "backup.db"
    done = source.test_cli_runner().invoke(args=["db", "backup", str(backup)])
    assert done.exit_code == 0, done.output
    writer.snapshot_taken.set()
    assert writer.written_after.wait(WAIT_S) and writer.error is None, writer.error
    writer.stop.set()
    thread.join(WAIT_S)
    assert not thread.is_alive() and writer.error is None, writer.error

    (tmp_path / "copy").mkdir()
    shutil.copy(sqlite_template, tmp_path / "copy" / "forecast.db")
    copy = build_app(f"sqlite:///{tmp_path / 'copy' / 'forecast.db'}", tmp_path / "copy")
    restored = copy.test_cli_runner().invoke(args=["db", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    exported = _export(copy)

    sequence = [w.probability for w in writer.acknowledged]
    held = [
        f["probability"]
        for f in exported["forecasts"]
        if f["question"] == key and f["probability"] in set(sequence)
    ]
    held_set = set(held)
    n = len(held_set)
    assert acknowledged_before <= n < len(sequence)
    assert held_set == set(sequence[:n])
    assert not {w.probability for w in writer.acknowledged if w.after_snapshot} & held_set
    # Everything the writer did not touch exports exactly as before the writes.
    untouched = [f for f in exported["forecasts"] if f["question"] != key]
    assert untouched == [f for f in base["forecasts"] if f["question"] != key]
    assert {k: v for k, v in exported.items() if k != "forecasts"} == {
        k: v for k, v in base.items() if k != "forecasts"
    }
