"""Interchange import and export: round trips, idempotency, all-or-nothing validation."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import pytest
from flask import Flask
from sqlalchemy import func, select

from forecast.core.synth import synthesize
from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso
from forecast.infra.db import session_scope
from forecast.models import Forecast, Question, User
from forecast.services.interchange.export import export_all
from forecast.services.interchange.importer import import_document

CDF = [0.0, *np.linspace(0.01, 0.97, 200).tolist()]


def document() -> dict[str, Any]:
    return {
        "format": "forecast-interchange/1",
        "users": [
            {"username": "alice", "role": "forecaster"},
            {"username": "bob", "role": "organizer"},
        ],
        "tournaments": [{"slug": "ai-2030", "title": "AI to 2030", "description": "Milestones."}],
        "questions": [
            {
                "key": "compute-2030",
                "tournament": "ai-2030",
                "type": "binary",
                "title": "Compute?",
                "description": "d",
                "resolution_criteria": "c",
                "open_time": "2026-01-01T00:00:00Z",
                "close_time": "2029-12-31T00:00:00Z",
                "resolve_time": "2030-06-30T00:00:00Z",
                "range": None,
                "resolution": {"outcome": "yes", "resolved_at": "2029-05-01T00:00:00Z"},
            },
            {
                "key": "when-agi",
                "tournament": "ai-2030",
                "type": "date",
                "title": "When?",
                "description": "d",
                "resolution_criteria": "c",
                "open_time": "2026-01-01T00:00:00Z",
                "close_time": "2029-12-31T00:00:00Z",
                "resolve_time": "2030-06-30T00:00:00Z",
                "range": {
                    "min": "2026-01-01T00:00:00Z",
                    "max": "2060-01-01T00:00:00Z",
                    "open_lower": False,
                    "open_upper": True,
                    "zero_point": None,
                },
                "resolution": None,
            },
            {
                "key": "flops",
                "tournament": "ai-2030",
                "type": "numeric",
                "title": "FLOP?",
                "description": "",
                "resolution_criteria": "c",
                "open_time": "2026-01-01T00:00:00Z",
                "close_time": "2029-12-31T00:00:00Z",
                "resolve_time": "2030-06-30T00:00:00Z",
                "range": {
                    "min": 1e24,
                    "max": 1e30,
                    "open_lower": True,
                    "open_upper": True,
                    "zero_point": 0.0,
                },
                "resolution": {"value": 3.5e27, "resolved_at": "2029-12-31T00:00:00Z"},
            },
        ],
        "forecasts": [
            {
                "question": "compute-2030",
                "user": "alice",
                "time": "2026-01-03T12:00:00Z",
                "probability": 0.7,
            },
            {"question": "when-agi", "user": "alice", "time": "2026-02-01T00:00:00Z", "cdf": CDF},
            {
                "question": "compute-2030",
                "user": "alice",
                "time": "2026-03-01T00:00:00Z",
                "withdraw": True,
            },
            {
                "question": "compute-2030",
                "user": "bob",
                "time": "2026-01-05T00:00:00.250000Z",
                "probability": 0.2,
                "rationale": "slow",
            },
            {
                "question": "compute-2030",
                "user": "bob",
                "time": "2026-04-05T00:00:00Z",
                "probability": 0.35,
            },
        ],
    }


def run_import(app: Flask, doc: Any) -> Any:
    with app.app_context(), session_scope() as session:
        return import_document(session=session, document=doc)


def run_export(app: Flask) -> bytes:
    with app.app_context(), session_scope() as session:
        return orjson.dumps(export_all(session=session))


def counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context(), session_scope() as session:
        return tuple(
            session.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
            for t in (User, Question, Forecast)
        )


def test_export_import_export_gives_the_same_bytes(any_app: Flask, app: Flask) -> None:
    run_import(any_app, document())
    first = run_export(any_app)
    # A second, empty database (the SQLite app) takes the export and gives it back unchanged.
    run_import(app, orjson.loads(first))
    assert run_export(app) == first


def test_the_export_keeps_withdrawals_updates_resolutions_and_rationales(any_app: Flask) -> None:
    run_import(any_app, document())
    exported = orjson.loads(run_export(any_app))
    alice = [
        f for f in exported["forecasts"] if f["user"] == "alice" and f["question"] == "compute-2030"
    ]
    assert alice == [
        {
            "question": "compute-2030",
            "user": "alice",
            "time": "2026-01-03T12:00:00Z",
            "probability": 0.7,
        },
        {
            "question": "compute-2030",
            "user": "alice",
            "time": "2026-03-01T00:00:00Z",
            "withdraw": True,
        },
    ]
    bob = [f for f in exported["forecasts"] if f["user"] == "bob"]
    assert bob[0]["rationale"] == "slow" and bob[0]["time"] == "2026-01-05T00:00:00.250000Z"
    flops = next(q for q in exported["questions"] if q["key"] == "flops")
    assert flops["resolution"] == {"value": 3.5e27, "resolved_at": "2029-12-31T00:00:00Z"}
    assert flops["range"]["zero_point"] == 0.0
    agi = next(f for f in exported["forecasts"] if f["question"] == "when-agi")
    assert agi["cdf"] == CDF


def test_importing_twice_changes_nothing(any_app: Flask) -> None:
    run_import(any_app, document())
    before = run_export(any_app)
    report = run_import(any_app, document())
    assert report.created == {"users": 0, "tournaments": 0, "questions": 0, "forecasts": 0}
    assert report.existing["forecasts"] == 4
    assert report.kept == []
    assert run_export(any_app) == before


def test_importing_the_export_back_reports_nothing_kept(any_app: Flask) -> None:
    run_import(any_app, document())
    exported = run_export(any_app)
    report = run_import(any_app, orjson.loads(exported))
    assert report.kept == [] and run_export(any_app) == exported


def test_a_reused_key_with_changed_fields_keeps_the_stored_ones_and_says_so(
    any_app: Flask,
) -> None:
    run_import(any_app, document())
    before = run_export(any_app)
    doc = document()
    doc["users"][0]["role"] = "organizer"
    doc["tournaments"][0]["title"] = "AI to 2035"
    doc["questions"][0].update(title="Compute, again?", close_time="2029-06-30T00:00:00Z")
    resolved = "2030-01-01T00:00:00Z"
    doc["questions"][1]["resolution"] = {"date": resolved, "resolved_at": resolved}
    doc["questions"][2]["range"]["max"] = 1e31
    del doc["questions"][2]["description"]  # left out: not compared, not reported
    report = run_import(any_app, doc)
    assert report.kept == [
        "user alice: role differs from the stored one; kept the stored role",
        "tournament ai-2030: title differs from the stored one; kept the stored title",
        "question compute-2030: title differs from the stored one; kept the stored title",
        "question compute-2030: close_time differs from the stored one; kept the stored close_time",
        "question when-agi: resolution differs from the stored one; kept the stored resolution",
        "question flops: range differs from the stored one; kept the stored range",
    ]
    assert report.summary().splitlines()[1:] == report.kept
    assert run_export(any_app) == before


def test_a_later_file_extends_a_users_history(any_app: Flask) -> None:
    run_import(any_app, document())
    doc = document()
    doc["forecasts"].append(
        {
            "question": "compute-2030",
            "user": "bob",
            "time": "2026-05-01T00:00:00Z",
            "probability": 0.5,
        }
    )
    run_import(any_app, doc)
    exported = orjson.loads(run_export(any_app))
    bob = [f["probability"] for f in exported["forecasts"] if f["user"] == "bob"]
    assert bob == [0.2, 0.35, 0.5]


BAD_RECORDS = [
    (
        lambda d: d["forecasts"].append(
            {
                "question": "compute-2030",
                "user": "alice",
                "time": "2026-06-01T00:00:00Z",
                "probability": 1.5,
            }
        ),
        "forecasts[5]",
    ),
    (
        lambda d: d["forecasts"].append(
            {
                "question": "nope",
                "user": "alice",
                "time": "2026-06-01T00:00:00Z",
                "probability": 0.5,
            }
        ),
        "unknown question",
    ),
    (
        lambda d: d["forecasts"].append(
            {
                "question": "compute-2030",
                "user": "alice",
                "time": "2031-06-01T00:00:00Z",
                "probability": 0.5,
            }
        ),
        "outside",
    ),
    (lambda d: d["forecasts"][1]["cdf"].reverse(), "forecasts[1]"),
    (
        lambda d: d["forecasts"][0].update(cdf=CDF),
        "forecasts[0]: a binary forecast takes a probability, not a cdf",
    ),
    (
        lambda d: d["forecasts"][1].update(probability=0.5),
        "forecasts[1]: a date forecast takes a cdf, not a probability",
    ),
    (lambda d: d["questions"][0].update(close_time="2025-01-01T00:00:00Z"), "questions[0]"),
    (lambda d: d["users"].append({"username": "x", "role": "forecaster"}), "users[2]"),
    (lambda d: d["users"][0].update(role="king"), "users[0]"),
    (lambda d: d.update(format="something/2"), "format"),
    (
        lambda d: d["questions"][2].update(
            resolution={"value": 1e31, "resolved_at": "2029-01-01T00:00:00Z"}
        ),
        "questions[2]",
    ),
]


@pytest.mark.parametrize("mutate,named", BAD_RECORDS)
def test_a_bad_record_is_named_and_nothing_is_written(
    any_app: Flask, mutate: Any, named: str
) -> None:
    run_import(
        any_app,
        {
            "format": "forecast-interchange/1",
            "users": [{"username": "carol", "role": "forecaster"}],
        },
    )
    before = (counts(any_app), run_export(any_app))
    doc = copy.deepcopy(document())
    mutate(doc)
    with pytest.raises(ValidationFailed) as info:
        run_import(any_app, doc)
    assert named in info.value.message
    assert (counts(any_app), run_export(any_app)) == before


def test_a_forecast_older_than_the_stored_history_is_refused(any_app: Flask) -> None:
    run_import(any_app, document())
    doc = document()
    doc["forecasts"].append(
        {
            "question": "compute-2030",
            "user": "bob",
            "time": "2026-02-01T00:00:00Z",
            "probability": 0.5,
        }
    )
    with pytest.raises(ValidationFailed, match="append-only"):
        run_import(any_app, doc)


def test_a_synthetic_file_round_trips(app: Flask) -> None:
    doc = orjson.loads(
        orjson.dumps(synthesize(n_questions=20, n_forecasts=600, n_users=30, resolved=True, seed=3))
    )
    report = run_import(app, doc)
    assert report.created["forecasts"] == 600
    exported = orjson.loads(run_export(app))
    assert len(exported["forecasts"]) == 600
    assert sorted(q["key"] for q in exported["questions"]) == sorted(
        q["key"] for q in doc["questions"]
    )


def test_synthetic_forecasts_on_open_questions_are_all_in_the_past() -> None:
    now = datetime(2027, 3, 1, tzinfo=UTC)
    doc = synthesize(n_questions=10, n_forecasts=400, n_users=20, seed=5, now=now)
    closes = {q["key"]: parse_iso(q["close_time"]) for q in doc["questions"]}
    assert all(close > now for close in closes.values())  # open questions
    starts = [parse_iso(f["time"]) for f in doc["forecasts"]]
    assert len(starts) == 400 and max(starts) < now
