"""Revision 0012 (multiple choice): going below it is refused while multiple-choice questions
exist, and forced, it deletes them with their forecasts and nothing else."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from forecast.infra.db import get_engine
from forecast.infra.migrate import alembic_config
from tests.conftest import build_app
from tests.integration.test_migrations_data import ROWS_AT, _at, _insert, revisions

CHOICE = {
    **ROWS_AT["0001"]()["questions"][0],
    "id": 21,
    "key": "first-lab",
    "type": "multiple_choice",
    "title": "Which lab first?",
    "range_min": None,
    "range_max": None,
    "resolution_outcome": None,
    "resolution_value": None,
    "resolved_at": None,
    "options": '["OpenAI", "Anthropic", "Another lab"]',
}


def test_a_downgrade_below_0012_is_refused_then_forced_deletes_only_multiple_choice(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'mc.db'}"
    steps = revisions()
    command.upgrade(alembic_config(url), "0012")
    engine = create_engine(url)
    for step in steps[: steps.index("0012") + 1]:
        _insert(engine, ROWS_AT[step]())
    _insert(engine, {"questions": [CHOICE]})
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO forecasts (question_id, user_id, start_time, cdf) "
                "VALUES (21, 2, :at, :cdf)"
            ),
            {"at": _at(1).replace(tzinfo=None), "cdf": b"\x00" * 24},
        )
        before = conn.execute(text("SELECT count(*) FROM questions")).scalar_one()
    engine.dispose()
    app = build_app(url, tmp_path)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["db", "downgrade", "0011"])
    assert refused.exit_code != 0
    assert "1 multiple-choice question with their 1 forecast" in refused.output
    forced = runner.invoke(args=["db", "downgrade", "0011", "--force"])
    assert forced.exit_code == 0, forced.output
    get_engine(app).dispose()
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM questions")).scalar_one()
        kinds = conn.execute(text("SELECT DISTINCT type FROM questions")).scalars().all()
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(questions)"))]
    assert left == before - 1 and "multiple_choice" not in kinds
    assert "options" not in columns
    engine.dispose()
