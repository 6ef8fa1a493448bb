"""Property-based fuzzing of the JSON API against its own OpenAPI document.

Every operation of /api/v1/openapi.json is fed generated requests as each role. The API must
never answer 5xx, must only answer status codes the document lists for that operation, and
every body must match the documented schema of its status.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forecast.infra.clock import format_iso, parse_iso
from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services import calibration, forecasts
from forecast.services.accounts.tokens import create_token
from forecast.services.accounts.users import create_user, get_user
from forecast.services.boundaries import lifecycle as boundaries
from forecast.services.questions import lifecycle as questions
from forecast.services.resolution import resolve as resolution
from forecast.services.tournaments.catalog import create_tournament
from tests.conftest import DATABASES, PASSWORD, app_on, build_app
from tests.integration.factories import question_data

ROLES = ("anonymous", "forecaster", "organizer", "leader", "admin")
CALIBRATION_SET = {
    "format": "forecast-calibration/1",
    "slug": "tiny",
    "title": "Tiny",
    "items": [
        {"kind": "binary", "prompt": "Water boils at 100 C.", "answer": True, "source": "s"},
        {"kind": "interval", "prompt": "AlexNet year?", "answer": 2012, "source": "s"},
    ],
}
SMALL = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Derandomized as well: the long run is the same run every time, so CI is repeatable.
LARGE = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Answers by status across the module's runs, printed at its end with how many were sent.
STATUSES: Counter[int] = Counter()


@pytest.fixture(scope="module", autouse=True)
def fuzzing_figures(request: pytest.FixtureRequest) -> Any:
    """Print how many requests the module sent and how they were answered."""
    yield
    if STATUSES:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        line = (
            f"API fuzzing: {sum(STATUSES.values()):,} requests as {len(ROLES)} roles; "
            f"answers {dict(sorted(STATUSES.items()))}; "
            f"5xx: {sum(n for code, n in STATUSES.items() if code >= 500)}"
        )
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(line)


@pytest.fixture(autouse=True)
def full_size_only_when_selected(request: pytest.FixtureRequest) -> None:
    """The long runs are marked `slow` and run only when selected (`-m slow`)."""
    if request.node.get_closest_marker("slow") and "slow" not in request.config.option.markexpr:
        pytest.skip("full size: select it with -m slow")


@dataclass
class Seeded:
    """A seeded app, a token per role and the ids that path parameters map onto."""

    app: Flask
    tokens: dict[str, str]
    ids: dict[str, list[Any]] = field(default_factory=dict)


def _seed(app: Flask) -> Seeded:
    """Create one user per role, a tournament, open and resolved questions, boundaries, a set."""
    with app.app_context(), session_scope() as session:
        users = {
            role: create_user(
                session=session, username=f"the-{role}", password=PASSWORD, role=Role(role)
            )
            for role in ROLES[1:]
        }
        tokens = {role: create_token(session=session, user=user) for role, user in users.items()}
        create_tournament(session=session, actor=users["organizer"], slug="ai", title="AI")
        made = [
            questions.create_question(
                session=session, actor=users["organizer"], data=question_data(qtype)
            )
            for qtype in ("binary", "numeric", "date", "binary")
        ]
        binary, numeric, date, resolved = (q.id for q in made)
        proposal = questions.create_question(
            session=session, actor=users["forecaster"], data=question_data(tournament=None)
        )
        for author in (users["forecaster"], users["admin"]):
            forecasts.submit_forecast(
                session=session, actor=author, question_id=binary, probability=0.3
            )
            forecasts.submit_forecast(
                session=session, actor=author, question_id=resolved, probability=0.8
            )
            forecasts.submit_forecast(
                session=session,
                actor=author,
                question_id=numeric,
                quantiles=[[0.1, 10], [0.5, 40], [0.9, 80]],
            )
            forecasts.submit_forecast(
                session=session,
                actor=author,
                question_id=date,
                quantiles=[
                    [0.1, "2028-01-01T00:00:00Z"],
                    [0.5, "2032-01-01T00:00:00Z"],
                    [0.9, "2040-01-01T00:00:00Z"],
                ],
            )
        resolution.resolve(
            session=session,
            actor=users["organizer"],
            question_id=resolved,
            data={"outcome": "yes"},
        )
        boundary_data = {"action": "Act", "event": {"kind": "yes"}, "threshold": 0.2}
        committed = boundaries.create_boundary(
            session=session, actor=users["leader"], data={**boundary_data, "question": binary}
        )
        boundaries.commit_boundary(session=session, actor=users["leader"], boundary_id=committed.id)
        draft = boundaries.create_boundary(
            session=session,
            actor=users["leader"],
            data={
                "question": numeric,
                "action": "Wait",
                "event": {"kind": "at_least", "value": 50},
                "threshold": 0.4,
            },
        )
        stored, _ = calibration.import_set(
            session=session, actor=users["organizer"], document=CALIBRATION_SET
        )
        item = calibration.next_item(session=session, user=users["forecaster"], slug=stored.slug)
        assert item is not None
        ids: dict[str, list[Any]] = {
            "question_id": [binary, numeric, date, resolved, proposal.id],
            "boundary_id": [committed.id, draft.id],
            "item_id": [item.id],
            "name": [user.username for user in users.values()],
            "slug": ["ai", stored.slug],
        }
    return Seeded(app=app, tokens=tokens, ids=ids)


@pytest.fixture(scope="module", params=DATABASES)
def seeded(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Seeded]:
    """One seeded app per database, shared by every fuzzed operation of this module."""
    tmp_path = tmp_path_factory.mktemp("fuzz-api")
    with app_on(request.param, request, sqlite_template, tmp_path) as app:
        world = _seed(app)
        SEEDED_IDS.clear()
        SEEDED_IDS.update(world.ids)
        yield world
        SEEDED_IDS.clear()


def _real(value: Any, choices: list[Any]) -> Any:
    """Map most generated values onto seeded objects; keep the rest as generated."""
    if isinstance(value, bool) or not choices:
        return value
    if isinstance(value, int):
        slot = value % (len(choices) + 1)
    elif isinstance(value, str):
        slot = len(value) % (len(choices) + 1)
    else:
        return value
    return choices[slot] if slot < len(choices) else value


def _document_app() -> Flask:
    """An app that only serves its OpenAPI document: its database is never opened."""
    folder = Path(tempfile.mkdtemp(prefix="forecast-openapi-"))
    return build_app(f"sqlite:///{folder / 'unused.db'}", folder)


SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())
SEEDED_IDS: dict[str, list[Any]] = {}


@SCHEMA.hook
def map_path_parameters(
    context: HookContext, path_parameters: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """Point most generated ids, slugs and names at the seeded rows."""
    if path_parameters is None:
        return None
    return {name: _real(value, SEEDED_IDS.get(name, [])) for name, value in path_parameters.items()}


def status_code_documented(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """The status must be listed for the operation itself, not only covered by `default`."""
    if case.method.upper() != case.operation.method.upper():
        return None  # a method the document never offers: 405 is the honest answer
    documented = set(case.operation.definition.raw.get("responses", {}))
    if str(response.status_code) not in documented:
        raise Failure(
            operation=case.operation.label,
            title="Undocumented status code",
            message=f"{response.status_code} is not among {sorted(documented)}",
        )
    return None


CHECKS = [
    not_a_server_error,
    status_code_documented,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _revokes_tokens(case: Case) -> bool:
    return case.method.upper() == "DELETE" and case.path.startswith("/api/v1/tokens")


def _fresh_token(seeded: Seeded, role: str) -> str:
    with seeded.app.app_context(), session_scope() as session:
        return create_token(session=session, user=get_user(session, f"the-{role}"))


def _exercise(case: Case, seeded: Seeded, role: str) -> None:
    revokes = _revokes_tokens(case) and role in seeded.tokens
    token = _fresh_token(seeded, role) if revokes else seeded.tokens.get(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = case.call(app=seeded.app, headers=headers)
    STATUSES[response.status_code] += 1
    if revokes:  # revoking all of a user's tokens takes the seeded one too
        seeded.tokens[role] = _fresh_token(seeded, role)
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.parametrize("role", ROLES)
@SCHEMA.parametrize()
@SMALL
def test_every_operation_answers_as_documented(case: Case, seeded: Seeded, role: str) -> None:
    _exercise(case, seeded, role)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@SCHEMA.parametrize()
@LARGE
def test_every_operation_answers_as_documented_at_length(
    case: Case, seeded: Seeded, role: str
) -> None:
    _exercise(case, seeded, role)


def test_what_fuzzing_found_stays_fixed(app: Flask) -> None:
    client = app.test_client()
    # an id past the 64-bit column range is simply not found
    assert client.get("/api/v1/questions/9223372036854775808").status_code == 404
    assert client.get("/questions/9223372036854775808").status_code == 404
    # a body that is not JSON is a 400 that says so
    bad = client.post("/api/v1/tokens", data=b"\xff{", content_type="application/json")
    assert bad.status_code == 400
    assert "JSON" in bad.get_json()["error"]["message"]
    # far-off instants keep four year digits, and unrepresentable ones are refused, not crashed
    assert format_iso(datetime(464, 4, 20, 7, 27, tzinfo=UTC)) == "0464-04-20T07:27:00Z"
    with pytest.raises(ValueError):
        parse_iso("0001-01-01T00:00:00+10:00")
