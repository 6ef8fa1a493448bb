"""The discussion on the question page: post, reply, edit, delete, hide, follow, download;
and stored XSS on every field a comment reaches."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role, User
from forecast.services.discussion.comments import create_comment, hide_comment
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login

SCRIPT = '<script>alert("x")</script>'
ATTACKS = (
    SCRIPT,
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(2))",
    '<a href="javascript:alert(3)">a</a>',
    '"><svg onload=alert(4)>',
)


def _no_markup_from(page: str) -> None:
    for marker in ("<script>alert", "<img src=x", '<a href="javascript', "<svg onload"):
        assert marker not in page, marker


def test_post_reply_edit_and_delete_on_the_question_page(app: Flask, client: FlaskClient) -> None:
    q = World(app).question()
    make_user(app, "ann")
    make_user(app, "ben")
    login(client, "ann")
    posted = client.post(f"/questions/{q.id}/comments", data={"body": "Why **low**? @ben"})
    assert posted.status_code == 302 and "#comment-" in posted.location
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "<strong>low</strong>" in page and "Edit</a>" in page and "1 thread" in page
    cid = posted.location.rsplit("-", 1)[1]
    client.post("/logout")
    login(client, "ben")
    client.post(f"/questions/{q.id}/comments", data={"body": "Compute is slow", "parent": cid})
    notes = client.get("/notifications").data.decode()
    assert "ann mentioned you in a comment" in notes
    client.post("/logout")
    login(client, "ann")
    assert "ben replied to your comment" in client.get("/notifications").data.decode()
    edit_page = client.get(f"/comments/{cid}/edit")
    assert edit_page.status_code == 200 and "Why **low**? @ben" in edit_page.data.decode()
    client.post(f"/comments/{cid}/edit", data={"body": "Why so low?"})
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "Why so low?" in page and "edited" in page
    ask = client.post(f"/comments/{cid}/delete")
    assert ask.status_code == 200 and "Delete my comment" in ask.data.decode()
    client.post(f"/comments/{cid}/delete", data={"confirmed": "yes"})
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "deleted by its author" in page and "Why so low?" not in page
    assert "Compute is slow" in page


def test_a_refused_comment_keeps_what_was_typed(app: Flask, client: FlaskClient) -> None:
    q = World(app).question()
    make_user(app, "ann")
    login(client, "ann")
    text = "x" * 10_001
    refused = client.post(f"/questions/{q.id}/comments", data={"body": text})
    assert refused.status_code == 422 and text in refused.data.decode()
    assert "longer than 10,000" in refused.data.decode()
    empty = client.post(f"/questions/{q.id}/comments", data={"body": "  "})
    assert empty.status_code == 422 and "empty" in empty.data.decode()
    bad_parent = client.post(f"/questions/{q.id}/comments", data={"body": "hi", "parent": "zz"})
    assert bad_parent.status_code == 422 and ">hi</textarea>" in bad_parent.data.decode()
    assert "No comments yet" in client.get(f"/questions/{q.id}").data.decode()


def test_organizers_hide_with_a_reason_and_a_missing_reason_is_explained(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    q = world.question()
    ann = make_user(app, "ann")
    make_user(app, "olga", Role.ORGANIZER)
    with app.app_context(), session_scope() as s:
        cid = create_comment(session=s, actor=ann, question_id=q.id, body="buy pills").id
    login(client, "ann")
    assert client.post(f"/comments/{cid}/hide", data={"reason": "no"}).status_code == 403
    client.post("/logout")
    login(client, "olga")
    missing = client.post(f"/comments/{cid}/hide", data={"reason": ""})
    assert missing.status_code == 422 and "Give the reason" in missing.data.decode()
    client.post(f"/comments/{cid}/hide", data={"reason": "Spam"})
    client.post("/logout")
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "Hidden by an organizer: Spam" in page and "buy pills" not in page


def test_following_from_the_page_and_a_bad_threshold(app: Flask, client: FlaskClient) -> None:
    q = World(app).question()
    make_user(app, "ann")
    login(client, "ann")
    client.post(f"/questions/{q.id}/follow", data={"threshold": "abc"})
    assert "Follow</button>" in client.get(f"/questions/{q.id}").data.decode()
    client.post(f"/questions/{q.id}/follow", data={"threshold": "5"})
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "moves of the community prediction of 5 points or more" in page
    client.post(f"/questions/{q.id}/follow", data={"action": "unfollow"})
    assert "Follow</button>" in client.get(f"/questions/{q.id}").data.decode()


def test_publishing_a_rationale_from_the_forecast_form(app: Flask, client: FlaskClient) -> None:
    q = World(app).question()
    make_user(app, "ann")
    login(client, "ann")
    refused = client.post(
        f"/questions/{q.id}/forecast", data={"probability": "30", "publish_rationale": "yes"}
    )
    assert refused.status_code == 422 and "rite a rationale" in refused.data.decode()
    assert 'name="publish_rationale" value="yes" checked' in refused.data.decode()
    client.post(
        f"/questions/{q.id}/forecast",
        data={"probability": "30", "rationale": "Slow *hardware*", "publish_rationale": "yes"},
    )
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "forecast rationale" in page and "<em>hardware</em>" in page
    assert "forecast: <strong>30.0%</strong>" in page


def test_stored_xss_reaches_no_page_no_export_and_no_notification(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    q = world.question(title=f"Title {SCRIPT}?")
    ann = make_user(app, "ann")
    olga = make_user(app, "olga", Role.ORGANIZER)
    with app.app_context(), session_scope() as s:
        # An author name that the sign-up rules refuse, stored as an import might store it.
        evil = User(username=f"e{SCRIPT}"[:40], role="forecaster")
        s.add(evil)
        s.commit()
        s.refresh(evil)
        from forecast.services.discussion.follows import follow

        follow(session=s, actor=ann, question_id=q.id)
        ids = [
            create_comment(session=s, actor=evil, question_id=q.id, body=f"{a} @ann").id
            for a in ATTACKS
        ]
        hide_comment(session=s, actor=olga, comment_id=ids[0], reason=f"Reason {SCRIPT}")
    login(client, "olga")
    page = client.get(f"/questions/{q.id}").data.decode()
    _no_markup_from(page)
    assert "&lt;script&gt;" in page and "Reason &lt;script&gt;" in page
    client.post("/logout")
    login(client, "ann")
    notes = client.get("/notifications").data.decode()
    _no_markup_from(notes)
    assert "&lt;script&gt;" in notes
    exported = client.get(f"/questions/{q.id}/comments.csv")
    assert exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.data.decode())))
    assert len(rows) == len(ATTACKS)
    assert all(not r["body"].startswith(("=", "+", "-", "@")) for r in rows)
    as_json = client.get(f"/questions/{q.id}/comments.json")
    assert as_json.mimetype == "application/json"
    for item in as_json.get_json()["items"]:
        _no_markup_from(item["html"] or "")
