"""Trend series through the API: an organizer attaches one, anyone reads its fit; bad input is
a 422 naming the field, with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from forecast.models import Role
from tests.integration.factories import World

COMPUTE = [
    {"date": "2020-01-01T00:00:00Z", "value": 3e23, "source": "GPT-3 (Epoch AI)"},
    {"date": "2021-01-01T00:00:00Z", "value": 1.2e24},
    {"date": "2022-01-01T00:00:00Z", "value": 4.8e24},
    {"date": "2023-01-01T00:00:00Z", "value": 1.92e25, "source": "GPT-4 estimate"},
]


def test_an_organizer_attaches_a_series_and_anyone_reads_its_line(app: Flask, api_as: Any) -> None:
    question = World(app).question("numeric")
    organizer = api_as("olga", Role.ORGANIZER)
    response = organizer.post(
        f"/questions/{question.id}/series", json={"points": COMPUTE, "fit": "log_linear"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    # x4 a calendar year: doubling every half year (to the length of 2020, a leap year).
    assert body["doubling_years"] == pytest.approx(0.5, rel=1e-3)
    assert body["points"][0]["source"] == "GPT-3 (Epoch AI)" and len(body["cdf"]) == 201
    read = api_as("fran").get(f"/questions/{question.id}/series")
    assert read.status_code == 200 and read.get_json()["fit"] == "log_linear"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"points": COMPUTE[:2], "fit": "linear"}, "points"),
        ({"points": COMPUTE, "fit": "cubic"}, "fit"),
        ({"points": [{**COMPUTE[0], "value": -1}, *COMPUTE[1:]], "fit": "log_linear"}, "points"),
        (
            {"points": [{"date": "soon", "value": 1}, *COMPUTE[1:]], "fit": "linear"},
            "points[0].date",
        ),
        ({"points": COMPUTE, "fit": "linear", "window": -2}, "window"),
    ],
)
def test_bad_series_are_refused_and_nothing_is_stored(
    app: Flask, api_as: Any, body: dict[str, Any], field: str
) -> None:
    question = World(app).question("numeric")
    organizer = api_as("olga", Role.ORGANIZER)
    response = organizer.post(f"/questions/{question.id}/series", json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert organizer.get(f"/questions/{question.id}/series").status_code == 404


def test_only_organizers_attach_and_only_to_numeric_or_date_questions(
    app: Flask, api_as: Any
) -> None:
    world = World(app)
    numeric, binary, date = world.question("numeric"), world.question(), world.question("date")
    body = {"points": COMPUTE, "fit": "log_linear"}
    assert api_as("fran").post(f"/questions/{numeric.id}/series", json=body).status_code == 403
    organizer = api_as("olga", Role.ORGANIZER)
    assert organizer.post(f"/questions/{binary.id}/series", json=body).status_code == 422
    missing = organizer.post(f"/questions/{date.id}/series", json=body)
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "level"
    reached = organizer.post(f"/questions/{date.id}/series", json={**body, "level": 1e27})
    assert reached.status_code == 201, reached.get_json()
