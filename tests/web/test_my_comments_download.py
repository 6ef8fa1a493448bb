"""A person's own comments in their data download: all of them, as typed, and nobody else's."""

from __future__ import annotations

import csv
import io
import json

from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.discussion.comments import (
    create_comment,
    delete_comment,
    edit_comment,
    hide_comment,
)
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login


def test_the_download_holds_every_comment_of_mine_and_only_mine(any_app: Flask) -> None:
    world = World(any_app)
    q = world.question(title="Compute by 2030?")
    ann, ben = make_user(any_app, "ann"), make_user(any_app, "ben")
    with any_app.app_context(), session_scope() as session:
        first = create_comment(session=session, actor=ann, question_id=q.id, body="Why **low**?")
        reply = create_comment(
            session=session, actor=ben, question_id=q.id, body="ben-words", parent=first.id
        )
        mine_reply = create_comment(
            session=session, actor=ann, question_id=q.id, body="=1+1 thanks", parent=reply.id
        )
        gone = create_comment(session=session, actor=ann, question_id=q.id, body="oops")
        edit_comment(session=session, actor=ann, comment_id=first.id, body="Why so low?")
        delete_comment(session=session, actor=ann, comment_id=gone.id)
        hide_comment(
            session=session, actor=world.organizer, comment_id=mine_reply.id, reason="Off topic"
        )
    client = any_app.test_client()
    login(client, "ann")
    rows = json.loads(client.get("/account/download/comments.json").data)
    assert [r["id"] for r in rows] == [first.id, mine_reply.id, gone.id]
    assert {r["question"] for r in rows} == {q.key} and rows[0]["title"] == "Compute by 2030?"
    assert rows[0]["body"] == "Why so low?" and rows[0]["edited"] and rows[0]["reply_to"] is None
    # Her reply names the thread it went under; hidden, it keeps her text and the reason.
    assert rows[1]["reply_to"] == first.id and rows[1]["body"] == "=1+1 thanks"
    assert rows[1]["hidden"] and rows[1]["hidden_reason"] == "Off topic"
    # A deleted one is a tombstone, as in the thread.
    assert rows[2]["deleted"] and rows[2]["body"] == ""
    assert "ben-words" not in json.dumps(rows)
    download = client.get("/account/download/comments.csv")
    assert download.headers["Content-Disposition"] == 'attachment; filename="ann-comments.csv"'
    table = list(csv.DictReader(io.StringIO(download.data.decode())))
    assert [int(r["id"]) for r in table] == [first.id, mine_reply.id, gone.id]
    assert table[1]["body"] == "'=1+1 thanks"  # a formula is written as text
    # The profile page links the download for its owner.
    assert "/account/download/comments.csv" in client.get("/users/ann").data.decode()
    client.post("/logout")
    login(client, "ben")
    assert [r["body"] for r in json.loads(client.get("/account/download/comments.json").data)] == [
        "ben-words"
    ]
    assert "/account/download/comments.csv" not in client.get("/users/ann").data.decode()


def test_no_comments_download_without_logging_in_and_no_other_kinds(app: Flask) -> None:
    make_user(app, "ann", Role.FORECASTER)
    client = app.test_client()
    assert client.get("/account/download/comments.json").status_code == 302
    login(client, "ann")
    assert json.loads(client.get("/account/download/comments.json").data) == []
    assert client.get("/account/download/comments.csv").data.decode().startswith("question")
    assert client.get("/account/download/moderation.json").status_code == 404
