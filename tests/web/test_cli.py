"""The forecast command group: users, tokens, import, export."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.integration.test_interchange import document


def test_users_create_and_tokens_create(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(
        args=["users", "create", "olga", "--role", "organizer", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0 and "olga (organizer)" in result.output
    token = runner.invoke(args=["tokens", "create", "olga"])
    assert token.exit_code == 0 and token.output.strip().startswith("fc_")
    assert len(token.output.strip().splitlines()) == 1
    client = app.test_client()
    response = client.get(
        "/api/v1/questions", headers={"Authorization": f"Bearer {token.output.strip()}"}
    )
    assert response.status_code == 200


def test_creating_a_user_twice_fails_with_a_message(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["users", "create", "olga"])
    again = runner.invoke(args=["users", "create", "olga"])
    assert again.exit_code == 1 and "taken" in again.output


def test_tokens_for_an_unknown_user_fail(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["tokens", "create", "ghost"])
    assert result.exit_code == 1 and "no user named" in result.output


def test_import_then_export_all(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document()))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0 and "3 questions created" in result.output
    exported = runner.invoke(args=["export", "all"])
    assert exported.exit_code == 0
    assert json.loads(exported.output)["format"] == "forecast-interchange/1"


def test_a_malformed_import_file_exits_1_naming_the_problem(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "forecast-interchange/1", "users": [')
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "not valid JSON" in result.output
    doc = document()
    doc["forecasts"][0]["probability"] = 2
    path.write_text(json.dumps(doc))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "forecasts[0]" in result.output
    assert "nothing was imported" in result.output
    exported = json.loads(runner.invoke(args=["export", "all"]).output)
    assert exported["users"] == [] and exported["questions"] == []


def test_a_cdf_beside_a_binary_probability_is_refused_by_name(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    doc = document()
    doc["forecasts"][0]["cdf"] = doc["forecasts"][1]["cdf"]
    path = tmp_path / "both.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert "forecasts[0]: a binary forecast takes a probability, not a cdf" in result.output
    exported = json.loads(runner.invoke(args=["export", "all"]).output)
    assert exported["users"] == [] and exported["forecasts"] == []


def test_the_import_summary_lists_the_stored_values_it_kept(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document()))
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    doc = document()
    doc["questions"][0]["title"] = "Compute by 2030, restated?"
    path.write_text(json.dumps(doc))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == [
        "question compute-2030: title differs from the stored one; kept the stored title"
    ]


def test_a_missing_import_file_is_a_clear_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["import", "/nonexistent/file.json"])
    assert result.exit_code == 1 and "cannot read" in result.output
