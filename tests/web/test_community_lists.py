"""Lists show each question's community prediction: pages and the API alike."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import User
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_token, make_user
from tests.integration.factories import World
from tests.web.test_pages import login


@pytest.fixture
def world(app: Flask) -> World:
    """Four questions: two forecast on, one hidden until you forecast, one without forecasts."""
    world = World(app)
    world.binary = world.question(title="Will the binary question resolve yes?")  # type: ignore[attr-defined]
    world.numeric = world.question("numeric", title="How many, on the numeric question?")  # type: ignore[attr-defined]
    world.hidden = world.question(  # type: ignore[attr-defined]
        title="Will the hidden question resolve yes?", hide_aggregate_until_forecast=True
    )
    world.empty = world.question(title="Will the empty question resolve yes?")  # type: ignore[attr-defined]
    ann, ben = make_user(app, "ann"), make_user(app, "ben")
    with app.app_context(), session_scope() as session:
        for user, p in ((ann, 0.2), (ben, 0.4)):
            for question in (world.binary, world.hidden):  # type: ignore[attr-defined]
                submit_forecast(session=session, actor=user, question_id=question.id, probability=p)
        submit_forecast(
            session=session,
            actor=ann,
            question_id=world.numeric.id,  # type: ignore[attr-defined]
            quantiles=[[0.05, 10.0], [0.5, 44.0], [0.95, 80.0]],
        )
    world.cat = make_user(app, "cat")  # type: ignore[attr-defined]
    return world


def _community_cells(page: str) -> dict[str, str]:
    """Map each listed question's title to the text of its community cell."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    cells = {}
    for row in rows:
        title = re.search(r'<a href="/questions/\d+">(.*?)</a>', row)
        cell = re.search(r'<td class="community-cell">(.*?)</td>', row, re.S)
        if title and cell:
            text = re.sub(r"<[^>]+>", " ", cell.group(1))
            cells[title.group(1)] = " ".join(text.split())
    return cells


def test_the_question_list_shows_the_community_prediction_or_why_not(
    world: World, client: FlaskClient
) -> None:
    cells = _community_cells(client.get("/questions").data.decode())
    # Two forecasters at 20% and 40%: the recency-weighted median favours the later one.
    binary = cells["Will the binary question resolve yes?"]
    assert re.fullmatch(r"\d+\.\d%", binary) and 20.0 <= float(binary[:-1]) <= 40.0
    assert cells["How many, on the numeric question?"].startswith("44")
    assert cells["Will the hidden question resolve yes?"] == "hidden"
    assert cells["Will the empty question resolve yes?"] == "—"
    # Once cat has forecast on the hidden question, it shows for cat.
    login(client, "cat")
    with world.app.app_context(), session_scope() as session:
        cat = session.exec(select(User).where(User.username == "cat")).one()
        submit_forecast(
            session=session,
            actor=cat,
            question_id=world.hidden.id,  # type: ignore[attr-defined]
            probability=0.3,
        )
    cells = _community_cells(client.get("/questions").data.decode())
    assert cells["Will the hidden question resolve yes?"].endswith("%")


def test_the_tournament_page_and_the_home_cards_show_it_too(
    world: World, client: FlaskClient
) -> None:
    tournament = _community_cells(client.get("/tournaments/ai").data.decode())
    listed = _community_cells(client.get("/questions").data.decode())
    assert tournament == listed and len(tournament) == 4
    home = client.get("/").data.decode()
    assert home.count('<p class="community">') == 4
    assert "community median" in home and "No forecasts yet" in home
    assert "Community prediction hidden for now" in home


def test_your_standing_distribution_reads_as_its_median_on_the_home_page(
    world: World, client: FlaskClient
) -> None:
    login(client, "ann")
    home = client.get("/").data.decode()
    section = home.split("Your standing forecasts", 1)[1].split("</table>", 1)[0]
    assert "median 44" in section and "distribution" not in section
    assert "20.0%" in section


def test_the_api_list_carries_the_community_prediction(world: World, client: FlaskClient) -> None:
    items = {q["title"]: q for q in client.get("/api/v1/questions").get_json()["items"]}
    binary = items["Will the binary question resolve yes?"]["community"]
    assert binary["method"] == "recency_weighted" and binary["forecaster_count"] == 2
    assert 0.2 <= binary["probability"] <= 0.4
    # The list's value is the question's own aggregate now.
    question_id = items["Will the binary question resolve yes?"]["id"]
    detail = client.get(f"/api/v1/questions/{question_id}").get_json()["aggregate"]
    assert binary["probability"] == pytest.approx(detail["probability"], abs=1e-12)
    numeric = items["How many, on the numeric question?"]["community"]
    low, high = numeric["quartiles"]
    assert low < numeric["median"] < high and numeric["median"] == pytest.approx(44, abs=0.5)
    assert items["Will the hidden question resolve yes?"]["community"] is None
    empty = items["Will the empty question resolve yes?"]["community"]
    assert empty["forecaster_count"] == 0 and empty["probability"] is None
    # The detail keeps its full aggregate; the list keeps `aggregate` null as before.
    assert all(q["aggregate"] is None for q in items.values())


def test_the_list_page_searches_filters_by_your_forecasts_and_keeps_its_choices(
    world: World, client: FlaskClient
) -> None:
    page = client.get("/questions?search=NUMERIC").data.decode()
    assert list(_community_cells(page)) == ["How many, on the numeric question?"]
    assert 'name="mine"' not in page  # nothing to choose for an anonymous visitor
    login(client, "ann")
    page = client.get("/questions?mine=without&sort=title").data.decode()
    # ann stands on the binary, hidden and numeric questions: only the empty one is left.
    assert list(_community_cells(page)) == ["Will the empty question resolve yes?"]
    assert '<option value="without" selected>' in page
    assert '<option value="title" selected>' in page
    # The pager carries every choice to the next page.
    for n in range(30):
        world.question(title=f"Will filler question {n} resolve?")
    page = client.get("/questions?search=filler&sort=newest").data.decode()
    next_link = re.search(r'<a href="([^"]+)">Next →</a>', page)
    assert next_link is not None
    assert "search=filler" in next_link.group(1) and "sort=newest" in next_link.group(1)
    assert "page=2" in next_link.group(1)
    second = client.get(next_link.group(1).replace("&amp;", "&")).data.decode()
    assert len(_community_cells(second)) == 5 and "Page 2 of 2 · 30 questions" in second
    # A choice the list does not know is explained, and the whole list shown instead.
    refused = client.get("/questions?sort=sideways").data.decode()
    assert "sort must be one of" in refused and len(_community_cells(refused)) == 25


def test_the_api_list_searches_sorts_and_filters_by_your_forecasts(
    world: World, client: FlaskClient
) -> None:
    def titles(query: str, **headers: str) -> list[str]:
        response = client.get(f"/api/v1/questions?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [q["title"] for q in response.get_json()["items"]]

    assert titles("search=empty") == ["Will the empty question resolve yes?"]
    assert titles("sort=title")[0] == "How many, on the numeric question?"
    assert titles("sort=forecasters")[:2] == [
        "Will the binary question resolve yes?",
        "Will the hidden question resolve yes?",
    ]
    anonymous = client.get("/api/v1/questions?mine=with")
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"]
    assert client.get("/api/v1/questions?sort=sideways").status_code == 422
    assert client.get("/api/v1/questions?mine=maybe").status_code == 422
    assert client.get(f"/api/v1/questions?search={'x' * 201}").status_code == 422
    token = make_token(world.app, world.cat)  # type: ignore[attr-defined]
    auth = {"Authorization": f"Bearer {token}"}
    assert titles("mine=with", **auth) == []
    assert len(titles("mine=without", **auth)) == 4
