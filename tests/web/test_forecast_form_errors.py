"""A refused forecast comes back as typed, with the field at fault marked and explained."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login

WIDE = {"min": 0, "max": 1000, "open_lower": False, "open_upper": True}


def _input(page: str, name: str) -> str:
    """Return the opening tag of the input named name."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page, re.S)
    assert found, name
    return found.group(0)


def _value(page: str, name: str) -> str:
    found = re.search(r'value="([^"]*)"', _input(page, name))
    assert found, name
    return html.unescape(found.group(1))


def _rationale(page: str) -> str:
    found = re.search(r'<textarea name="rationale"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def _marked(page: str) -> set[str]:
    """Return the names of the inputs and text areas marked invalid."""
    tags = re.findall(r'<(?:input|textarea)[^>]*name="(\w+)"[^>]*aria-invalid="true"', page)
    return set(tags)


def _message(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    assert found, name
    assert f'aria-describedby="{name}-error"' in _input(page, name)
    return html.unescape(found.group(1))


def _post(client: FlaskClient, question_id: int, data: dict[str, str]) -> tuple[int, str]:
    response = client.post(f"/questions/{question_id}/forecast", data=data)
    return response.status_code, response.data.decode()


def _forecaster(app: Flask, client: FlaskClient) -> None:
    make_user(app, "ann")
    login(client, "ann")


def test_a_percentile_that_is_not_a_number_keeps_the_others_and_the_rationale(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("numeric", range=WIDE)
    _forecaster(app, client)
    typed = {"q5": "4", "q25": "1O", "q50": "30", "q75": "", "q95": "300", "rationale": "Trend <x>"}
    status, page = _post(client, question.id, typed)
    assert status == 422
    assert {name: _value(page, name) for name in ("q5", "q25", "q50", "q75", "q95")} == {
        k: v for k, v in typed.items() if k != "rationale"
    }
    assert _rationale(page) == "Trend <x>"
    assert _marked(page) == {"q25"}
    assert _message(page, "q25") == "“1O” is not a number."
    assert (
        'role="alert" id="forecast-error">Not saved. 25th percentile: “1O” is not a number.' in page
    )
    assert "You have not forecast on this question yet." in page


def test_percentiles_out_of_order_mark_the_one_that_breaks_the_order(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("numeric", range=WIDE)
    _forecaster(app, client)
    typed = {"q5": "4", "q25": "50", "q50": "30", "q75": "100", "q95": "300", "rationale": "r"}
    status, page = _post(client, question.id, typed)
    assert status == 422
    assert [_value(page, f"q{n}") for n in (5, 25, 50, 75, 95)] == ["4", "50", "30", "100", "300"]
    assert _marked(page) == {"q50"}
    assert "50 is followed by 30" in _message(page, "q50")
    assert _rationale(page) == "r"


def test_a_percentile_beyond_a_closed_bound_is_the_one_marked(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("numeric")  # 0 to 100, closed below
    _forecaster(app, client)
    status, page = _post(client, question.id, {"q5": "-5", "q50": "40", "q95": "90"})
    assert status == 422 and _marked(page) == {"q5"}
    assert "below the closed lower bound" in _message(page, "q5")


def test_missing_percentiles_mark_the_boxes_the_form_asks_for(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question("numeric")
    _forecaster(app, client)
    status, page = _post(client, question.id, {"q5": "10", "q25": "20", "rationale": "kept"})
    assert status == 422
    assert _marked(page) == {"q50", "q95"}
    assert _message(page, "q95") == "Give the 95th percentile."
    assert [_value(page, f"q{n}") for n in (5, 25, 50, 75, 95)] == ["10", "20", "", "", ""]
    assert _rationale(page) == "kept"


def test_a_date_that_is_not_a_date_is_marked(app: Flask, client: FlaskClient) -> None:
    question = World(app).question("date")
    _forecaster(app, client)
    typed = {"q5": "2027-01-01", "q50": "2029-13-01", "q95": "2035-01-01"}
    status, page = _post(client, question.id, typed)
    assert status == 422 and _marked(page) == {"q50"}
    assert _message(page, "q50") == "“2029-13-01” is not a date (YYYY-MM-DD)."
    assert [_value(page, n) for n in ("q5", "q50", "q95")] == list(typed.values())


def test_a_bad_probability_keeps_what_was_typed_and_marks_the_box(
    app: Flask, client: FlaskClient
) -> None:
    question = World(app).question()
    _forecaster(app, client)
    status, page = _post(client, question.id, {"probability": "150", "rationale": "sure"})
    assert status == 422
    assert _value(page, "probability") == "150"
    assert _marked(page) == {"probability"}
    assert "probability must be between" in _message(page, "probability")
    assert 'id="forecast-error">Not saved. Probability must be between' in page
    assert _rationale(page) == "sure"


def test_a_rationale_too_long_is_marked_and_kept(app: Flask, client: FlaskClient) -> None:
    question = World(app).question()
    _forecaster(app, client)
    long = "x" * 10_001
    status, page = _post(client, question.id, {"probability": "35", "rationale": long})
    assert status == 422
    assert _marked(page) == {"rationale"} and _rationale(page) == long
    assert _value(page, "probability") == "35"
    assert "rationale is longer than" in page


def test_a_forecast_on_a_closed_question_says_why_without_a_server_error(
    app: Flask, client: FlaskClient
) -> None:
    from datetime import timedelta

    question = World(app).question(opens=timedelta(days=1))  # not open yet
    _forecaster(app, client)
    status, page = _post(client, question.id, {"probability": "35"})
    assert status == 409 and "has not opened yet" in page
