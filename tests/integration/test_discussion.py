"""Discussion services: comments, replies, mentions, edits, tombstones, moderation, visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import col, select

from forecast.errors import Conflict, Forbidden, NotAuthenticated, ValidationFailed
from forecast.infra.db import session_scope
from forecast.models import CommentKind, Notification, Question, Role, User
from forecast.services.discussion import comments as svc
from forecast.services.discussion.follows import follow
from forecast.services.discussion.mentions import mentioned_names
from forecast.services.discussion.thread import comment_page, moderation_log, thread_page
from forecast.services.forecasts import submit_forecast
from forecast.services.questions.lifecycle import create_question
from tests.integration.factories import World, at, question_data


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def notes(world: World, user: User) -> list[tuple[str, str]]:
    with world.app.app_context(), session_scope() as session:
        rows = session.exec(
            select(Notification)
            .where(col(Notification.user_id) == user.id)
            .order_by(col(Notification.id))
        ).all()
        return [(n.kind, n.message) for n in rows]


def test_a_reply_to_a_reply_joins_the_top_level_thread_and_tells_its_author(world: World) -> None:
    q = world.question()
    ann, ben, cat = world.user("ann"), world.user("ben"), world.user("cat")
    with world.app.app_context(), session_scope() as s:
        top = svc.create_comment(session=s, actor=ann, question_id=q.id, body="Base rate?")
        reply = svc.create_comment(
            session=s, actor=ben, question_id=q.id, body="Low.", parent=top.id
        )
        deeper = svc.create_comment(
            session=s, actor=cat, question_id=q.id, body="Agreed.", parent=reply.id
        )
        assert (reply.parent_id, deeper.parent_id) == (top.id, top.id)
        threads = thread_page(session=s, viewer=None, question_id=q.id)
    assert threads.total == 1
    assert [r.author for r in threads.items[0].replies] == ["ben", "cat"]
    # The top comment's author hears of both replies; ben hears nothing (cat replied to the
    # thread, whose head is ann's).
    assert [k for k, _ in notes(world, ann)] == ["reply", "reply"]
    assert notes(world, ben) == []


def test_a_parent_on_another_question_or_missing_is_refused(world: World) -> None:
    q, other = world.question(), world.question()
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as s:
        elsewhere = svc.create_comment(session=s, actor=ann, question_id=other.id, body="x")
        for parent in (elsewhere.id, 10_000, "1", True):
            with pytest.raises(ValidationFailed) as caught:
                svc.create_comment(session=s, actor=ann, question_id=q.id, body="y", parent=parent)
            assert caught.value.field == "parent"
        assert comment_page(session=s, viewer=None, question_id=q.id).total == 0


@pytest.mark.parametrize("body", ["", "   \n", None, 5, "x" * 10_001])
def test_an_empty_or_oversized_body_is_refused(world: World, body: object) -> None:
    q = world.question()
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as s:
        with pytest.raises(ValidationFailed):
            svc.create_comment(session=s, actor=ann, question_id=q.id, body=body)
        with pytest.raises(NotAuthenticated):
            svc.create_comment(session=s, actor=None, question_id=q.id, body="hi")


def test_mentions_ignore_emails_code_and_case_and_tell_only_who_may_see(world: World) -> None:
    assert mentioned_names("hi @Ann and @ben.k, mail x@cat.org, `@dan` ```\n@eve\n```") == [
        "ann",
        "ben.k",
    ]
    ann, ben = world.user("Ann"), world.user("ben")
    with world.app.app_context(), session_scope() as s:
        pending = create_question(session=s, actor=ben, data=question_data(tournament=None))
    q = world.question()
    with world.app.app_context(), session_scope() as s:
        svc.create_comment(session=s, actor=ben, question_id=q.id, body="@ann @ben @nobody")
        # ann may not see ben's pending proposal, so a mention there tells her nothing.
        svc.create_comment(session=s, actor=ben, question_id=pending.id, body="cc @ann")
    said = "ben mentioned you in a comment on “A binary question?”"
    assert notes(world, ann) == [("mention", said)]
    assert [k for k, _ in notes(world, ben) if k == "mention"] == []


def test_editing_is_the_authors_within_the_window_and_marks_the_comment(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    with world.app.app_context(), session_scope() as s:
        c = svc.create_comment(session=s, actor=ann, question_id=q.id, body="first", now=at(-60))
        with pytest.raises(Forbidden):
            svc.edit_comment(session=s, actor=ben, comment_id=c.id, body="mine now")
        edited = svc.edit_comment(session=s, actor=ann, comment_id=c.id, body="second @ben")
        assert edited.edited_at is not None and edited.body == "second @ben"
        with pytest.raises(Conflict):
            svc.edit_comment(
                session=s,
                actor=ann,
                comment_id=c.id,
                body="third",
                window=timedelta(seconds=30),
            )
        view = comment_page(session=s, viewer=ann, question_id=q.id).items[0]
    assert view.body == "second @ben" and view.edited_at is not None and view.can_edit
    assert [k for k, _ in notes(world, ben)] == ["mention"]


def test_deleting_leaves_a_tombstone_that_keeps_the_replies(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    with world.app.app_context(), session_scope() as s:
        top = svc.create_comment(session=s, actor=ann, question_id=q.id, body="secret plan")
        svc.create_comment(session=s, actor=ben, question_id=q.id, body="reply", parent=top.id)
        with pytest.raises(Forbidden):
            svc.delete_comment(session=s, actor=ben, comment_id=top.id)
        svc.delete_comment(session=s, actor=ann, comment_id=top.id)
        with pytest.raises(Conflict):
            svc.delete_comment(session=s, actor=ann, comment_id=top.id)
        with pytest.raises(Conflict):
            svc.create_comment(session=s, actor=ben, question_id=q.id, body="x", parent=top.id)
        thread = thread_page(session=s, viewer=ben, question_id=q.id).items[0]
    assert thread.comment.deleted and thread.comment.body is None and thread.comment.html is None
    assert thread.comment.author == "ann"
    assert [r.body for r in thread.replies] == ["reply"]


def test_organizers_hide_with_a_reason_kept_in_the_audit_log(world: World) -> None:
    q = world.question()
    ann, ben = world.user("ann"), world.user("ben")
    with world.app.app_context(), session_scope() as s:
        c = svc.create_comment(session=s, actor=ann, question_id=q.id, body="spam")
        with pytest.raises(Forbidden):
            svc.hide_comment(session=s, actor=ben, comment_id=c.id, reason="no")
        with pytest.raises(ValidationFailed):
            svc.hide_comment(session=s, actor=world.organizer, comment_id=c.id, reason=" ")
        svc.hide_comment(session=s, actor=world.organizer, comment_id=c.id, reason="Off topic")
        with pytest.raises(Conflict):
            svc.edit_comment(session=s, actor=ann, comment_id=c.id, body="edited")
        seen_by_ben = comment_page(session=s, viewer=ben, question_id=q.id).items[0]
        seen_by_org = comment_page(session=s, viewer=world.organizer, question_id=q.id).items[0]
        svc.hide_comment(
            session=s, actor=world.organizer, comment_id=c.id, reason="Appealed", hide=False
        )
        log = moderation_log(session=s, viewer=world.organizer, comment_id=c.id)
        with pytest.raises(Forbidden):
            moderation_log(session=s, viewer=ben, comment_id=c.id)
    assert (seen_by_ben.hidden, seen_by_ben.body, seen_by_ben.hidden_reason) == (
        True,
        None,
        "Off topic",
    )
    assert seen_by_org.body == "spam"
    assert [(e.action, e.reason, who) for e, who in log] == [
        ("hide", "Off topic", "org"),
        ("unhide", "Appealed", "org"),
    ]
    assert notes(world, ann) == [("comment_hidden", "An organizer hid your comment: Off topic")]


def test_a_comment_stating_a_forecast_is_withheld_while_the_aggregate_is_hidden(
    world: World,
) -> None:
    q = world.question(hide_aggregate_until_forecast=True)
    ann, ben = world.user("ann"), world.user("ben")
    with world.app.app_context(), session_scope() as s:
        submit_forecast(session=s, actor=ann, question_id=q.id, probability=0.83)
        svc.create_comment(
            session=s, actor=ann, question_id=q.id, body="I say 83%", with_forecast=True
        )
        svc.create_comment(session=s, actor=ann, question_id=q.id, body="plain words")
        before = {v.body: v for v in comment_page(session=s, viewer=ben, question_id=q.id).items}
        own = comment_page(session=s, viewer=ann, question_id=q.id).items[0]
        submit_forecast(session=s, actor=ben, question_id=q.id, probability=0.4)
        after = comment_page(session=s, viewer=ben, question_id=q.id).items[0]
    assert set(before) == {None, "plain words"}
    assert before[None].withheld and before[None].forecast is None and before[None].html is None
    assert own.forecast == {"probability": 0.83} and not own.withheld
    assert after.body == "I say 83%" and after.forecast == {"probability": 0.83}


def test_with_forecast_needs_a_standing_forecast(world: World) -> None:
    q = world.question()
    ann = world.user("ann")
    with world.app.app_context(), session_scope() as s, pytest.raises(ValidationFailed) as caught:
        svc.create_comment(session=s, actor=ann, question_id=q.id, body="x", with_forecast=True)
    assert caught.value.field == "with_forecast"


def test_followers_hear_of_new_comments_once_and_not_of_their_own(world: World) -> None:
    q = world.question()
    ann, ben, cat = world.user("ann"), world.user("ben"), world.user("cat")
    with world.app.app_context(), session_scope() as s:
        for who in (ann, ben, cat):
            follow(session=s, actor=who, question_id=q.id)
        top = svc.create_comment(session=s, actor=ann, question_id=q.id, body="hello @cat")
        svc.create_comment(session=s, actor=ben, question_id=q.id, body="hi", parent=top.id)
    assert [k for k, _ in notes(world, ann)] == ["reply"]
    assert [k for k, _ in notes(world, ben)] == ["comment"]
    assert [k for k, _ in notes(world, cat)] == ["mention", "comment"]


def test_rationale_comments_are_a_kind_of_their_own(world: World) -> None:
    q = world.question()
    ann = world.user("ann", Role.FORECASTER)
    with world.app.app_context(), session_scope() as s:
        record = submit_forecast(
            session=s, actor=ann, question_id=q.id, probability=0.2, rationale="Slow progress"
        )
        svc.create_comment(
            session=s,
            actor=ann,
            question_id=q.id,
            body=record.rationale,
            kind=CommentKind.RATIONALE,
            forecast_id=record.id,
        )
        view = comment_page(session=s, viewer=None, question_id=q.id).items[0]
        assert s.get(Question, q.id) is not None
    assert (view.kind, view.body) == ("rationale", "Slow progress")
    assert view.forecast == {"probability": 0.2}
