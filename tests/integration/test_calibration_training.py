"""Calibration training with the shipped sets: a shuffled order per person, the certificate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from forecast.core.calibration import CERTIFY_BINARY, CERTIFY_INTERVAL
from forecast.errors import Conflict
from forecast.infra.db import session_scope
from forecast.models import CalibrationItem, Role, User
from forecast.services import calibration as training
from tests.conftest import make_user

SETS = Path(__file__).resolve().parents[2] / "seeds" / "calibration"


def shipped() -> list[dict[str, Any]]:
    """Return the calibration sets the seeds ship."""
    return [json.loads(path.read_text()) for path in sorted(SETS.glob("*.json"))]


def load_shipped(app: Flask) -> None:
    with app.app_context(), session_scope() as session:
        for document in shipped():
            training.import_set(session=session, actor=None, document=document, system=True)


def order_of(app: Flask, user: User, slug: str) -> list[CalibrationItem]:
    """Answer every item of the set as it comes (rightly, 90% sure); return them in order."""
    seen = []
    with app.app_context(), session_scope() as session:
        while (item := training.next_item(session=session, user=user, slug=slug)) is not None:
            assert training.next_item(session=session, user=user, slug=slug) == item
            seen.append(item)
            data: dict[str, Any] = {"answer": item.answer_bool, "confidence": 0.9}
            if item.kind == "interval":
                data = {"lower": item.answer_value, "upper": item.answer_value}
            training.answer(session=session, user=user, item_id=item.id or 0, data=data)
    return seen


def test_the_shipped_sets_hold_enough_sourced_items_to_earn_the_certificate() -> None:
    items = [item for document in shipped() for item in document["items"]]
    binary = [item for item in items if item["kind"] == "binary"]
    assert len(binary) >= CERTIFY_BINARY + 10
    assert len(items) - len(binary) >= CERTIFY_INTERVAL
    assert all(item["source"].strip() for item in items)
    assert len({item["prompt"] for item in items}) == len(items)
    # As many false statements as true ones: guessing "true" earns nothing.
    assert sum(item["answer"] for item in binary) * 2 == len(binary)


def test_each_person_meets_the_items_in_their_own_order_kept_across_visits(app: Flask) -> None:
    load_shipped(app)
    ann, ben = make_user(app, "ann"), make_user(app, "ben")
    with app.app_context(), session_scope() as session:
        first = training.next_item(session=session, user=ann, slug="ai-progress")
    with app.app_context(), session_scope() as session:
        assert training.next_item(session=session, user=ann, slug="ai-progress") == first
    anns, bens = order_of(app, ann, "ai-progress"), order_of(app, ben, "ai-progress")
    assert anns[0] == first
    positions = sorted(item.position for item in anns)
    assert positions == list(range(len(anns))) == sorted(item.position for item in bens)
    assert [i.position for i in anns] != positions and [i.id for i in anns] != [i.id for i in bens]
    # The file opens with 14 true statements; in a shuffled order they do not come in a row.
    for order in (anns, bens):
        opening = [item.answer_bool for item in order if item.kind == "binary"][:14]
        assert True in opening and False in opening


def test_the_certificate_can_be_earned_with_the_shipped_sets(app: Flask) -> None:
    load_shipped(app)
    cat = make_user(app, "cat")
    with app.app_context(), session_scope() as session:
        hits = 0
        for document in shipped():
            slug = document["slug"]
            while (item := training.next_item(session=session, user=cat, slug=slug)) is not None:
                data: dict[str, Any] = {"answer": item.answer_bool, "confidence": 0.97}
                if item.kind == "interval":
                    # 90% intervals that hold the answer nine times in ten.
                    hits += 1
                    value = item.answer_value or 0.0
                    inside = hits % 10 != 0
                    span = abs(value) + 1.0
                    lower = value - span if inside else value + span
                    data = {"lower": lower, "upper": value + 2 * span}
                training.answer(session=session, user=cat, item_id=item.id or 0, data=data)
        record = training.summary(session=session, user=cat)
    assert record["binary"]["answered"] >= CERTIFY_BINARY
    assert record["certificate"]["binary_needed"] == record["certificate"]["interval_needed"] == 0
    assert record["certified"] is True


def test_seeding_again_adds_new_items_to_a_loaded_set_and_keeps_the_answers(app: Flask) -> None:
    set_v1 = {
        "format": training.FORMAT,
        "slug": "grows",
        "title": "Grows",
        "items": [{"kind": "binary", "prompt": "One?", "answer": True, "source": "s"}],
    }
    extra = {"kind": "binary", "prompt": "Two?", "answer": False, "source": "s"}
    set_v2 = {**set_v1, "items": [*set_v1["items"], extra]}
    dan = make_user(app, "dan")
    with app.app_context(), session_scope() as session:
        training.import_set(session=session, actor=None, document=set_v1, system=True)
        one = training.next_item(session=session, user=dan, slug="grows")
        assert one is not None
        training.answer(
            session=session, user=dan, item_id=one.id or 0, data={"answer": True, "confidence": 0.8}
        )
        _, new = training.import_set(session=session, actor=None, document=set_v2, system=True)
        assert new is False
        sets = {s["slug"]: s for s in training.list_sets(session=session, user=dan)}
        assert (sets["grows"]["items"], sets["grows"]["answered"]) == (2, 1)
        two = training.next_item(session=session, user=dan, slug="grows")
        assert two is not None and two.prompt == "Two?" and two.position == 1
        changed = {**set_v2, "items": [{**extra, "answer": True}]}
        with pytest.raises(Conflict):
            training.import_set(session=session, actor=None, document=changed, system=True)
        # An organizer's upload under a taken slug is still refused when it differs.
        org = make_user(app, "olga", Role.ORGANIZER)
        with pytest.raises(Conflict):
            training.import_set(
                session=session, actor=org, document={**set_v2, "items": [extra]}, system=False
            )
        assert training.list_sets(session=session, user=dan)[0]["items"] == 2
