"""The trend section of a question page and the organizer's series form: the line, its doubling
time and extrapolation, the points with their sources, the reference forecast on the community
chart; a refused series is shown again as typed and nothing is stored."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role, TrendSeries
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_boundary_pages import login

# x4 every calendar year (2021 to 2024 are 365, 365, 365 and 366 days): doubling every 6 months
CSV = """date,value,source
2021-01-01,1e23,Epoch AI notable models (2024)
2022-01-01,4e23,Epoch AI notable models (2024)
2023-01-01,1.6e24,Epoch AI notable models (2024)
2024-01-01,6.4e24,
"""


def test_an_organizer_attaches_a_series_and_the_page_shows_the_line(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    question = world.question(
        "numeric",
        range={"min": 1e22, "max": 1e28, "zero_point": 0, "open_lower": False, "open_upper": True},
    )
    make_user(app, "olga", Role.ORGANIZER)
    fran = make_user(app, "fran")
    with app.app_context(), session_scope() as session:
        cdf = [0.998 * k / 200 for k in range(201)]
        submit_forecast(session=session, actor=fran, question_id=question.id, cdf=cdf)
    login(client, "olga")
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "No trend series yet" in page and "Attach a series" in page
    saved = client.post(
        f"/questions/{question.id}/series/edit", data={"points_text": CSV, "fit": "log_linear"}
    )
    assert saved.status_code == 302
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    doubling = page[page.index('id="doubling-time"') :]
    assert doubling.startswith('id="doubling-time">6.0 months')
    assert "Epoch AI notable models (2024)" in page and 'class="trend-fit"' in page
    assert 'class="trend-extrapolation"' in page
    assert 'class="trend-line"' in page  # the reference CDF on the community chart
    assert "Replace the series" in page
    # the form offers the stored series for editing
    form = client.get(f"/questions/{question.id}/series/edit").get_data(as_text=True)
    assert "2023-01-01,1.6e+24,Epoch AI notable models (2024)" in form


def test_an_uploaded_json_file_is_read_like_the_text(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    question = world.question("numeric")
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    body = b'[{"date": "2021-01-01", "value": 10}, {"date": "2022-01-01", "value": 20},'
    body += b' {"date": "2023-01-01", "value": 30, "source": "a table"}]'
    saved = client.post(
        f"/questions/{question.id}/series/edit",
        data={"fit": "linear", "points_file": (io.BytesIO(body), "series.json")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context(), session_scope() as session:
        row = session.get(TrendSeries, question.id)
        assert row is not None and row.fit == "linear" and "a table" in row.points


def test_a_refused_series_is_shown_again_as_typed(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    question = world.question("numeric")
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    typed = "2021-01-01,10,a\n2022-01-01,lots,b\n2023-01-01,30,c"
    refused = client.post(
        f"/questions/{question.id}/series/edit",
        data={"points_text": typed, "fit": "linear", "window": "5"},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "line 2: value &#39;lots&#39; is not a number" in page
    assert typed in page and 'value="5"' in page
    too_few = client.post(
        f"/questions/{question.id}/series/edit",
        data={"points_text": "2021-01-01,10\n2022-01-01,20", "fit": "log_linear"},
    )
    assert too_few.status_code == 422 and "at least 3 points" in too_few.get_data(as_text=True)
    with app.app_context(), session_scope() as session:
        assert session.get(TrendSeries, question.id) is None


def test_only_organizers_open_the_form_and_only_on_numeric_or_date_questions(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    numeric, binary = world.question("numeric"), world.question()
    make_user(app, "fran")
    login(client, "fran")
    assert client.get(f"/questions/{numeric.id}/series/edit").status_code == 403
    assert "Attach a series" not in client.get(f"/questions/{numeric.id}").get_data(as_text=True)
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    refused = client.post(
        f"/questions/{binary.id}/series/edit", data={"points_text": CSV, "fit": "linear"}
    )
    assert refused.status_code == 422
    assert "a trend series goes on a numeric or date question" in refused.get_data(as_text=True)
