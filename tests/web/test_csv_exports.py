"""Every CSV the app writes defuses cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from forecast.http.csv_files import FORMULA_STARTS, csv_cell, csv_text
from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.forecasts import submit_forecast
from tests.conftest import PASSWORD, Api, make_token, make_user
from tests.integration.factories import World

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(text: str) -> None:
    assert csv_cell(text) == "'" + text


def test_numbers_stay_numbers_and_none_is_empty() -> None:
    assert csv_cell(-0.25) == -0.25 and csv_cell(-3) == -3 and csv_cell(None) == ""
    assert csv_cell({"kind": "yes"}) == '{"kind": "yes"}'


@given(st.text())
def test_no_written_cell_starts_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


@given(st.lists(st.lists(st.one_of(st.text(), st.floats(allow_nan=False)), min_size=2, max_size=2)))
def test_csv_text_reads_back_cell_for_cell(rows: list[list[object]]) -> None:
    text = csv_text(["a", "b"], rows)
    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == ["a", "b"] and len(read) == len(rows) + 1
    for written, original in zip(read[1:], rows, strict=True):
        assert written == [str(csv_cell(v)) for v in original]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_a_boundary_action_reaches_other_leaders_csv_as_text(app: Flask) -> None:
    world = World(app)
    question = world.question(title="=1+1 a title")
    author = world.user("author", Role.LEADER)
    with app.app_context(), session_scope() as session:
        boundary = boundary_service.create_boundary(
            session=session,
            actor=author,
            data={
                "question": question.id,
                "action": FORMULAS[0],
                "event": {"kind": "yes"},
                "comparator": ">=",
                "threshold": 0.1,
                "shared": True,
            },
        )
        boundary_service.commit_boundary(session=session, actor=author, boundary_id=boundary.id)
    reader = Api(app.test_client(), make_token(app, make_user(app, "reader", Role.LEADER)))
    response = reader.get("/boundaries/report?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    cells = _cells(response.get_data(as_text=True))
    assert "'" + FORMULAS[0] in cells
    # Only numbers (a negative margin) may start with a sign.
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            float(cell)


def test_my_forecasts_download_defuses_titles_and_rationales(app: Flask) -> None:
    world = World(app)
    question = world.question(title="@cmd|' /C calc'!A0")
    me = make_user(app, "mia")
    with app.app_context(), session_scope() as session:
        submit_forecast(
            session=session,
            actor=me,
            question_id=question.id,
            probability=0.3,
            rationale='=HYPERLINK("http://x")',
        )
    client = app.test_client()
    client.post("/login", data={"username": "mia", "password": PASSWORD})
    response = client.get("/account/download/forecasts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    cells = _cells(response.get_data(as_text=True))
    assert "'@cmd|' /C calc'!A0" in cells and '\'=HYPERLINK("http://x")' in cells
    assert "0.3" in cells  # a probability stays a number
