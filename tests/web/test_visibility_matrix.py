"""Every way a community prediction can reach a person, under every hiding rule: nothing leaks.

The hidden value is a distinctive 83.77% (two forecasters, so every method agrees on it); the
reader is a leader who never forecast. Each rule hides one question from the reader:

- `until`: hidden until you forecast;
- `reveal`: revealed ten days from now;
- `blind`: open to all, but the reader holds a blind draft on it;
- `leaders`: hidden until you forecast, but opened to leaders on its page (the control: the
  reader must see it, so the test would notice a rule that hides everything).

Another leader commits a shared boundary on each question, the reader commits their own on the
first two, and the alert job records the crossings. Then every page, API answer, export,
report row, event and notification the reader can open is searched for the value.

Add a row to PATHS whenever a new way to read data appears.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from forecast.infra.clock import format_iso, utcnow
from forecast.infra.db import session_scope
from forecast.models import CommentKind, Role, User
from forecast.services.boundaries import alerts
from forecast.services.boundaries import lifecycle as boundary_service
from forecast.services.discussion.comments import create_comment
from forecast.services.forecasts import submit_forecast
from forecast.services.questions.lifecycle import create_question
from tests.conftest import PASSWORD, Api, make_token, make_user
from tests.integration.factories import World, question_data

SECRET = 0.8377
# The value as any path could print it: a fraction, a percentage, or the margin past 10%.
LEAKS = re.compile(r"0\.8377|83\.8|83\.77|73\.8|73\.77")
RULES = ("until", "reveal", "blind", "leaders")


def _question(world: World, rule: str) -> int:
    extra: dict[str, Any] = {"title": f"Question hidden by {rule}?"}
    if rule in ("until", "leaders"):
        extra["hide_aggregate_until_forecast"] = True
    if rule == "leaders":
        extra["aggregate_open_to_leaders"] = True
    if rule == "reveal":
        extra["aggregate_reveal_time"] = format_iso(utcnow() + timedelta(days=10))
    with world.app.app_context(), session_scope() as session:
        question = create_question(
            session=session, actor=world.organizer, data=question_data(**extra)
        )
        assert question.id is not None
        return question.id


def _boundary(world: World, owner: Any, question: int, **extra: Any) -> int:
    data = {
        "question": question,
        "action": f"Act on {question}",
        "event": {"kind": "yes"},
        "comparator": ">=",
        "threshold": 0.1,
        **extra,
    }
    with world.app.app_context(), session_scope() as session:
        boundary = boundary_service.create_boundary(session=session, actor=owner, data=data)
        if not extra.get("blind"):
            boundary_service.commit_boundary(session=session, actor=owner, boundary_id=boundary.id)
        assert boundary.id is not None
        return boundary.id


@pytest.fixture
def world(any_app: Flask) -> dict[str, Any]:
    """Build the four questions, the boundaries and the recorded crossings."""
    world = World(any_app)
    questions = {rule: _question(world, rule) for rule in RULES}
    forecasters = [world.user(f"fc{i}") for i in range(2)]
    with any_app.app_context(), session_scope() as session:
        for user in forecasters:
            for qid in questions.values():
                submit_forecast(session=session, actor=user, question_id=qid, probability=SECRET)
        for qid in questions.values():
            # Comments that state a forecast: one carrying it, one publishing a rationale.
            create_comment(
                session=session,
                actor=forecasters[0],
                question_id=qid,
                body="Where I stand.",
                with_forecast=True,
            )
            create_comment(
                session=session,
                actor=forecasters[1],
                question_id=qid,
                body="I say 83.77%, as the trend does.",
                kind=CommentKind.RATIONALE,
            )
    reader = make_user(any_app, "reader", Role.LEADER)
    other = world.user("other-leader", Role.LEADER)
    shared = {rule: _boundary(world, other, qid, shared=True) for rule, qid in questions.items()}
    own = {
        rule: _boundary(world, reader, questions[rule]) for rule in ("until", "reveal", "leaders")
    }
    _boundary(world, reader, questions["blind"], blind=True)
    with any_app.app_context(), session_scope() as session:
        recorded = alerts.run(session=session)
    assert len(recorded.changes) == len(shared) + len(own)  # every boundary crossed
    return {"questions": questions, "shared": shared, "own": own, "reader": reader}


def _api_paths(w: dict[str, Any], rule: str) -> list[str]:
    qid = w["questions"][rule]
    paths = [
        f"/questions/{qid}",
        f"/questions/{qid}/aggregate",
        f"/questions/{qid}/aggregate?method=mean",
        f"/questions/{qid}/aggregate/history",
        f"/questions/{qid}/comments",
        f"/boundaries/{w['shared'][rule]}",
        f"/boundaries/{w['shared'][rule]}/events",
    ]
    if rule in w["own"]:
        paths += [f"/boundaries/{w['own'][rule]}", f"/boundaries/{w['own'][rule]}/events"]
    return paths


def _page_paths(w: dict[str, Any], rule: str) -> list[str]:
    qid = w["questions"][rule]
    paths = [
        f"/questions/{qid}",
        f"/questions/{qid}?method=median",
        f"/questions/{qid}/aggregate.csv",
        f"/questions/{qid}/comments.csv",
        f"/questions/{qid}/comments.json",
        f"/boundaries/{w['shared'][rule]}",
    ]
    if rule in w["own"]:
        paths.append(f"/boundaries/{w['own'][rule]}")
    return paths


# Paths that list every question or boundary at once, searched for each hidden one's rows.
LIST_API = [
    "/questions?per_page=100",
    "/boundaries",
    "/boundaries/report",
    "/me/notifications",
    "/me/notification-deliveries",
]
LIST_API_CSV = ["/boundaries/report?format=csv"]
LIST_PAGES = [
    "/",
    "/questions",
    "/tournaments/ai",
    "/boundaries",
    "/boundaries/report",
    "/account",
    "/notifications",
    "/settings/notifications",
]


def _login(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("rule", ["until", "reveal", "blind"])
def test_nothing_hidden_reaches_the_reader_through_the_api(
    any_app: Flask, world: dict[str, Any], rule: str
) -> None:
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    for path in _api_paths(world, rule):
        response = api.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        assert not LEAKS.search(response.get_data(as_text=True)), path
    qid = world["questions"][rule]
    assert api.get(f"/questions/{qid}").get_json().get("aggregate") is None
    listed = {q["id"]: q for q in api.get("/questions?per_page=100").get_json()["items"]}
    assert listed[qid]["community"] is None
    for row in api.get("/boundaries/report").get_json():
        if row["question"]["id"] == qid:
            assert row["hidden"] and row["verdict"] == "hidden", row
            assert row["probability"] is None and row["events"] == [] and row["by_method"] == {}
    events = api.get(f"/boundaries/{world['shared'][rule]}/events").get_json()
    assert events["items"] == [] and events["hidden"]


def test_the_report_and_its_csv_carry_no_hidden_value(
    any_app: Flask, world: dict[str, Any]
) -> None:
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    rows = api.get("/boundaries/report").get_json()
    by_question = {}
    for row in rows:
        by_question.setdefault(row["question"]["id"], []).append(row)
    for rule in ("until", "reveal", "blind"):
        for row in by_question[world["questions"][rule]]:
            assert not LEAKS.search(str(row)), row
    # The control: the question opened to leaders shows its value in the same report.
    shown = by_question[world["questions"]["leaders"]]
    assert all(row["probability"] == pytest.approx(SECRET) for row in shown)
    # Hidden rows sort after every row that can be read.
    hidden_at = [k for k, r in enumerate(rows) if r["hidden"]]
    assert hidden_at == list(range(len(rows) - len(hidden_at), len(rows)))
    text = api.get("/boundaries/report?format=csv").get_data(as_text=True)
    lines = [line for line in text.splitlines()[1:] if line]
    assert len(lines) == len(rows)
    leaked = [line for line in lines if LEAKS.search(line)]
    assert len(leaked) == len(shown)  # only the leaders' question's rows carry the value


@pytest.mark.parametrize("rule", ["until", "reveal", "blind"])
def test_nothing_hidden_reaches_the_reader_on_the_pages(
    any_app: Flask, world: dict[str, Any], rule: str
) -> None:
    client = any_app.test_client()
    _login(client, "reader")
    for path in _page_paths(world, rule):
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        assert not LEAKS.search(response.get_data(as_text=True)), path


def _rows_about(body: str, title: str) -> list[str]:
    """Return each list row, card or item of a page that names title."""
    found, i = [], body.find(title)
    while i >= 0:
        start = max(body.rfind(tag, 0, i) for tag in ("<tr", "<li", "<article"))
        ends = [j for j in (body.find(t, i) for t in ("</tr>", "</li>", "</article>")) if j >= 0]
        found.append(body[start : min(ends) if ends else len(body)])
        i = body.find(title, i + len(title))
    return found


def test_lists_show_only_what_the_reader_may_see(any_app: Flask, world: dict[str, Any]) -> None:
    client = any_app.test_client()
    _login(client, "reader")
    control = "Question hidden by leaders?"
    for path in LIST_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        for rule in ("until", "reveal", "blind"):
            for row in _rows_about(body, f"Question hidden by {rule}?"):
                assert not LEAKS.search(row), (path, rule, row)
        if path in ("/questions", "/boundaries/report"):
            # The control question's row shows its value: the search would see a leak.
            assert any(LEAKS.search(row) for row in _rows_about(body, control)), path
    api = Api(client, make_token(any_app, world["reader"]))
    for path in LIST_API + LIST_API_CSV:
        assert api.get(path).status_code == 200, path


def test_the_control_question_shows_its_value_to_the_reader(
    any_app: Flask, world: dict[str, Any]
) -> None:
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    qid = world["questions"]["leaders"]
    body = api.get(f"/questions/{qid}/aggregate").get_json()
    assert body["probability"] == pytest.approx(SECRET)
    own = api.get(f"/boundaries/{world['own']['leaders']}/events").get_json()
    assert own["hidden"] is None and own["items"][0]["state"] == "crossed"
    client = any_app.test_client()
    _login(client, "reader")
    page = client.get(f"/questions/{qid}").get_data(as_text=True)
    assert "83.8%" in page and "Leaders see it before then" in page


def test_a_forecaster_who_forecast_sees_what_the_rule_hid_from_others(
    any_app: Flask, world: dict[str, Any]
) -> None:
    with any_app.app_context(), session_scope() as session:
        from forecast.services.accounts.users import get_user

        fc0 = get_user(session, "fc0")
    api = Api(any_app.test_client(), make_token(any_app, fc0))
    until = api.get(f"/questions/{world['questions']['until']}/aggregate")
    assert until.status_code == 200 and until.get_json()["probability"] == pytest.approx(SECRET)
    reveal = api.get(f"/questions/{world['questions']['reveal']}/aggregate")
    assert reveal.status_code == 403  # forecasting does not move a reveal time


def test_alerts_on_a_hidden_question_are_recorded_but_not_sent(
    any_app: Flask, world: dict[str, Any]
) -> None:
    from sqlmodel import select

    from forecast.models import BoundaryEvent, Notification

    with any_app.app_context(), session_scope() as session:
        notes = session.exec(
            select(Notification).where(Notification.user_id == world["reader"].id)
        ).all()
        recorded = session.exec(select(BoundaryEvent)).all()
    # The reader's own boundaries all crossed; only the one they may see was told.
    assert len([e for e in recorded if e.boundary_id in world["own"].values()]) == 3
    assert len(notes) == 1 and "83.8%" in notes[0].message
    assert str(world["own"]["leaders"]) in (notes[0].link or "")


READERS = {
    "anonymous": None,
    "forecaster": Role.FORECASTER,
    "organizer": Role.ORGANIZER,
    "leader": Role.LEADER,
    "admin": Role.ADMIN,
}


@pytest.mark.parametrize("role", list(READERS))
def test_only_leaders_read_anothers_shared_boundary(
    any_app: Flask, world: dict[str, Any], role: str
) -> None:
    token = None
    if READERS[role] is not None:
        token = make_token(any_app, make_user(any_app, f"the-{role}", READERS[role]))
    api = Api(any_app.test_client(), token)
    boundary = world["shared"]["leaders"]
    expected = {"anonymous": 401, "forecaster": 404, "organizer": 404, "leader": 200, "admin": 200}
    for path in (f"/boundaries/{boundary}", f"/boundaries/{boundary}/events"):
        response = api.get(path)
        assert response.status_code == expected[role], (path, response.get_json())
    listed = api.get("/boundaries")
    if listed.status_code == 200:
        assert boundary in [b["id"] for b in listed.get_json()]
    else:
        assert listed.status_code in (401, 403)


def test_looking_back_on_a_resolved_question_keeps_its_hidden_aggregate_hidden(
    any_app: Flask, world: dict[str, Any]
) -> None:
    from forecast.services.resolution.resolve import resolve

    with any_app.app_context(), session_scope() as session:
        organizer = session.exec(select(User).where(User.username == "org")).one()
        for rule in ("reveal", "leaders"):
            resolve(
                session=session,
                actor=organizer,
                question_id=world["questions"][rule],
                data={"outcome": "yes"},
            )
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    rows = {r["id"]: r for r in api.get("/boundaries/report").get_json()}
    hidden, shown = rows[world["own"]["reveal"]], rows[world["own"]["leaders"]]
    assert hidden["decision_outcome"] is None and hidden["verdict_history"] == []
    assert hidden["lead_time_days"] is None
    assert shown["decision_outcome"] == "hit"  # the control: resolved, visible, crossed
    client = any_app.test_client()
    _login(client, "reader")
    page = client.get("/boundaries").get_data(as_text=True)
    assert "Your decisions, looking back" in page and "1 resolved boundary" in page
    assert not LEAKS.search(page)
    detail = client.get(f"/boundaries/{world['own']['reveal']}").get_data(as_text=True)
    assert 'id="retrospective"' not in detail and not LEAKS.search(detail)


def test_the_operations_endpoints_carry_no_value_question_or_person(
    any_app: Flask, world: dict[str, Any]
) -> None:
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    for rule in RULES:  # leave traces in the counters first
        for path in _api_paths(world, rule):
            api.get(path)
    ready = any_app.test_client().get("/api/v1/ready")
    metrics = any_app.test_client().get("/metrics")  # from the loopback, as a local scraper
    assert ready.status_code == 200 and metrics.status_code == 200
    for body in (ready.get_data(as_text=True), metrics.get_data(as_text=True)):
        assert not LEAKS.search(body)
        assert "reader" not in body and "fc0" not in body and "other-leader" not in body
        for qid in world["questions"].values():
            assert f"/questions/{qid}" not in body


def test_conditional_pairs_and_signposts_carry_no_hidden_value(
    any_app: Flask, world: dict[str, Any]
) -> None:
    """Pairs on the hidden questions: as the condition of a signpost on the reader's own
    visible boundary, and as the outcome whose branches inherit its hiding rule."""
    from forecast.services.conditionals.create import create_pair

    with any_app.app_context(), session_scope() as session:
        organizer = session.exec(select(User).where(User.username == "org")).one()
        forecasters = [
            session.exec(select(User).where(User.username == f"fc{i}")).one() for i in (0, 1)
        ]
        on = {}
        for rule in ("until", "reveal"):
            # The hidden question as the condition of a pair on the leaders' (visible) question.
            signpost = create_pair(
                session=session,
                actor=organizer,
                condition=world["questions"][rule],
                outcome=world["questions"]["leaders"],
            )
            # The hidden question as the outcome: the branches hide as it does.
            branches = create_pair(
                session=session,
                actor=organizer,
                condition=world["questions"]["leaders"],
                outcome=world["questions"][rule],
            )
            on[rule] = (signpost, branches)
            for pair in (signpost, branches):
                for branch in (pair.yes, pair.no):
                    assert branch is not None
                    for user in forecasters:
                        submit_forecast(
                            session=session, actor=user, question_id=branch.id, probability=SECRET
                        )
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    client = any_app.test_client()
    _login(client, "reader")
    own_leaders = world["own"]["leaders"]
    report = {r["id"]: r for r in api.get("/boundaries/report").get_json()}
    signposts = {s["condition"]["id"]: s for s in report[own_leaders]["signposts"]}
    for rule, (signpost, branches) in on.items():
        entry = signposts[world["questions"][rule]]
        assert entry["hidden"] and entry["p_signpost"] is None and entry["value_of_waiting"] is None
        assert not LEAKS.search(str(entry)), entry
        assert branches.yes is not None and signpost.yes is not None
        pair = api.get(f"/questions/{branches.yes.id}/pair").get_json()
        assert pair["yes"]["community"] is None and pair["no"]["community"] is None
        assert pair["outcome"]["community"] is None
        # The control: the condition here is the leaders' question, open to the reader.
        assert pair["p_condition"] == pytest.approx(SECRET)
        hidden_condition = api.get(f"/questions/{signpost.yes.id}/pair").get_json()
        assert hidden_condition["p_condition"] is None
        assert hidden_condition["condition"]["community"] is None
        for path in (f"/questions/{branches.yes.id}/pair", f"/questions/{branches.no.id}"):
            page = client.get(path).get_data(as_text=True)
            branch_rows = page.split('id="branches"')[-1] if "pair" in path else page
            assert not LEAKS.search(branch_rows.split('id="forecast-both"')[0]), path
        page = client.get(f"/questions/{signpost.yes.id}/pair").get_data(as_text=True)
        assert not LEAKS.search(page.split('id="condition-now"')[1].split("</p>")[0])
    for path in ("/boundaries/report", f"/boundaries/{own_leaders}"):
        page = client.get(path).get_data(as_text=True)
        section = page.split(f'id="signposts-{own_leaders}"')[1].split("</section>")[0]
        assert "hidden from you" in section and not LEAKS.search(section), path


def test_named_signposts_carry_no_hidden_value(any_app: Flask, world: dict[str, Any]) -> None:
    """The reader names, on their own boundary on the leaders' (visible) question, a pair whose
    condition is hidden and a pair linked on another outcome that is hidden: named, they carry
    no more than suggested ones would, in the report, its files and both pages."""
    from forecast.services.boundaries.named_signposts import add_signpost
    from forecast.services.conditionals.create import create_pair

    questions, own_leaders = world["questions"], world["own"]["leaders"]
    with any_app.app_context(), session_scope() as session:
        organizer = session.exec(select(User).where(User.username == "org")).one()
        forecasters = [
            session.exec(select(User).where(User.username == f"fc{i}")).one() for i in (0, 1)
        ]
        hidden_condition = create_pair(
            session=session,
            actor=organizer,
            condition=questions["until"],
            outcome=questions["leaders"],
        )
        hidden_outcome = create_pair(
            session=session,
            actor=organizer,
            condition=questions["leaders"],
            outcome=questions["reveal"],
        )
        for pair in (hidden_condition, hidden_outcome):
            for branch in (pair.yes, pair.no):
                assert branch is not None
                for user in forecasters:
                    submit_forecast(
                        session=session, actor=user, question_id=branch.id, probability=SECRET
                    )
        reader = session.exec(select(User).where(User.username == "reader")).one()
        add_signpost(
            session=session,
            actor=reader,
            boundary_id=own_leaders,
            item={"condition": questions["until"]},
        )
        add_signpost(
            session=session,
            actor=reader,
            boundary_id=own_leaders,
            item={"condition": questions["leaders"], "outcome": questions["reveal"]},
        )
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    row = next(r for r in api.get("/boundaries/report").get_json() if r["id"] == own_leaders)
    named = [s for s in row["signposts"] if s["named"]]
    assert [s["condition"]["id"] for s in named] == [questions["until"], questions["leaders"]]
    for entry in named:
        assert entry["hidden"] and entry["p_signpost"] is None and entry["p_if_yes"] is None
        assert entry["value_of_waiting"] is None and not entry["decision_relevant"]
        assert not LEAKS.search(str(entry)), entry
    assert row["decision_relevant_signposts"] == []
    detail = api.get(f"/boundaries/{own_leaders}").get_json()
    assert len(detail["named_signposts"]) == 2
    assert not LEAKS.search(str(detail["named_signposts"]))
    client = any_app.test_client()
    _login(client, "reader")
    page = client.get(f"/boundaries/{own_leaders}").get_data(as_text=True)
    section = page.split(f'id="signposts-{own_leaders}"')[1].split("</section>")[0]
    assert section.count("signpost-kind named") == 2 and not LEAKS.search(section)
    assert not LEAKS.search(page.split('id="named-signposts"')[1].split("</section>")[0])


def test_comments_stating_a_forecast_show_where_the_prediction_shows(
    any_app: Flask, world: dict[str, Any]
) -> None:
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    # The control: on the question opened to leaders the reader reads both comments in full.
    shown = api.get(f"/questions/{world['questions']['leaders']}/comments").get_json()["items"]
    assert [c["forecast"] for c in shown] == [{"probability": SECRET}, None]
    assert "83.77%" in shown[1]["body"] and not any(c["withheld"] for c in shown)
    # Where the prediction is hidden they are withheld whole: their place and author only.
    hidden = api.get(f"/questions/{world['questions']['until']}/comments").get_json()["items"]
    assert [(c["author"], c["withheld"], c["body"], c["forecast"]) for c in hidden] == [
        ("fc0", True, None, None),
        ("fc1", True, None, None),
    ]


def _pastcast_reader(
    app: Flask, questions: dict[str, int]
) -> tuple[Api, Callable[[str], list[str]]]:
    """A leader, "reader", with an API token and a web login; and what the pastcast of each
    rule's question shows them: the pastcast and their record, in the API and on the page."""
    reader = make_user(app, "reader", Role.LEADER)
    api = Api(app.test_client(), make_token(app, reader))
    client = app.test_client()
    _login(client, "reader")

    def seen(rule: str) -> list[str]:
        qid = questions[rule]
        return [
            api.get(f"/calibration/pastcasts/{qid}").get_data(as_text=True),
            api.get("/calibration/me").get_data(as_text=True),
            client.get(f"/calibration/pastcasts/{qid}").get_data(as_text=True),
            client.get("/calibration/me").get_data(as_text=True),
        ]

    return api, seen


def test_pastcasts_show_a_hidden_aggregate_only_as_the_live_rules_would(any_app: Flask) -> None:
    # Resolved questions whose two forecasters said 83.77% an hour after the open, so every
    # vantage date sees it. `until` hides it until the reader answers (their forecast, in a
    # pastcast); `reveal` is still to be revealed, so it stays hidden after the answer too;
    # `leaders` opens it to the reader, a leader (the control).
    from forecast.services.resolution.resolve import resolve

    world = World(any_app)
    forecasters = [world.user(f"fc{i}") for i in range(2)]
    questions: dict[str, int] = {}
    for rule in ("until", "reveal", "leaders"):
        extra: dict[str, Any] = {"title": f"Pastcast hidden by {rule}?"}
        extra["hide_aggregate_until_forecast"] = rule != "reveal"
        extra["aggregate_open_to_leaders"] = rule == "leaders"
        if rule == "reveal":
            extra["aggregate_reveal_time"] = format_iso(utcnow() + timedelta(days=10))
        with any_app.app_context(), session_scope() as session:
            q = create_question(
                session=session,
                actor=world.organizer,
                data=question_data(opens=timedelta(days=-40), closes=timedelta(days=-10), **extra),
            )
            for user in forecasters:
                submit_forecast(
                    session=session,
                    actor=user,
                    question_id=q.id,  # type: ignore[arg-type]
                    probability=SECRET,
                    now=q.open_time + timedelta(hours=1),
                )
            resolve(
                session=session,
                actor=world.organizer,
                question_id=q.id,  # type: ignore[arg-type]
                data={"outcome": "yes"},
            )
            questions[rule] = q.id  # type: ignore[assignment]
    api, seen = _pastcast_reader(any_app, questions)

    for rule in ("until", "reveal"):
        assert not any(LEAKS.search(body) for body in seen(rule)), rule
    assert LEAKS.search(seen("leaders")[0])
    next_item = api.get("/calibration/pastcasts/next").get_json()
    assert next_item["question_id"] in questions.values()
    assert (next_item["community_then"] is not None) == (
        next_item["question_id"] == questions["leaders"]
    )
    for rule, qid in questions.items():
        answered = api.post(f"/calibration/pastcasts/{qid}/answers", json={"probability": 0.6})
        assert answered.status_code == 201
        assert bool(LEAKS.search(answered.get_data(as_text=True))) == (rule != "reveal"), rule
    assert not any(LEAKS.search(body) for body in seen("reveal"))
    assert LEAKS.search(seen("until")[2])


# The community interval of a numeric pastcast: both forecasters' 5th, 50th and 95th percentiles,
# above 59 so that no timestamp's seconds (12:34:56.789) can read as one of them.
SECRET_QUANTILES = [[0.05, 63.77], [0.5, 73.77], [0.95, 83.77]]
INTERVAL_LEAKS = re.compile(r"[678]3\.7|[678]3\.8")


def test_numeric_pastcasts_show_a_hidden_interval_only_as_the_live_rules_would(
    any_app: Flask,
) -> None:
    # The same rules as a yes/no pastcast's probability, for the community's median and 90%
    # interval then (and at close): `until` shows them after the answer, `reveal` (still to
    # come) never, `leaders` opens them to the reader, a leader (the control).
    from forecast.services.resolution.resolve import resolve

    world = World(any_app)
    forecasters = [world.user(f"fc{i}") for i in range(2)]
    questions: dict[str, int] = {}
    for rule in ("until", "reveal", "leaders"):
        extra: dict[str, Any] = {"title": f"Numeric pastcast hidden by {rule}?"}
        extra["hide_aggregate_until_forecast"] = rule != "reveal"
        extra["aggregate_open_to_leaders"] = rule == "leaders"
        if rule == "reveal":
            extra["aggregate_reveal_time"] = format_iso(utcnow() + timedelta(days=10))
        with any_app.app_context(), session_scope() as session:
            q = create_question(
                session=session,
                actor=world.organizer,
                data=question_data(
                    "numeric", opens=timedelta(days=-40), closes=timedelta(days=-10), **extra
                ),
            )
            for user in forecasters:
                submit_forecast(
                    session=session,
                    actor=user,
                    question_id=q.id,  # type: ignore[arg-type]
                    quantiles=SECRET_QUANTILES,
                    now=q.open_time + timedelta(hours=1),
                )
            resolve(
                session=session,
                actor=world.organizer,
                question_id=q.id,  # type: ignore[arg-type]
                data={"value": 50},
            )
            questions[rule] = q.id  # type: ignore[assignment]
    api, seen = _pastcast_reader(any_app, questions)

    for rule in ("until", "reveal"):
        assert not any(INTERVAL_LEAKS.search(body) for body in seen(rule)), rule
    assert INTERVAL_LEAKS.search(seen("leaders")[0])
    assert INTERVAL_LEAKS.search(seen("leaders")[2])
    for rule, qid in questions.items():
        answered = api.post(
            f"/calibration/pastcasts/{qid}/answers", json={"lower": 30, "upper": 60}
        )
        assert answered.status_code == 201
        leaked = bool(INTERVAL_LEAKS.search(answered.get_data(as_text=True)))
        assert leaked == (rule != "reveal"), rule
    assert not any(INTERVAL_LEAKS.search(body) for body in seen("reveal"))
    assert INTERVAL_LEAKS.search(seen("until")[2])
    # The record compares only where the community's interval may be seen now.
    record = api.get("/calibration/me").get_json()["pastcast"]["interval"]
    assert record["answered"] == 3 and record["compared"] == 2


@pytest.mark.parametrize("rule", ["until", "reveal"])
def test_a_hidden_multiple_choice_aggregate_reaches_no_path(any_app: Flask, rule: str) -> None:
    """Multiple choice goes through the same hiding rules: per-option values never leak."""
    world = World(any_app)
    extra: dict[str, Any] = {"title": f"Which lab, hidden by {rule}?", "options": ["A", "B", "C"]}
    if rule == "until":
        extra["hide_aggregate_until_forecast"] = True
    else:
        extra["aggregate_reveal_time"] = format_iso(utcnow() + timedelta(days=10))
    with any_app.app_context(), session_scope() as session:
        question = create_question(
            session=session,
            actor=world.organizer,
            data=question_data("multiple_choice", **extra),
        )
    qid = question.id
    forecasters = [world.user(f"fc{i}") for i in range(2)]
    with any_app.app_context(), session_scope() as session:
        for user in forecasters:
            submit_forecast(
                session=session, actor=user, question_id=qid, probabilities=[SECRET, 0.1, 0.0623]
            )
    reader = make_user(any_app, "reader", Role.LEADER)
    other = world.user("other-leader", Role.LEADER)
    _boundary(
        world, other, qid, shared=True, event={"kind": "option", "option": "A"}, threshold=0.5
    )
    api = Api(any_app.test_client(), make_token(any_app, reader))
    for path in (
        f"/questions/{qid}",
        f"/questions/{qid}/aggregate",
        f"/questions/{qid}/aggregate?method=mean",
        f"/questions/{qid}/aggregate/history",
        "/questions?per_page=100",
        "/boundaries/report",
        "/boundaries/report?format=csv",
    ):
        response = api.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        assert not LEAKS.search(response.get_data(as_text=True)), path
    listed = {q["id"]: q for q in api.get("/questions?per_page=100").get_json()["items"]}
    assert listed[qid]["community"] is None
    client = any_app.test_client()
    _login(client, "reader")
    for path in (f"/questions/{qid}", f"/questions/{qid}/aggregate.csv", "/questions", "/"):
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        assert not LEAKS.search(response.get_data(as_text=True)), path
    # The control: a forecaster who stands on it reads the value (for `until`).
    seen = Api(any_app.test_client(), make_token(any_app, forecasters[0]))
    answer = seen.get(f"/questions/{qid}/aggregate")
    if rule == "until":
        assert answer.get_json()["probabilities"][0] == pytest.approx(SECRET)
    else:
        assert answer.status_code == 403


@pytest.mark.parametrize("rule", ["until", "reveal"])
def test_best_at_threshold_hides_with_the_aggregate_and_the_trend_line_does_not(
    any_app: Flask, rule: str
) -> None:
    """ "Best at your threshold" is drawn from the forecasts: hidden where the aggregate is, on
    the report, its CSV and the boundary's page. The trend line is public data: its reference
    forecast and series read wherever the question may be seen, and they carry no forecast."""
    from forecast.services.trends.series import attach_series
    from tests.integration.test_threshold_trust import track_records

    world = World(any_app)
    good, bad = track_records(world)  # both ranked at 10%: good weighs, bad does not
    qid = _question(world, rule)
    extra: dict[str, Any] = {"title": f"How much, hidden by {rule}?", "type": "numeric"}
    extra["hide_aggregate_until_forecast"] = rule == "until"
    if rule == "reveal":
        extra["aggregate_reveal_time"] = format_iso(utcnow() + timedelta(days=10))
    with any_app.app_context(), session_scope() as session:
        numeric = create_question(
            session=session, actor=world.organizer, data=question_data("numeric", **extra)
        ).id
        for user in (good, bad):
            submit_forecast(session=session, actor=user, question_id=qid, probability=SECRET)
        now = utcnow()
        attach_series(
            session=session,
            actor=world.organizer,
            question_id=numeric or 0,
            data={
                "fit": "linear",
                "points": [
                    {"date": format_iso(now - timedelta(days=365 * k)), "value": 40.0 - 10 * k}
                    for k in range(4)
                ],
            },
        )
    reader = make_user(any_app, "reader", Role.LEADER)
    best = _boundary(world, reader, qid, method="best_at_threshold")
    api = Api(any_app.test_client(), make_token(any_app, reader))
    for path in (
        "/boundaries/report",
        "/boundaries/report?format=csv",
        f"/boundaries/{best}",
        f"/questions/{qid}/aggregate?method=best_at_threshold",
    ):
        response = api.get(path)
        assert response.status_code in (200, 403, 422), (path, response.status_code)
        assert not LEAKS.search(response.get_data(as_text=True)), path
    row = next(r for r in api.get("/boundaries/report").get_json() if r["id"] == best)
    assert row["hidden"] and row["best_at_threshold"] is None and row["by_method"] == {}
    client = any_app.test_client()
    _login(client, "reader")
    for path in (f"/boundaries/{best}", "/boundaries/report"):
        assert not LEAKS.search(client.get(path).get_data(as_text=True)), path
    # The trend: read from a question whose aggregate is hidden, and carrying no forecast.
    assert api.get(f"/questions/{numeric}/aggregate").status_code == 403
    trend = api.get(f"/questions/{numeric}/aggregate?method=trend")
    assert trend.status_code == 200 and trend.get_json()["forecaster_count"] == 0
    assert api.get(f"/questions/{numeric}/series").status_code == 200
    page = client.get(f"/questions/{numeric}").get_data(as_text=True)
    assert 'id="trend-numbers"' in page and 'class="trend-line"' not in page
    # The control (`until`): the owner of the first track record forecast it and reads it.
    own = Api(any_app.test_client(), make_token(any_app, good)).get(f"/questions/{qid}/aggregate")
    if rule == "until":
        assert own.get_json()["probability"] == pytest.approx(SECRET)
    else:
        assert own.status_code == 403


@pytest.mark.parametrize("rule", RULES)
def test_the_trend_lines_leaderboard_row_counts_only_questions_the_reader_may_see(
    any_app: Flask, world: dict[str, Any], rule: str
) -> None:
    """The line's Peer and the community's Baseline beside it come from the community
    prediction: a question hidden from the reader stays out of the row on every path."""
    from forecast.infra.db import write
    from forecast.models import ReferenceScore

    with any_app.app_context(), session_scope() as session, write(session):
        session.add(
            ReferenceScore(
                question_id=world["questions"][rule],
                method="trend",
                baseline=SECRET * 100,
                peer=SECRET * 100,
                coverage=1.0,
                crowd_baseline=SECRET * 100,
            )
        )
    client = any_app.test_client()
    _login(client, "reader")
    api = Api(any_app.test_client(), make_token(any_app, world["reader"]))
    reference = api.get("/tournaments/ai/leaderboard").get_json()["reference"]
    bodies = [
        client.get("/tournaments/ai/leaderboard").get_data(as_text=True),
        client.get("/tournaments/ai/leaderboard?format=csv").get_data(as_text=True),
        api.get("/tournaments/ai/leaderboard?format=csv").get_data(as_text=True),
        str(reference),
    ]
    if rule == "leaders":  # the control: open to leaders, so the reader sees the row
        assert reference[0]["crowd_baseline"] == pytest.approx(SECRET * 100)
        assert all(LEAKS.search(body) for body in bodies)
    else:
        assert reference == []
        assert not any(LEAKS.search(body) for body in bodies)
