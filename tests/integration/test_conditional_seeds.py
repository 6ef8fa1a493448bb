"""The seeded conditional pairs: four, each tied to a seeded boundary's question, with criteria a
stranger could check, loaded on both databases as pairs that report as signposts."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Conditional, Question
from forecast.services.seeds import load_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_four_pairs_on_the_seeded_boundaries_questions_with_checkable_criteria() -> None:
    questions = json.loads((SEEDS / "conditionals.json").read_text())["questions"]
    boundaries = json.loads((SEEDS / "boundaries.json").read_text())["boundaries"]
    bank = {q["key"] for q in json.loads((SEEDS / "questions.json").read_text())["questions"]}
    branches = [q for q in questions if "condition" in q]
    conditions = [q for q in questions if "condition" not in q]
    pairs = {(b["condition"]["if"], b["condition"]["then"]) for b in branches}
    assert len(pairs) == 4 and len(branches) == 8
    assert {o for _, o in pairs} <= {b["question"] for b in boundaries}
    keys = bank | {c["key"] for c in conditions}
    for condition in conditions:
        assert condition["type"] == "binary"
        assert condition["source"].strip()
        assert "Resolves YES if" in condition["resolution_criteria"]
    for branch in branches:
        c, o = branch["condition"]["if"], branch["condition"]["then"]
        assert c in keys and o in keys
        assert c in branch["resolution_criteria"] and o in branch["resolution_criteria"]
        assert "annulled" in branch["resolution_criteria"]


def test_the_seeded_pairs_load_as_links(any_app: Flask) -> None:
    with any_app.app_context():
        lines = list(load_seeds(str(SEEDS)))
    assert any("conditionals.json" in line and "11 questions created" in line for line in lines)
    with any_app.app_context(), session_scope() as session:
        links = session.exec(select(Conditional)).all()
        assert len(links) == 8
        outcomes = {session.get(Question, link.outcome_id).key for link in links}  # type: ignore[union-attr]
        assert "transformative-science-date" in outcomes
        branch = session.get(Question, links[0].question_id)
        assert branch is not None and branch.type == session.get(Question, links[0].outcome_id).type  # type: ignore[union-attr]
