"""Every input a person can fill in has a label a screen reader can announce."""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services import calibration as training
from tests.conftest import make_user
from tests.integration.factories import World
from tests.web.test_pages import login

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Inputs(HTMLParser):
    """Collect the form controls of a page and the ids its labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (found.get("type") or "text") in UNLABELLED_TYPES:
                return
            self.controls.append(
                {**found, "tag": tag, "wrapped": "1" if self.open_labels else None}
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def unlabelled(html: str) -> list[str]:
    """Return the controls with no label: not inside one, not named by one, no aria-label."""
    parser = Inputs()
    parser.feed(html)
    return [
        f"{c['tag']} name={c.get('name')} id={c.get('id')}"
        for c in parser.controls
        if not c["wrapped"]
        and not c.get("aria-label")
        and not c.get("aria-labelledby")
        and c.get("id") not in parser.label_for
    ]


def test_every_page_a_person_fills_in_labels_its_inputs(app: Flask, client: FlaskClient) -> None:
    sample = '<label>Name <input name="a"></label><input name="b">'
    assert unlabelled(sample) == ["input name=b id=None"]
    world = World(app)
    question = world.question()
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    with app.app_context(), session_scope() as session:
        training.import_set(
            session=session,
            actor=None,
            system=True,
            document={
                "format": training.FORMAT,
                "slug": "facts",
                "title": "Facts",
                "items": [{"kind": "binary", "prompt": "P?", "answer": True, "source": "s"}],
            },
        )
    pages = (
        f"/questions/{question.id}",
        f"/questions/{question.id}/edit",
        f"/questions/{question.id}/close",
        "/questions/new?type=numeric",
        "/tournaments/new",
        "/organizer",
        "/account",
        "/calibration/facts",
    )
    missing = {path: unlabelled(client.get(path).data.decode()) for path in pages}
    make_user(app, "lea", Role.LEADER)
    leader = app.test_client()
    login(leader, "lea")
    missing["/boundaries"] = unlabelled(leader.get("/boundaries").data.decode())
    assert missing == {path: [] for path in (*pages, "/boundaries")}
