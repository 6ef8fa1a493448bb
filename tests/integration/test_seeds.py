"""The seed folder: it validates, loads on both databases, and loading twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from flask import Flask

from forecast.infra.db import session_scope
from forecast.services.interchange.export import export_all
from forecast.services.seeds import load_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def snapshot(app: Flask) -> bytes:
    with app.app_context(), session_scope() as session:
        return orjson.dumps(export_all(session=session))


def test_every_seeded_question_has_criteria_and_a_source() -> None:
    questions = json.loads((SEEDS / "questions.json").read_text())["questions"]
    milestones = [q for q in questions if q["tournament"] == "ai-milestones"]
    assert len(milestones) >= 30
    assert {q["type"] for q in milestones} == {"binary", "numeric", "date"}
    for question in questions:
        assert question["resolution_criteria"].strip() and question.get("source", "").strip()


def test_the_seeds_and_demo_load_and_loading_twice_changes_nothing(any_app: Flask) -> None:
    with any_app.app_context():
        lines = list(load_seeds(str(SEEDS), demo=True))
    assert any("48 questions created" in line for line in lines)
    assert any("7 boundaries created" in line for line in lines)
    first = snapshot(any_app)
    document = orjson.loads(first)
    assert len(document["forecasts"]) > 1000
    with any_app.app_context():
        again = list(load_seeds(str(SEEDS), demo=True))
    assert any("0 boundaries created" in line for line in again)
    assert snapshot(any_app) == first


def test_the_multiple_choice_seeds_have_checkable_criteria_and_a_catch_all() -> None:
    questions = json.loads((SEEDS / "multiple_choice.json").read_text())["questions"]
    assert len([q for q in questions if q["tournament"] == "ai-milestones"]) >= 6
    for question in questions:
        assert question["type"] == "multiple_choice"
        assert 2 <= len(question["options"]) <= 20
        assert question["resolution_criteria"].strip() and question["source"].strip()
        # Some option must always happen: each list ends with a catch-all.
        assert any(word in question["options"][-1] for word in ("None", "Another", "No "))
