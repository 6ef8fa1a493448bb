"""forecast db backup / restore on SQLite."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.conftest import make_user


def test_a_backup_restores_the_data_it_held(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_user(app, "alice")
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0 and target.stat().st_size > 0
    make_user(app, "bob")
    assert runner.invoke(args=["db", "restore", str(target)]).exit_code == 0
    exported = runner.invoke(args=["export", "all"]).output
    assert '"alice"' in exported and '"bob"' not in exported


def test_bad_backup_targets_are_refused(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"x")
    assert runner.invoke(args=["db", "backup", str(existing)]).exit_code == 1
    missing = runner.invoke(args=["db", "restore", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no backup" in missing.output
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    refused = runner.invoke(args=["db", "restore", str(broken)])
    assert refused.exit_code == 1 and "not a usable SQLite backup" in refused.output
