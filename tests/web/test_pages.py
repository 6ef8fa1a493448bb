"""HTML pages: auth, the question page, forms, roles, CSRF, error pages."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from forecast.models import Role
from tests.conftest import PASSWORD, build_app, make_user
from tests.integration.factories import World


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data


def test_register_log_in_and_log_out(client: FlaskClient) -> None:
    response = client.post(
        "/register", data={"username": "alice", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 302
    assert b"alice" in client.get("/").data
    client.post("/logout")
    assert b"Log in" in client.get("/").data
    bad = client.post("/login", data={"username": "alice", "password": "wrong-password"})
    assert bad.status_code == 401 and b"wrong username or password" in bad.data


def test_registration_shows_what_is_wrong(client: FlaskClient) -> None:
    response = client.post(
        "/register", data={"username": "a", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 422 and b"username must be" in response.data


def test_the_question_page_has_a_slider_and_saves_forecasts(
    app: Flask, client: FlaskClient
) -> None:
    world = World(app)
    q = world.question()
    make_user(app, "alice")
    login(client, "alice")
    page = client.get(f"/questions/{q.id}").data.decode()
    assert 'type="range"' in page and "Save forecast" in page
    client.post(f"/questions/{q.id}/forecast", data={"probability": "35"})
    client.post(
        f"/questions/{q.id}/forecast", data={"probability": "62.5", "rationale": "new data"}
    )
    page = client.get(f"/questions/{q.id}").data.decode()
    assert "62.5%" in page and "35.0%" in page and "new data" in page and "Update forecast" in page


def test_a_bad_probability_on_the_form_is_explained(app: Flask, client: FlaskClient) -> None:
    q = World(app).question()
    make_user(app, "alice")
    login(client, "alice")
    response = client.post(
        f"/questions/{q.id}/forecast", data={"probability": "150"}, follow_redirects=True
    )
    assert b"probability" in response.data and b"You have not forecast" in response.data


def test_a_continuous_question_page_takes_quantiles(app: Flask, client: FlaskClient) -> None:
    q = World(app).question("numeric")
    make_user(app, "alice")
    login(client, "alice")
    assert b"50th percentile" in client.get(f"/questions/{q.id}").data
    client.post(f"/questions/{q.id}/forecast", data={"q5": "10", "q50": "40", "q95": "90"})
    assert b"distribution" in client.get(f"/questions/{q.id}").data


def test_anonymous_visitors_are_sent_to_log_in_before_forecasting(
    app: Flask, client: FlaskClient
) -> None:
    q = World(app).question()
    response = client.post(f"/questions/{q.id}/forecast", data={"probability": "35"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_proposing_a_question_on_the_web(app: Flask, client: FlaskClient) -> None:
    World(app)
    make_user(app, "alice")
    login(client, "alice")
    response = client.post(
        "/questions/new",
        data={
            "type": "binary",
            "title": "Will it happen?",
            "resolution_criteria": "If it happens.",
            "open_time": "2030-01-01T00:00",
            "close_time": "2031-01-01T00:00",
        },
        follow_redirects=True,
    )
    assert b"waits for an organizer" in response.data and b"Proposed by" in response.data


def test_only_admins_see_and_use_the_user_admin(app: Flask, client: FlaskClient) -> None:
    make_user(app, "alice")
    make_user(app, "root", Role.ADMIN)
    login(client, "alice")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/alice/role", data={"role": "admin"}).status_code == 403
    client.post("/logout")
    login(client, "root")
    assert client.get("/admin/users").status_code == 200
    client.post("/admin/users/alice/role", data={"role": "organizer"})
    assert b"organizer" in client.get("/admin/users").data


def test_forms_refuse_posts_without_the_csrf_token(sqlite_template: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    app = build_app(f"sqlite:///{tmp_path / 'forecast.db'}", tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(
        "/register", data={"username": "alice", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 400
    form = client.get("/register").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    ok = client.post(
        "/register",
        data={"username": "alice", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token},
    )
    assert ok.status_code == 302


def test_session_cookies_are_httponly_and_samesite(app: Flask, client: FlaskClient) -> None:
    make_user(app, "alice")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_carry_security_headers_and_404s_are_pages(client: FlaskClient) -> None:
    response = client.get("/questions/4242")
    assert response.status_code == 404 and b"<html" in response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_pages_render_with_clear_empty_states(client: FlaskClient) -> None:
    assert b"No question is open right now" in client.get("/").data
    assert b"No tournament yet" in client.get("/tournaments").data
    assert b"No question matches" in client.get("/questions").data


def test_the_tournament_list_counts_questions_and_forecasters(
    app: Flask, client: FlaskClient
) -> None:
    from forecast.infra.db import session_scope
    from forecast.services.forecasts import submit_forecast
    from forecast.services.tournaments.catalog import create_tournament

    world = World(app)
    question = world.question()
    with app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=world.user("ann"), question_id=question.id, probability=0.4
        )
        create_tournament(session=session, actor=world.organizer, slug="bio", title="Bio")
    page = client.get("/tournaments").data.decode()
    counts = re.findall(r'<p class="small tournament-counts">(.*?)</p>', page, re.S)
    text = [re.sub(r"<[^>]+>", "", c) for c in counts]
    assert text[0] == "1 question · 1 open · 1 forecaster"  # "AI" sorts before "Bio"
    assert text[1] == "No questions yet"
    assert "next close in" in page
    # The tournament's own page says the same, and where a logged-in forecaster stands.
    detail = client.get("/tournaments/ai").data.decode()
    assert "1 question · " in detail and "Your forecast" not in detail
    make_user(app, "ann2")
    login(client, "ann2")
    mine = client.get("/tournaments/ai").data.decode()
    assert re.findall(r'<td class="mine-cell">(.*?)</td>', mine, re.S) == [
        '<span class="muted">—</span>'
    ]


def test_the_organizer_console_lists_pending_proposals(app: Flask, client: FlaskClient) -> None:
    world = World(app)
    from forecast.infra.db import session_scope
    from forecast.services.questions.lifecycle import create_question
    from tests.integration.factories import question_data

    alice = world.user("alice")
    with app.app_context(), session_scope() as session:
        create_question(session=session, actor=alice, data=question_data(title="Pending one?"))
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    page = client.get("/organizer").data.decode()
    assert "Pending one?" in page and "alice" in page


def test_an_organizer_resolves_from_the_question_page_and_sees_the_scores(
    app: Flask, client: FlaskClient
) -> None:
    from forecast.infra.db import session_scope
    from forecast.services.forecasts import submit_forecast

    world = World(app)
    question = world.question()
    with app.app_context(), session_scope() as session:
        submit_forecast(
            session=session, actor=world.user("ann"), question_id=question.id, probability=0.8
        )
    make_user(app, "olga", Role.ORGANIZER)
    login(client, "olga")
    page = client.post(
        f"/questions/{question.id}/resolve",
        data={"answer": "yes", "action": "resolve", "confirm": "yes"},
        follow_redirects=True,
    )
    text = page.data.decode()
    assert "Resolved; 1 forecaster scored." in text and 'id="scores"' in text and "ann" in text
    refused = client.post(
        f"/questions/{question.id}/resolve",
        data={"answer": "no", "action": "resolve", "confirm": "yes"},
        follow_redirects=True,
    )
    assert b"already resolved" in refused.data
    undone = client.post(
        f"/questions/{question.id}/resolve",
        data={"action": "unresolve", "reason": "wrong source", "confirm": "yes"},
        follow_redirects=True,
    )
    assert b"Resolution taken back" in undone.data


def test_the_question_list_shows_your_forecasts_and_the_status_now(
    app: Flask, client: FlaskClient
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from forecast.infra.clock import utcnow
    from forecast.infra.db import session_scope
    from forecast.models import Question
    from forecast.services.forecasts import submit_forecast

    world = World(app)
    binary, numeric, untouched = world.question(), world.question("numeric"), world.question()
    ann = make_user(app, "ann")
    with app.app_context(), session_scope() as session:
        submit_forecast(session=session, actor=ann, question_id=binary.id, probability=0.35)
        submit_forecast(
            session=session,
            actor=ann,
            question_id=numeric.id,
            quantiles=[[0.05, 10.0], [0.5, 44.0], [0.95, 80.0]],
        )
        # Its close time has passed though the scheduled job has not run yet.
        session.execute(
            update(Question)
            .where(Question.id == untouched.id)  # type: ignore[arg-type]
            .values(close_time=utcnow() - timedelta(minutes=5))
        )
        session.commit()
    anonymous = client.get("/questions").data.decode()
    assert "Your forecast" not in anonymous
    login(client, "ann")
    page = client.get("/questions").data.decode()
    cells = re.findall(r'<td class="mine-cell">(.*?)</td>', page, re.S)
    assert "35.0%" in cells and "median 44" in cells
    assert sum("—" in c for c in cells) == 1  # the one ann has not forecast
    assert page.count('class="status status-closed">closed<') == 1
