"""Teams in the interchange file, on both databases: export, import into an empty database,
export again gives the same bytes; a team question in another team's tournament is refused."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.interchange.export import export_all
from forecast.services.interchange.importer import import_document
from forecast.services.questions.lifecycle import create_question
from forecast.services.teams import membership
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import app_on
from tests.integration.factories import World, question_data


def _export(app: Flask) -> bytes:
    with app.app_context(), session_scope() as session:
        return orjson.dumps(export_all(session=session), option=orjson.OPT_INDENT_2)


def _import(app: Flask, document: Any) -> Any:
    with app.app_context(), session_scope() as session:
        return import_document(session=session, document=document)


@pytest.fixture
def source(any_app: Flask) -> Flask:
    world = World(any_app)
    ann = world.user("ann", Role.FORECASTER)
    with any_app.app_context(), session_scope() as session:
        membership.create_team(session=session, actor=world.organizer, slug="lab", name="The Lab")
        membership.add_member(
            session=session, actor=world.organizer, slug="lab", username=ann.username
        )
        create_tournament(
            session=session, actor=world.organizer, slug="lab-t", title="Lab", team="lab"
        )
        create_question(
            session=session,
            actor=world.organizer,
            data=question_data(tournament="lab-t", key="lab-q", title="Private?"),
        )
    world.question(key="pub-q")
    return any_app


def test_teams_round_trip_through_the_interchange_file(
    source: Flask, request: pytest.FixtureRequest, sqlite_template: Any, tmp_path: Any
) -> None:
    first = _export(source)
    document = orjson.loads(first)
    assert document["teams"] == [
        {
            "slug": "lab",
            "name": "The Lab",
            "members": [
                {"username": "ann", "role": "member"},
                {"username": "org", "role": "owner"},
            ],
        }
    ]
    assert [t.get("team") for t in document["tournaments"]] == [None, "lab"]
    assert {q["key"]: q.get("team") for q in document["questions"]} == {
        "lab-q": "lab",
        "pub-q": None,
    }
    target_dir = tmp_path / "target"
    target_dir.mkdir()
    with app_on("sqlite", request, sqlite_template, target_dir) as target:
        report = _import(target, document)
        assert report.created["teams"] == 1
        assert _export(target) == first
        # Importing the same file again changes nothing.
        _import(target, document)
        assert _export(target) == first


def test_a_team_question_in_a_public_tournament_is_refused(source: Flask) -> None:
    document = orjson.loads(_export(source))
    for question in document["questions"]:
        if question["key"] == "pub-q":
            question["key"] = "sneaky"
            question["team"] = "lab"
    with pytest.raises(Exception, match="team's tournaments"):
        _import(source, document)
    assert b"sneaky" not in _export(source)
