"""Migrations with data in the tables: every revision up, down and up again, rows surviving.

At each revision the tables it creates get realistic rows; after every later step (up or down)
every row whose table still exists must still be there, unchanged. At head the app itself must
read the rows back. Runs on a SQLite file and, when configured, on PostgreSQL (in a schema of
its own, so the shared test schema stays at head).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from forecast.infra.migrate import alembic_config
from forecast.models import ApiToken, Boundary, Forecast, Question, Score, User
from tests.conftest import PG_URL

T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
CDF_BYTES = np.linspace(0.0, 1.0, 201).astype("<f8").tobytes()

Rows = dict[str, list[dict[str, Any]]]


def _at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def rows_0001() -> Rows:
    return {
        "users": [
            {
                "id": 1,
                "username": "org",
                "password_hash": None,
                "role": "organizer",
                "is_demo": False,
                "created_at": _at(0),
            },
            {
                "id": 2,
                "username": "ann",
                "password_hash": "scrypt:x$y$z",
                "role": "forecaster",
                "is_demo": False,
                "created_at": _at(0.5),
            },
            {
                "id": 3,
                "username": "lea",
                "password_hash": None,
                "role": "leader",
                "is_demo": True,
                "created_at": _at(1),
            },
        ],
        "tournaments": [
            {
                "id": 1,
                "slug": "ai",
                "title": "AI",
                "description": "Milestones.",
                "created_at": _at(0),
            },
        ],
        "api_tokens": [
            {
                "id": 1,
                "user_id": 2,
                "token_hash": "a" * 64,
                "label": "cli",
                "created_at": _at(1),
                "revoked_at": None,
            },
        ],
        "notifications": [
            {
                "id": 1,
                "user_id": 2,
                "kind": "question_resolved",
                "message": "Resolved.",
                "link": "/questions/1",
                "created_at": _at(2),
                "read_at": None,
            },
        ],
        "questions": [
            {
                "id": 1,
                "key": "flop-1e27",
                "tournament_id": 1,
                "type": "binary",
                "status": "resolved",
                "title": "1e27 FLOP?",
                "description": "d",
                "resolution_criteria": "c",
                "source": None,
                "open_time": _at(0),
                "close_time": _at(10),
                "resolve_time": _at(20),
                "range_min": None,
                "range_max": None,
                "open_lower": False,
                "open_upper": False,
                "zero_point": None,
                "resolution_outcome": "yes",
                "resolution_value": None,
                "resolved_at": _at(9),
                "hide_aggregate_until_forecast": False,
                "aggregate_reveal_time": None,
                "proposer_id": None,
                "created_by_id": 1,
                "review_comment": None,
                "created_at": _at(0),
            },
            {
                "id": 2,
                "key": "params",
                "tournament_id": 1,
                "type": "numeric",
                "status": "open",
                "title": "How many parameters?",
                "description": "d",
                "resolution_criteria": "c",
                "source": "https://example.org",
                "open_time": _at(0),
                "close_time": _at(400),
                "resolve_time": _at(410),
                "range_min": 0.0,
                "range_max": 100.0,
                "open_lower": False,
                "open_upper": True,
                "zero_point": None,
                "resolution_outcome": None,
                "resolution_value": None,
                "resolved_at": None,
                "hide_aggregate_until_forecast": True,
                "aggregate_reveal_time": _at(5),
                "proposer_id": 2,
                "created_by_id": 1,
                "review_comment": "fine",
                "created_at": _at(0),
            },
        ],
        "forecasts": [
            {
                "id": 1,
                "question_id": 1,
                "user_id": 2,
                "start_time": _at(1),
                "end_time": _at(3),
                "probability": 0.3,
                "cdf": None,
                "rationale": "first look",
            },
            {
                "id": 2,
                "question_id": 1,
                "user_id": 2,
                "start_time": _at(3),
                "end_time": None,
                "probability": 0.7,
                "cdf": None,
                "rationale": None,
            },
            {
                "id": 3,
                "question_id": 2,
                "user_id": 2,
                "start_time": _at(2),
                "end_time": None,
                "probability": None,
                "cdf": CDF_BYTES,
                "rationale": "uniform",
            },
        ],
        "question_events": [
            {
                "id": 1,
                "question_id": 1,
                "actor_id": 1,
                "action": "resolved",
                "comment": None,
                "detail": '{"after": {"outcome": "yes"}}',
                "created_at": _at(9),
            },
        ],
    }


def rows_0002() -> Rows:
    return {
        "calibration_sets": [
            {
                "id": 1,
                "slug": "basics",
                "title": "Basics",
                "description": "",
                "created_by_id": 1,
                "created_at": _at(1),
            },
        ],
        "calibration_items": [
            {
                "id": 1,
                "set_id": 1,
                "position": 1,
                "kind": "binary",
                "prompt": "Is water wet?",
                "unit": None,
                "answer_bool": True,
                "answer_value": None,
                "source": "s",
            },
            {
                "id": 2,
                "set_id": 1,
                "position": 2,
                "kind": "interval",
                "prompt": "Height?",
                "unit": "m",
                "answer_bool": None,
                "answer_value": 8849.0,
                "source": "s",
            },
        ],
        "calibration_sessions": [
            {"id": 1, "user_id": 2, "set_id": 1, "started_at": _at(2), "finished_at": None},
        ],
        "calibration_answers": [
            {
                "id": 1,
                "item_id": 1,
                "user_id": 2,
                "session_id": 1,
                "answered_at": _at(2),
                "answer_bool": True,
                "confidence": 0.9,
                "lower": None,
                "upper": None,
                "correct": True,
                "score": 0.99,
            },
        ],
        "scores": [
            {
                "id": 1,
                "question_id": 1,
                "user_id": 2,
                "baseline": 12.5,
                "peer": 0.0,
                "coverage": 0.9,
                "brier": 0.09,
                "log": -0.3567,
                "computed_at": _at(9),
            },
        ],
        "aggregate_cache": [
            {
                "id": 1,
                "question_id": 1,
                "method": "median",
                "forecasts_version": 2,
                "payload": b"\x00\x01payload",
                "computed_at": _at(4),
            },
        ],
    }


def rows_0003() -> Rows:
    return {
        "boundaries": [
            {
                "id": 1,
                "key": "fund-team",
                "owner_id": 3,
                "question_id": 2,
                "ladder": None,
                "status": "committed",
                "shared": False,
                "blind": False,
                "current_version": 2,
                "hysteresis": 0.02,
                "last_state": "below",
                "last_probability": 0.04,
                "last_evaluated_at": _at(6),
                "created_at": _at(3),
            },
        ],
        "boundary_versions": [
            {
                "id": 1,
                "boundary_id": 1,
                "version": 1,
                "action": "Fund a team",
                "event": '{"kind": "at_least", "value": 50}',
                "comparator": ">=",
                "threshold": 0.1,
                "method": "median",
                "rationale": "r",
                "reason": None,
                "content_hash": "b" * 64,
                "committed_at": _at(3),
                "created_at": _at(3),
            },
            {
                "id": 2,
                "boundary_id": 1,
                "version": 2,
                "action": "Fund a team",
                "event": '{"kind": "at_least", "value": 50}',
                "comparator": ">=",
                "threshold": 0.05,
                "method": "median",
                "rationale": "r",
                "reason": "cheaper",
                "content_hash": "c" * 64,
                "committed_at": _at(4),
                "created_at": _at(4),
            },
        ],
        "boundary_events": [
            {
                "id": 1,
                "boundary_id": 1,
                "version": 2,
                "at": _at(5),
                "state": "below",
                "probability": 0.04,
                "threshold": 0.05,
                "created_at": _at(5),
            },
        ],
    }


def rows_0004() -> Rows:
    return {
        "boundary_evaluations": [
            {
                "boundary_id": 1,
                "version": 2,
                "forecasts_version": 2,
                "evaluated_at": _at(6),
                "payload": '{"verdict": "below"}',
            },
        ],
    }


def rows_0005() -> Rows:
    return {
        "scheduler_leases": [
            {"name": "scheduler", "holder": "host-1:42", "expires_at": _at(7)},
        ],
    }


def rows_0006() -> Rows:
    # The hint column joins an existing table: a token made after it has one.
    return {
        "api_tokens": [
            {
                "id": 2,
                "user_id": 3,
                "token_hash": "b" * 64,
                "label": "web",
                "hint": "Xy_9",
                "created_at": _at(3),
                "revoked_at": _at(4),
            },
        ],
    }


def rows_0008() -> Rows:
    # A user made at this revision. Its generation stays at the start: a downgrade drops it on
    # purpose (web logins just end), so a moved one would not come back.
    return {
        "users": [
            {
                "id": 4,
                "username": "max",
                "password_hash": "scrypt:a$b$c",
                "role": "forecaster",
                "is_demo": False,
                "created_at": _at(8),
                "session_generation": 0,
            },
        ],
    }


def rows_0007() -> Rows:
    # A question made at this revision whose hidden community prediction leaders may see.
    question = {**rows_0001()["questions"][0], "id": 3, "key": "open-to-leaders"}
    question.update(status="open", resolution_outcome=None, resolved_at=None)
    return {"questions": [{**question, "aggregate_open_to_leaders": True}]}


def rows_0009() -> Rows:
    # A draft made at this revision that changes state only with three forecasters or more.
    boundary = {**rows_0003()["boundaries"][0], "id": 2, "key": "three-or-more"}
    boundary.update(status="draft", current_version=1, last_state=None, last_probability=None)
    version = {**rows_0003()["boundary_versions"][0], "id": 3, "boundary_id": 2}
    version.update(content_hash=None, committed_at=None)
    return {
        "boundaries": [{**boundary, "min_forecasters": 3, "last_evaluated_at": None}],
        "boundary_versions": [version],
    }


def rows_0010() -> Rows:
    # A forecast made at this revision with the percentiles its forecaster typed.
    return {
        "forecasts": [
            {
                "id": 4,
                "question_id": 2,
                "user_id": 3,
                "start_time": _at(5),
                "end_time": None,
                "probability": None,
                "cdf": CDF_BYTES,
                "rationale": None,
                "quantiles": "[[0.05, 4], [0.5, 30], [0.95, 300]]",
            },
        ],
    }


def rows_0011() -> Rows:
    # Its table's one row, the scores counter, is the migration's own: the walk checks that
    # the step keeps every other table's rows.
    return {}


def rows_0012() -> Rows:
    # The revision adds no table, only the questions' options column and a wider type. Its
    # own rows, multiple-choice questions, cannot walk down: the downgrade deletes them, as its
    # data_lost says (tests/integration/test_migration_0012.py takes one down).
    return {}


def rows_0013() -> Rows:
    # "Params if flop-1e27 = yes / no": two conditional questions of the outcome's type and
    # window, linked to their condition (question 1) and outcome (question 2).
    outcome = rows_0001()["questions"][1]
    branches = [
        {**outcome, "id": 11 + i, "key": f"params-if-flop-1e27-{b}", "title": f"Params if {b}?"}
        for i, b in enumerate(("yes", "no"))
    ]
    return {
        "questions": branches,
        "conditionals": [
            {
                "question_id": 11 + i,
                "condition_id": 1,
                "outcome_id": 2,
                "branch": b,
                "created_at": _at(9),
            }
            for i, b in enumerate(("yes", "no"))
        ],
    }


def rows_0014() -> Rows:
    # A thread with a reply carrying its author's forecast, a hidden comment and its log entry,
    # a tombstone, and a follow with its own move threshold.
    base = {"question_id": 2, "kind": "comment", "forecast_id": None, "edited_at": None}
    base.update(deleted_at=None, hidden_at=None, hidden_reason=None)
    return {
        "comments": [
            {**base, "id": 1, "author_id": 2, "parent_id": None, "body": "**Why** so low?",
             "created_at": _at(6)},
            {**base, "id": 2, "author_id": 3, "parent_id": 1, "body": "Compute @ann",
             "forecast_id": 4, "created_at": _at(6.5), "edited_at": _at(6.51)},
            {**base, "id": 3, "author_id": 2, "parent_id": None, "body": "spam",
             "created_at": _at(7), "hidden_at": _at(7.2), "hidden_reason": "Off topic"},
            {**base, "id": 4, "author_id": 3, "parent_id": 1, "body": "", "kind": "rationale",
             "created_at": _at(7.5), "deleted_at": _at(7.6)},
        ],
        "comment_moderation": [
            {"id": 1, "comment_id": 3, "actor_id": 1, "action": "hide", "reason": "Off topic",
             "created_at": _at(7.2)},
        ],
        "question_follows": [
            {"id": 1, "question_id": 2, "user_id": 2, "move_threshold": 0.05, "baseline": 0.31,
             "seen_version": 3, "created_at": _at(6)},
        ],
    }  # fmt: skip


def rows_0015() -> Rows:
    # Ann's settings (an address she confirmed, a Slack webhook, her routing), a crossing alert
    # sent to her webhook after one failed attempt, and a confirmation mail still waiting.
    payload = '{"created_at": "2026-03-09T12:00:00Z", "data": {}, "link": "/boundaries/1", '
    payload += '"message": "Hire crossed"}'
    return {
        "notification_settings": [
            {
                "user_id": 2,
                "confirmed_email": "ann@example.org",
                "webhook_format": "slack",
                "events": '{"alerts": ["email", "webhook"], "reminders": ["email"]}',
                "updated_at": _at(8),
            }
        ],
        "notification_outbox": [
            {
                "id": 1,
                "user_id": 2,
                "channel": "webhook",
                "kind": "boundary_crossed",
                "delivery_id": "msg_" + "a" * 32,
                "payload": payload,
                "status": "sent",
                "attempts": 2,
                "next_attempt_at": _at(8.1),
                "created_at": _at(8),
                "finished_at": _at(8.1),
            },
            {
                "id": 2,
                "user_id": 2,
                "channel": "email",
                "kind": "email_confirmation",
                "delivery_id": "msg_" + "b" * 32,
                "payload": '{"created_at": "2026-03-09T12:00:00Z", "data": {"to": "a@b.org"}}',
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": _at(8),
                "created_at": _at(8),
                "finished_at": None,
            },
        ],
        "notification_deliveries": [
            {
                "id": 1,
                "outbox_id": 1,
                "user_id": 2,
                "at": _at(8),
                "ok": False,
                "target": "https://hooks.slack.com/services/T0",
                "detail": "HTTP 503",
            },
            {
                "id": 2,
                "outbox_id": 1,
                "user_id": 2,
                "at": _at(8.1),
                "ok": True,
                "target": "https://hooks.slack.com/services/T0",
                "detail": "delivered",
            },
        ],
    }


def rows_0016() -> Rows:
    # A team with its owner and a member, its private tournament and question, and a boundary
    # shared with the team's leaders.
    tournament = {**rows_0001()["tournaments"][0], "id": 2, "slug": "lab-private"}
    question = {**rows_0001()["questions"][0], "id": 5, "key": "lab-private-q"}
    question.update(status="open", resolution_outcome=None, resolved_at=None, tournament_id=2)
    boundary = {**rows_0003()["boundaries"][0], "id": 5, "key": "lab-shared", "question_id": 5}
    version = {**rows_0003()["boundary_versions"][0], "id": 7, "boundary_id": 5}
    return {
        "teams": [
            {
                "id": 1,
                "slug": "lab",
                "name": "The Lab",
                "invite_token": "t" * 43,
                "created_at": _at(9),
            }
        ],
        "team_members": [
            # Keyed by their first column: the member.
            {"user_id": 1, "team_id": 1, "role": "owner", "joined_at": _at(9)},
            {"user_id": 2, "team_id": 1, "role": "member", "joined_at": _at(10)},
        ],
        "tournaments": [{**tournament, "team_id": 1}],
        "questions": [{**question, "team_id": 1}],
        "boundaries": [{**boundary, "shared_team_id": 1}],
        "boundary_versions": [version],
    }


def rows_0017() -> Rows:
    # The compute trend behind the numeric question 2, fitted log-linearly over four years.
    points = [
        {"date": f"202{k}-01-01T00:00:00Z", "value": 3e23 * 4**k, "source": "Epoch AI"}
        for k in range(4)
    ]
    return {
        "trend_series": [
            {
                "question_id": 2,
                "fit": "log_linear",
                "window_years": 4.0,
                "level": None,
                "points": json.dumps(points),
                "created_by": 1,
                "updated_at": _at(12),
            }
        ]
    }


def rows_0018() -> Rows:
    # A forecaster's pastcast of the resolved question 1 as of day 3, graded as a training
    # item: 0.7 on yes is "yes, 70% sure", right (Brier 0.09), the community said 0.55 then.
    return {
        "pastcast_answers": [
            {
                "id": 1,
                "user_id": 2,
                "question_id": 1,
                "kind": "binary",
                "vantage_at": _at(3),
                "answered_at": _at(40),
                "probability": 0.7,
                "answer_bool": True,
                "confidence": 0.7,
                "correct": True,
                "score": 0.09,
                "log_score": -0.35667494393873245,
                "community_then": 0.55,
                "forecasters_then": 2,
            }
        ]
    }


def rows_0019() -> Rows:
    # The trend line scored on the numeric question 2 from day 12 (when its series was
    # attached) to the close: behind the crowd's Baseline, so the crowd beat the line.
    return {
        "reference_scores": [
            {
                "question_id": 2,
                "method": "trend",
                "baseline": 21.5,
                "peer": -8.25,
                "coverage": 0.6,
                "crowd_baseline": 37.75,
                "computed_at": _at(60),
            }
        ]
    }


def rows_0020() -> Rows:
    # Boundary 1 (on question 2) names the pair "question 2 if question 1" as a signpost; an
    # earlier naming of it was removed the next day and stays as the record.
    named = {
        "boundary_id": 1,
        "condition_id": 1,
        "outcome_id": 2,
        "named_by": 3,
        "removed_by": None,
        "removed_at": None,
    }
    return {
        "boundary_signposts": [
            {**named, "id": 1, "named_at": _at(10), "removed_by": 3, "removed_at": _at(11)},
            {**named, "id": 2, "named_at": _at(12)},
        ]
    }


def rows_0021() -> Rows:
    # A yes/no pastcast made at this revision: the interval columns stay empty, so it walks
    # down and up whole. An interval pastcast cannot walk down (the downgrade deletes it, as
    # its data_lost says; tests/integration/test_migration_0021.py takes one down).
    answer = {**rows_0018()["pastcast_answers"][0], "id": 2, "user_id": 3}
    answer.update(lower=None, upper=None, community_lower=None, community_upper=None)
    return {"pastcast_answers": [answer]}


ROWS_AT: dict[str, Callable[[], Rows]] = {
    "0001": rows_0001,
    "0002": rows_0002,
    "0003": rows_0003,
    "0004": rows_0004,
    "0005": rows_0005,
    "0006": rows_0006,
    "0007": rows_0007,
    "0008": rows_0008,
    "0009": rows_0009,
    "0010": rows_0010,
    "0011": rows_0011,
    "0012": rows_0012,
    "0013": rows_0013,
    "0014": rows_0014,
    "0015": rows_0015,
    "0016": rows_0016,
    "0017": rows_0017,
    "0018": rows_0018,
    "0019": rows_0019,
    "0020": rows_0020,
    "0021": rows_0021,
}


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_revision_has_rows_to_insert() -> None:
    # A new migration must come with rows for its tables, or this test stops covering it.
    assert revisions() == list(ROWS_AT)


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _insert(engine: Engine, rows: Rows) -> None:
    sqlite = engine.dialect.name == "sqlite"
    meta = MetaData()
    meta.reflect(engine, only=list(rows))
    with engine.begin() as conn:
        for name in [t.name for t in meta.sorted_tables if t.name in rows]:
            values = [
                {
                    k: (v.replace(tzinfo=None) if sqlite and isinstance(v, datetime) else v)
                    for k, v in row.items()
                }
                for row in rows[name]
            ]
            conn.execute(meta.tables[name].insert(), values)
        if not sqlite:
            # Explicit ids leave the sequences behind; move them on as a restore would.
            for name in rows:
                table = meta.tables[name]
                if "id" in table.c:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))"
                        )
                    )


def _merge(expected: Rows, new_rows: Rows) -> None:
    """Add new_rows to expected; a later revision may add rows to an earlier table."""
    for name, rows in new_rows.items():
        expected.setdefault(name, []).extend(rows)


def _first_revision_part(expected: Rows) -> Rows:
    """What survives a trip down to the first revision and back: its tables and columns."""
    first = rows_0001()
    return {
        name: [{k: v for k, v in row.items() if k in first[name][0]} for row in rows]
        for name, rows in expected.items()
        if name in first
    }


def _check_rows(engine: Engine, expected: Rows) -> None:
    """Every expected row of every table that exists is there, with the inserted values.

    A column that a later revision adds is not compared while the database is below it.
    """
    present = _tables(engine)
    meta = MetaData()
    meta.reflect(engine, only=[t for t in expected if t in present])
    with engine.connect() as conn:
        for name, rows in expected.items():
            if name not in present:
                continue
            table = meta.tables[name]
            key = "id" if "id" in table.c else next(iter(rows[0]))
            stored = {
                r[key]: r for r in conn.execute(select(table).order_by(table.c[key])).mappings()
            }
            assert sorted(stored) == sorted(r[key] for r in rows), name
            for row in rows:
                got = stored[row[key]]
                for column, value in row.items():
                    if column not in table.c:
                        continue
                    assert _normalise(got[column]) == _normalise(value), (name, column)


def _walk(url: str) -> None:
    cfg = alembic_config(url)
    engine = create_engine(url)
    steps = revisions()
    expected: Rows = {}
    try:
        # Up from an empty database, one revision at a time, adding rows at each.
        for revision in steps:
            command.upgrade(cfg, revision)
            _check_rows(engine, expected)
            new_rows = ROWS_AT[revision]()
            _insert(engine, new_rows)
            _merge(expected, new_rows)
            _check_rows(engine, expected)
        # Down to base one revision at a time, with every table full.
        for revision in reversed(["base", *steps[:-1]]):
            command.downgrade(cfg, revision)
            engine.dispose()
            _check_rows(engine, expected)
        assert _tables(engine) == set()
        # Up again: the data the first revision gets back must be insertable and survive.
        command.upgrade(cfg, steps[0])
        _insert(engine, ROWS_AT[steps[0]]())
        for revision in steps[1:]:
            command.upgrade(cfg, revision)
            engine.dispose()
            _check_rows(engine, rows_0001())
        # Down to the first revision and up again with every table full: nothing is lost.
        command.downgrade(cfg, "base")
        command.upgrade(cfg, "head")
        for revision in steps:
            _insert(engine, ROWS_AT[revision]())
        command.downgrade(cfg, steps[0])
        engine.dispose()
        _check_rows(engine, expected)
        command.upgrade(cfg, "head")
        engine.dispose()
        _check_rows(engine, _first_revision_part(expected))
        _app_reads_back(engine)
    finally:
        engine.dispose()


def _app_reads_back(engine: Engine) -> None:
    """The models read the migrated rows: defaults of later columns filled in."""
    with Session(engine) as session:
        question = session.get(Question, 1)
        assert question is not None
        assert question.open_time == T0 and question.weight == 1.0
        assert question.forecasts_version == 0
        cdf = session.exec(sm_select(Forecast.cdf).where(col(Forecast.id) == 3)).one()
        assert cdf is not None and cdf.shape == (201,) and cdf[-1] == 1.0
        ann = session.exec(sm_select(User).where(col(User.username) == "ann")).one()
        assert ann.email is None
        tokens = session.exec(sm_select(ApiToken).order_by(col(ApiToken.id))).all()
        assert [t.hint for t in tokens] == ["", ""]  # the hint did not survive the trip down
        assert session.exec(sm_select(Score)).all() == []
        assert session.exec(sm_select(Boundary)).all() == []


def test_sqlite_walks_every_revision_with_data(tmp_path: Path) -> None:
    _walk(f"sqlite:///{tmp_path / 'walk.db'}")


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not PG_URL:
        pytest.skip("FORECAST_TEST_POSTGRES_URL is not set")
    schema = f"walk_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_walks_every_revision_with_data(pg_schema_url: str) -> None:
    _walk(pg_schema_url)
