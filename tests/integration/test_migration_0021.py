"""Revision 0021 (interval pastcasts): going below it is refused while interval pastcasts
exist, and forced, it deletes them and keeps the yes/no ones."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from forecast.infra.db import get_engine
from forecast.infra.migrate import alembic_config
from tests.conftest import build_app
from tests.integration.test_migrations_data import ROWS_AT, _insert, revisions

INTERVAL = {
    **ROWS_AT["0018"]()["pastcast_answers"][0],
    "id": 7,
    "user_id": 1,
    "question_id": 2,
    "kind": "interval",
    "probability": None,
    "answer_bool": None,
    "confidence": None,
    "log_score": None,
    "lower": 10.0,
    "upper": 50.0,
    "correct": True,
    "score": 40.0,
    "community_then": 30.0,
    "community_lower": 4.0,
    "community_upper": 300.0,
}


def test_a_downgrade_below_0021_is_refused_then_forced_deletes_only_interval_pastcasts(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'pastcasts.db'}"
    steps = revisions()
    command.upgrade(alembic_config(url), "0021")
    engine = create_engine(url)
    for step in steps[: steps.index("0021") + 1]:
        _insert(engine, ROWS_AT[step]())
    _insert(engine, {"pastcast_answers": [INTERVAL]})
    engine.dispose()
    app = build_app(url, tmp_path)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["db", "downgrade", "0020"])
    assert refused.exit_code != 0
    assert "1 interval pastcast" in refused.output
    forced = runner.invoke(args=["db", "downgrade", "0020", "--force"])
    assert forced.exit_code == 0, forced.output
    get_engine(app).dispose()
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT id, kind FROM pastcast_answers ORDER BY id")).all()
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(pastcast_answers)"))]
    assert [tuple(r) for r in kept] == [(1, "binary"), (2, "binary")]
    assert "lower" not in columns and "community_upper" not in columns
    engine.dispose()
