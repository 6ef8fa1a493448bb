"""Calibration training through the API, the CLI and the seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import scoringrules
from flask import Flask
from flask.testing import FlaskCliRunner

from forecast.core.calibration import certified, grade_binary, grade_interval, summarize_binary
from forecast.models import Role
from forecast.services.seeds import load_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SET = {
    "format": "forecast-calibration/1",
    "slug": "tiny",
    "title": "Tiny",
    "items": [
        {
            "kind": "binary",
            "prompt": "Water boils at 100 C at sea level.",
            "answer": True,
            "source": "physics",
        },
        {
            "kind": "interval",
            "prompt": "Year AlexNet won ImageNet?",
            "unit": "year",
            "answer": 2012,
            "source": "ILSVRC",
        },
    ],
}


def test_grading_matches_hand_computed_values_and_scoringrules() -> None:
    assert grade_binary(True, 0.8, True) == (True, pytest.approx(0.04), pytest.approx(-0.2231435))
    right, brier, _ = grade_binary(False, 0.9, True)
    assert not right and brier == pytest.approx(0.81)
    hit, score = grade_interval(2010, 2015, 2012)
    assert hit and score == pytest.approx(5.0)
    miss, score = grade_interval(2013, 2015, 2012)
    expected = float(scoringrules.interval_score(2012, 2013, 2015, 0.1))
    assert not miss and score == pytest.approx(expected) == pytest.approx(2 + 20 * 1)


def test_the_certification_rule_at_its_edges() -> None:
    def record(n: int, confidence: float, hits: int) -> Any:
        return summarize_binary([confidence] * n, [1] * hits + [0] * (n - hits))

    interval_ok = {"answered": 20, "hit_rate": 0.9, "mean_interval_score": 1.0}
    assert certified(record(50, 0.8, 40), interval_ok)
    assert not certified(record(49, 0.8, 39), interval_ok)
    assert certified(record(50, 0.85, 40), interval_ok)  # exactly 5 points apart
    assert not certified(record(50, 0.86, 40), interval_ok)
    for rate, ok in ((0.80, True), (0.97, True), (0.79, False), (0.98, False)):
        assert certified(record(50, 0.8, 40), {**interval_ok, "hit_rate": rate}) is ok
    assert not certified(record(50, 0.8, 40), {**interval_ok, "answered": 19})


def test_a_forecaster_trains_through_the_api(app: Flask, api_as: Any) -> None:
    organizer = api_as("olga", Role.ORGANIZER)
    assert organizer.post("/calibration/sets", json=SET).status_code == 201
    assert api_as("fran").post("/calibration/sets", json={**SET, "slug": "x"}).status_code == 403
    ann = api_as("ann")
    first = ann.get("/calibration/sets/tiny/next").get_json()
    assert first["kind"] == "binary" and set(first) == {"id", "kind", "prompt", "unit"}
    graded = ann.post(
        f"/calibration/items/{first['id']}/answers", json={"answer": True, "confidence": 0.9}
    )
    assert graded.status_code == 201
    assert graded.get_json()["correct"] and graded.get_json()["source"] == "physics"
    again = ann.post(
        f"/calibration/items/{first['id']}/answers", json={"answer": True, "confidence": 0.9}
    )
    assert again.status_code == 409
    second = ann.get("/calibration/sets/tiny/next").get_json()
    assert second["unit"] == "year"
    bad = ann.post(f"/calibration/items/{second['id']}/answers", json={"lower": 5, "upper": 1})
    assert bad.status_code == 422
    ann.post(f"/calibration/items/{second['id']}/answers", json={"lower": 2010, "upper": 2014})
    assert ann.get("/calibration/sets/tiny/next").status_code == 204
    me = ann.get("/calibration/me").get_json()
    assert me["answered"] == 2 and me["interval"]["hit_rate"] == 1.0
    assert me["binary"]["brier"] == pytest.approx(0.01) and me["certified"] is False
    assert [(s["session"], s["answered"]) for s in me["sessions"]] == [(1, 2)]
    assert api_as("bob").get("/calibration/me").get_json()["answered"] == 0


def test_the_seed_sets_load_once(app: Flask) -> None:
    with app.app_context():
        first = list(load_seeds(str(SEEDS)))
        second = list(load_seeds(str(SEEDS)))
    assert any("ai-progress.json: created" in line for line in first)
    assert any("ai-progress.json: already present" in line for line in second)


def test_bad_set_files_name_the_bad_row(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text("kind,prompt,answer,unit,source\nbinary,Fine,true,,s\ninterval,Bad,lots,,s\n")
    result = runner.invoke(args=["calibration", "import", str(path), "--slug", "c", "--title", "C"])
    assert result.exit_code == 1 and "row 3" in result.output
    path.write_text("kind,prompt,answer,unit,source\nbinary,Fine,true,,s\n")
    ok = runner.invoke(args=["calibration", "import", str(path), "--slug", "c", "--title", "C"])
    assert ok.exit_code == 0 and "created" in ok.output
