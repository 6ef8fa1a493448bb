"""The moderation log page: every hide and unhide of a comment, who did it and why."""

from __future__ import annotations

from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.discussion.comments import create_comment
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login


def test_an_organizer_reads_the_log_the_author_does_not(any_app: Flask) -> None:
    world = World(any_app)
    q = world.question(title="Compute by 2030?")
    author = make_user(any_app, "ann")
    make_user(any_app, "olga", Role.ORGANIZER)
    with any_app.app_context(), session_scope() as session:
        comment = create_comment(session=session, actor=author, question_id=q.id, body="Buy!")
    client = any_app.test_client()
    login(client, "olga")
    empty = client.get(f"/comments/{comment.id}/moderation").data.decode()
    assert "No organizer has hidden or shown this comment." in empty and "shown now" in empty
    client.post(
        f"/comments/{comment.id}/hide",
        data={"reason": "<script>alert(1)</script> advertising"},
    )
    client.post(
        f"/comments/{comment.id}/hide", data={"action": "unhide", "reason": "Was a real link"}
    )
    question_page = client.get(f"/questions/{q.id}").data.decode()
    assert f'href="/comments/{comment.id}/moderation"' in question_page
    page = client.get(f"/comments/{comment.id}/moderation").data.decode()
    table = page.split('id="moderation-log"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2
    assert "Hidden" in rows[0] and "olga" in rows[0] and "advertising" in rows[0]
    assert "Shown again" in rows[1] and "Was a real link" in rows[1]
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "by <strong>ann</strong>" in page and "Compute by 2030?" in page
    client.post("/logout")
    login(client, "ann")
    assert client.get(f"/comments/{comment.id}/moderation").status_code == 403
    question_page = client.get(f"/questions/{q.id}").data.decode()
    assert "Moderation log" not in question_page and "Was a real link" not in question_page
