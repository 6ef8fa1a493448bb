"""An organizer edits, closes early and resolves questions from the pages (no JavaScript)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import Question, Role
from forecast.services.forecasts import submit_forecast
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login


def organizer_world(app: Flask, client: FlaskClient) -> World:
    world = World(app)
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    return world


def stored(app: Flask, question_id: int | None) -> Question:
    with app.app_context(), session_scope() as session:
        question = session.get(Question, question_id)
        assert question is not None
        return question


def test_an_organizer_edits_a_question_and_its_history_says_so(
    app: Flask, client: FlaskClient
) -> None:
    world = organizer_world(app, client)
    question = world.question()
    page = client.get(f"/questions/{question.id}/edit")
    assert page.status_code == 200 and b"Nobody has forecast yet" in page.data
    form = {
        "type": "binary",
        "tournament": "ai",
        "title": "A binary question, reworded?",
        "description": "Context.",
        "resolution_criteria": "Resolves per the source.",
        "open_time": question.open_time.strftime("%Y-%m-%dT%H:%M"),
        "close_time": question.close_time.strftime("%Y-%m-%dT%H:%M"),
        "resolve_time": question.resolve_time.strftime("%Y-%m-%dT%H:%M"),
        "reason": "clearer wording",
    }
    saved = client.post(f"/questions/{question.id}/edit", data=form, follow_redirects=True)
    text = saved.data.decode()
    assert "Saved; the question&#39;s history records the change (title)." in text
    assert "<strong>edited</strong> by olga: title; clearer wording" in text
    assert stored(app, question.id).title == "A binary question, reworded?"


def test_once_forecast_the_edit_form_fixes_the_meaning_and_says_why(
    app: Flask, client: FlaskClient
) -> None:
    world = organizer_world(app, client)
    question = world.question()
    ann = world.user("ann")
    with app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=question.id, probability=0.4)  # type: ignore[arg-type]
    page = client.get(f"/questions/{question.id}/edit").data.decode()
    assert "People have forecast on this question" in page
    assert '<select name="type" id="question-type" disabled>' in page
    assert 'name="resolution_criteria" rows="4" required disabled' in page
    # A disabled field is not sent back; a forged one changes nothing either.
    sent = {
        "type": "numeric",
        "title": "Reworded?",
        "description": "Context.",
        "close_time": question.close_time.strftime("%Y-%m-%dT%H:%M"),
        "resolve_time": question.resolve_time.strftime("%Y-%m-%dT%H:%M"),
    }
    client.post(f"/questions/{question.id}/edit", data=sent)
    after = stored(app, question.id)
    assert (after.title, after.type) == ("Reworded?", "binary")
    earlier = question.close_time.replace(day=1).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        f"/questions/{question.id}/edit", data={**sent, "close_time": earlier}
    ).data.decode()
    assert "the close time can only move later" in refused and "close_time:" not in refused


def test_an_organizer_closes_a_question_early_after_a_confirmation_page(
    app: Flask, client: FlaskClient
) -> None:
    world = organizer_world(app, client)
    question = world.question()
    console = client.get("/organizer").data.decode()
    assert f"/questions/{question.id}/close" in console
    page = client.get(f"/questions/{question.id}")
    assert b'id="close-early"' in page.data
    ask = client.get(f"/questions/{question.id}/close")
    assert ask.status_code == 200 and b"Close this question now?" in ask.data
    assert stored(app, question.id).status == "open"
    done = client.post(
        f"/questions/{question.id}/close", data={"reason": "announced"}, follow_redirects=True
    ).data.decode()
    assert "Closed: the question takes no more forecasts." in done
    assert "<strong>closed early</strong> by olga: announced" in done
    assert stored(app, question.id).status == "closed"
    again = client.get(f"/questions/{question.id}/close", follow_redirects=True)
    assert b"Only an open question can be closed early; this one is closed." in again.data


def test_a_forecaster_may_not_close_or_edit(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    question = world.question()
    make_user(app, "ann")
    login(client, "ann")
    assert client.get(f"/questions/{question.id}/close").status_code == 403
    assert client.post(f"/questions/{question.id}/close").status_code == 403
    assert client.get(f"/questions/{question.id}/edit").status_code == 403
    assert stored(app, question.id).status == "open"


def test_resolving_asks_first_and_refuses_a_bad_answer_before_asking(
    app: Flask, client: FlaskClient
) -> None:
    world = organizer_world(app, client)
    question = world.question()
    ask = client.post(f"/questions/{question.id}/resolve", data={"answer": "yes"})
    assert ask.status_code == 200 and b"Resolve as <span" in ask.data
    assert b'name="confirm" value="yes"' in ask.data
    assert stored(app, question.id).resolution_outcome is None
    numeric = world.question("numeric")
    bad = client.post(
        f"/questions/{numeric.id}/resolve", data={"answer": "lots"}, follow_redirects=True
    )
    assert b"Yes, resolve" not in bad.data and b"value must be a number" in bad.data
    done = client.post(
        f"/questions/{question.id}/resolve",
        data={"answer": "yes", "action": "resolve", "confirm": "yes"},
        follow_redirects=True,
    ).data.decode()
    assert "Resolved; 0 forecasters scored." in done
    assert stored(app, question.id).resolution_outcome == "yes"


def test_a_resolved_question_no_longer_counts_down_to_its_close(
    app: Flask, client: FlaskClient
) -> None:
    world = organizer_world(app, client)
    question = world.question()
    assert b"(in 29 days)" in client.get(f"/questions/{question.id}").data
    client.post(f"/questions/{question.id}/resolve", data={"answer": "no", "confirm": "yes"})
    page = client.get(f"/questions/{question.id}").data.decode()
    assert "Resolved <strong>no</strong>" in page
    assert "(in 29 days)" not in page and "<dt>Close time</dt>" in page
    edit = client.get(f"/questions/{question.id}/edit", follow_redirects=True).data.decode()
    assert "The question is resolved: take its resolution back before editing it." in edit


def test_a_log_scale_without_a_zero_point_is_refused_with_the_form_kept(
    app: Flask, client: FlaskClient
) -> None:
    organizer_world(app, client)
    form = {
        "type": "numeric",
        "tournament": "ai",
        "title": "How many FLOP?",
        "resolution_criteria": "Per Epoch.",
        "open_time": "2030-01-01T00:00",
        "close_time": "2031-01-01T00:00",
        "range_min": "1e24",
        "range_max": "1e30",
        "log_scale": "on",
        "zero_point": "",
    }
    refused = client.post("/questions/new", data=form)
    text = refused.data.decode()
    assert refused.status_code == 422 and "A log scale needs a zero point" in text
    assert 'value="How many FLOP?"' in text and 'value="1e24"' in text
    assert 'name="zero_point" value="" size="8" inputmode="decimal"' in text
    with app.app_context(), session_scope() as session:
        assert session.exec(select(Question)).first() is None


def test_form_messages_name_the_field_once_in_words(app: Flask, client: FlaskClient) -> None:
    organizer_world(app, client)
    form = {
        "type": "binary",
        "tournament": "ai",
        "title": "Backwards?",
        "resolution_criteria": "Per the source.",
        "open_time": "2031-01-01T00:00",
        "close_time": "2030-01-01T00:00",
    }
    text = client.post("/questions/new", data=form).data.decode()
    assert "The close time must be after the open time" in text
    assert "close_time" not in text.split('id="question-form"')[0]


def test_counts_are_pluralised_on_the_question_list(app: Flask, client: FlaskClient) -> None:
    World(app).question()
    page = client.get("/questions").data.decode()
    assert "· 1 question</span>" in page and "1 questions" not in page
