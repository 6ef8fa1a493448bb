"""Searching by words on the question list page and in the API, on both databases."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import Api
from tests.integration.factories import World

COMPUTE = "How much compute (in FLOP) will the largest training run have used by 2028?"


@pytest.fixture
def world(any_app: Flask) -> World:
    """A compute question among others."""
    world = World(any_app)
    world.question(title=COMPUTE, key="largest-training-compute-2028")
    world.question(title="Will the ARC Prize be won by 2028?")
    world.question(title="Will compute prices halve?")
    return world


def test_the_list_page_finds_every_word_in_any_order(world: World) -> None:
    client = world.app.test_client()
    page = client.get("/questions", query_string={"search": "compute largest"}).data.decode()
    assert COMPUTE in page and "ARC Prize" not in page and "prices halve" not in page
    page = client.get("/questions", query_string={"search": "2028 flop"}).data.decode()
    assert COMPUTE in page and "ARC Prize" not in page
    page = client.get("/questions", query_string={"search": "flop nobel"}).data.decode()
    assert "No question matches these filters." in page and COMPUTE not in page


def test_the_api_finds_every_word_with_q_or_search(world: World) -> None:
    api = Api(world.app.test_client())
    for name in ("q", "search"):
        found = api.get("/questions", query_string={name: "FLOP 2028"}).get_json()
        assert [item["title"] for item in found["items"]] == [COMPUTE] and found["total"] == 1
    both = api.get("/questions", query_string={"q": "compute"}).get_json()
    assert both["total"] == 2
    too_long = api.get("/questions", query_string={"q": "x" * 201})
    assert too_long.status_code == 422 and "q" in str(too_long.get_json())
