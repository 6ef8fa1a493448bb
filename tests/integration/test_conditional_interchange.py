"""Conditional questions in interchange files: any order, inherited fields, derived
resolutions, round trips, and bad conditions named with nothing written."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from flask import Flask
from sqlmodel import select

from forecast.errors import ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import Conditional, Question
from forecast.services.interchange.export import export_all
from forecast.services.interchange.importer import import_document

WINDOW = {
    "open_time": "2026-01-01T00:00:00Z",
    "close_time": "2029-12-31T00:00:00Z",
    "resolve_time": "2030-06-30T00:00:00Z",
}


def document() -> dict[str, Any]:
    """Branches first, then the outcome, then the condition: the order must not matter."""
    branches = [
        {
            "key": f"flops-if-compute-{b}",
            "tournament": "ai",
            "title": f"FLOP if compute {b}?",
            "description": "",
            "resolution_criteria": "follows",
            "condition": {"if": "compute", "is": b, "then": "flops"},
        }
        for b in ("yes", "no")
    ]
    return {
        "format": "forecast-interchange/1",
        "users": [{"username": "alice", "role": "forecaster"}],
        "tournaments": [{"slug": "ai", "title": "AI", "description": ""}],
        "questions": [
            *branches,
            {
                "key": "flops",
                "tournament": "ai",
                "type": "numeric",
                "title": "FLOP?",
                "description": "",
                "resolution_criteria": "c",
                **WINDOW,
                "range": {
                    "min": 1e24,
                    "max": 1e30,
                    "open_lower": True,
                    "open_upper": True,
                    "zero_point": 0.0,
                },
                "resolution": {"value": 3.5e27, "resolved_at": "2029-12-31T00:00:00Z"},
            },
            {
                "key": "compute",
                "tournament": "ai",
                "type": "binary",
                "title": "Compute?",
                "description": "",
                "resolution_criteria": "c",
                **WINDOW,
                "range": None,
                "resolution": {"outcome": "no", "resolved_at": "2029-05-01T00:00:00Z"},
            },
        ],
        "forecasts": [
            {
                "question": "flops-if-compute-no",
                "user": "alice",
                "time": "2026-02-01T00:00:00Z",
                "cdf": [0.01 + 0.98 * k / 200 for k in range(201)],
            }
        ],
    }


def run_import(app: Flask, doc: Any) -> Any:
    with app.app_context(), session_scope() as session:
        return import_document(session=session, document=doc)


def run_export(app: Flask) -> dict[str, Any]:
    with app.app_context(), session_scope() as session:
        return export_all(session=session)


def test_conditionals_import_in_any_order_and_follow_their_questions(any_app: Flask) -> None:
    run_import(any_app, document())
    with any_app.app_context(), session_scope() as session:
        by_key = {q.key: q for q in session.exec(select(Question))}
        yes, no = by_key["flops-if-compute-yes"], by_key["flops-if-compute-no"]
        assert (yes.type, no.type) == ("numeric", "numeric")
        assert no.range_max == 1e30 and no.close_time == by_key["flops"].close_time
        assert yes.resolution_outcome == "annulled" and yes.status == "annulled"
        assert (no.resolution_outcome, no.resolution_value) == ("value", 3.5e27)
        links = {c.question_id: c.branch for c in session.exec(select(Conditional))}
        assert links == {yes.id: "yes", no.id: "no"}


def test_the_export_carries_the_condition_and_round_trips(any_app: Flask, app: Flask) -> None:
    run_import(any_app, document())
    first = run_export(any_app)
    branch = next(q for q in first["questions"] if q["key"] == "flops-if-compute-no")
    assert branch["condition"] == {"if": "compute", "is": "no", "then": "flops"}
    assert branch["resolution"] is None
    assert branch["type"] == "numeric"
    run_import(app, orjson.loads(orjson.dumps(first)))
    assert orjson.dumps(run_export(app)) == orjson.dumps(first)
    again = run_import(any_app, first)  # idempotent, and nothing reported as kept
    assert again.kept == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"if": "nowhere", "is": "yes", "then": "flops"}, "unknown condition"),
        ({"if": "flops", "is": "yes", "then": "compute"}, "must be a binary"),
        ({"if": "compute", "is": "maybe", "then": "flops"}, "yes or no"),
        ({"if": "compute", "is": "yes"}, "condition must be"),
        ({"if": "compute", "is": "yes", "then": "compute"}, "itself"),
    ],
)
def test_a_bad_condition_is_named_and_nothing_is_written(
    app: Flask, change: dict[str, Any], message: str
) -> None:
    doc = copy.deepcopy(document())
    doc["questions"][0]["condition"] = change
    with pytest.raises(ValidationFailed, match=message):
        run_import(app, doc)
    with app.app_context(), session_scope() as session:
        assert session.exec(select(Question)).first() is None


def test_a_conditional_with_its_own_resolution_is_refused(app: Flask) -> None:
    doc = copy.deepcopy(document())
    doc["questions"][0]["resolution"] = {
        "outcome": "annulled",
        "resolved_at": "2029-01-01T00:00:00Z",
    }
    with pytest.raises(ValidationFailed, match="no resolution of its own"):
        run_import(app, doc)
