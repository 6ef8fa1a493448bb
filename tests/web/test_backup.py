"""forecast db backup / restore on SQLite."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command
from flask import Flask
from flask.testing import FlaskCliRunner

from forecast.infra.migrate import alembic_config, head_revision, known_revisions
from forecast.infra.sqlite.account_generation import AccountGeneration, generation_path
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


def test_a_backup_into_a_missing_folder_is_refused_with_a_message(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["db", "backup", str(tmp_path / "missing" / "backup.db")])
    assert result.exit_code == 1 and "cannot back up to" in result.output


def _database(app: Flask) -> Path:
    return Path(str(app.config["DATABASE_URL"]).removeprefix("sqlite:///"))


def _usernames(app: Flask) -> list[str]:
    with closing(sqlite3.connect(_database(app))) as connection:
        return [row[0] for row in connection.execute("SELECT username FROM users ORDER BY id")]


def _refused(app: Flask, runner: FlaskCliRunner, origin: Path, message: str) -> None:
    """Restoring origin fails with message, and the database and its folder are as they were."""
    make_user(app, "alice")
    folder = sorted(p.name for p in _database(app).parent.iterdir())
    result = runner.invoke(args=["db", "restore", str(origin)])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert _usernames(app) == ["alice"]
    assert sorted(p.name for p in _database(app).parent.iterdir()) == folder


def _backup_of(app: Flask, runner: FlaskCliRunner, path: Path) -> Path:
    path.parent.mkdir(exist_ok=True)
    assert runner.invoke(args=["db", "backup", str(path)]).exit_code == 0
    return path


def test_an_empty_file_is_refused_and_the_database_kept(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    empty = tmp_path / "elsewhere" / "empty.db"
    empty.parent.mkdir()
    empty.touch()
    _refused(app, runner, empty, "not a database of this app")


def test_an_unrelated_sqlite_database_is_refused_and_the_database_kept(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "other.db"
    other.parent.mkdir()
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO users (name) VALUES ('mallory')")
        connection.commit()
    _refused(app, runner, other, "no alembic_version table")


def test_a_database_with_a_known_revision_but_not_its_tables_is_refused(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "other.db"
    other.parent.mkdir()
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
        connection.commit()
    _refused(app, runner, other, "it lacks")


def test_a_backup_at_an_unknown_revision_is_refused(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    newer = _backup_of(app, runner, tmp_path / "elsewhere" / "newer.db")
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
        connection.commit()
    _refused(app, runner, newer, "'9999_future', which this version of the app does not know")


def test_a_corrupt_backup_is_refused_and_the_database_kept(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_user(app, "carol")
    corrupt = _backup_of(app, runner, tmp_path / "elsewhere" / "corrupt.db")
    with closing(sqlite3.connect(_database(app))) as connection:
        connection.execute("DELETE FROM users")
        connection.commit()
    data = bytearray(corrupt.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):
        data[start : start + 64] = b"\xff" * 64
    corrupt.write_bytes(bytes(data))
    _refused(app, runner, corrupt, "SQLite backup")


def test_a_good_backup_is_restored_and_running_servers_are_told(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_user(app, "alice")
    good = _backup_of(app, runner, tmp_path / "good.db")
    make_user(app, "bob")
    counter = AccountGeneration(generation_path(str(_database(app))))
    before = counter.read()
    result = runner.invoke(args=["db", "restore", str(good)])
    assert result.exit_code == 0, result.output
    assert f"(migration {head_revision()})" in result.output
    assert _usernames(app) == ["alice"]
    with closing(sqlite3.connect(_database(app))) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert counter.read() == before + 2
    counter.close()
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]


def test_a_backup_at_an_older_revision_is_upgraded_after_restoring(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    older_revision = known_revisions()[0]
    older = tmp_path / "older.db"
    command.upgrade(alembic_config(f"sqlite:///{older}"), older_revision)
    with closing(sqlite3.connect(older)) as connection:
        connection.execute(
            "INSERT INTO users (username, role, is_demo, created_at) "
            "VALUES ('olga', 'forecaster', 0, '2026-01-01 00:00:00')"
        )
        connection.commit()
    kept = older.read_bytes()
    make_user(app, "alice")
    result = runner.invoke(args=["db", "restore", str(older)])
    assert result.exit_code == 0, result.output
    assert f"the backup was at migration {older_revision}" in result.output
    assert f"upgraded to {head_revision()}" in result.output
    assert _usernames(app) == ["olga"]
    with closing(sqlite3.connect(_database(app))) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
    assert older.read_bytes() == kept
    assert '"olga"' in runner.invoke(args=["export", "all"]).output


def test_a_backup_with_another_page_size_is_restored(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_user(app, "alice")
    source = _backup_of(app, runner, tmp_path / "source.db")
    large = tmp_path / "large-pages.db"
    with closing(sqlite3.connect(source)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute(f"VACUUM INTO '{large}'")
    with closing(sqlite3.connect(large)) as connection:
        connection.execute("PRAGMA page_size=16384")
        connection.execute("VACUUM")
        assert connection.execute("PRAGMA page_size").fetchone()[0] == 16384
    make_user(app, "bob")
    result = runner.invoke(args=["db", "restore", str(large)])
    assert result.exit_code == 0, result.output
    assert _usernames(app) == ["alice"]
