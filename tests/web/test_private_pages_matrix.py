"""Pages that only some people may read, requested by every role: the exact status each gets.

Anonymous visitors are sent to log in (302); a logged-in person without the right gets 403 or,
where the page would confirm that something exists, 404; the right person gets 200. Add a row
whenever a page shows something to some people only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import User
from forecast.services.discussion.comments import create_comment, hide_comment
from tests.web.test_web_authorization_matrix import LOGGED_IN, ROLES, WebWorld, _logged_in_client


@dataclass(frozen=True)
class Row:
    prepare: Callable[[WebWorld], str]
    expected: dict[str, int]


def _hidden_comment(world: WebWorld) -> int:
    """A comment of the proposer's, hidden by the organizer with a reason."""
    question = world.open_question()
    with world.app.app_context(), session_scope() as session:
        comment = create_comment(
            session=session, actor=world.proposer, question_id=question.id, body="Buy now!"
        )
        hide_comment(
            session=session,
            actor=world.users["organizer"],
            comment_id=comment.id,  # type: ignore[arg-type]
            reason="Advertising",
        )
    assert comment.id is not None
    return comment.id


def _own_comment(world: WebWorld) -> int:
    """A comment of the acting person's (of the forecaster's for an anonymous visitor)."""
    author: User = world.me or world.users["forecaster"]
    question = world.open_question()
    with world.app.app_context(), session_scope() as session:
        comment = create_comment(
            session=session, actor=author, question_id=question.id, body="My own words."
        )
    assert comment.id is not None
    return comment.id


ORGANIZERS = {
    "anonymous": 302,
    **{r: 200 if r in ("organizer", "admin") else 403 for r in LOGGED_IN},
}

ROWS: dict[str, Row] = {
    "a comment's moderation log": Row(
        lambda w: f"/comments/{_hidden_comment(w)}/moderation", ORGANIZERS
    ),
    # Its author has no more right to the log than anyone else who is not an organizer.
    "the moderation log of one's own comment": Row(
        lambda w: f"/comments/{_own_comment(w)}/moderation", ORGANIZERS
    ),
    "the moderation log of a comment that does not exist": Row(
        lambda w: "/comments/999999/moderation",
        {"anonymous": 302, **{r: 404 if r in ("organizer", "admin") else 403 for r in LOGGED_IN}},
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_exactly_the_expected_status_on_every_private_page(
    app: Flask, role: str
) -> None:
    world = WebWorld(app, role)
    client = _logged_in_client(world)
    got: dict[str, object] = {}
    for name, row in ROWS.items():
        response = client.get(row.prepare(world))
        status: object = response.status_code
        if status == 302 and not response.headers.get("Location", "").startswith("/login"):
            status = f"302 to {response.headers['Location']}"
        got[name] = status
    assert got == {name: row.expected[role] for name, row in ROWS.items()}
