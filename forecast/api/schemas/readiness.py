"""Schemas of the readiness check (documentation: the view returns its own JSON)."""

from __future__ import annotations

from marshmallow import Schema, fields


class DatabaseCheck(Schema):
    ok = fields.Boolean(required=True)
    ms = fields.Float(metadata={"description": "time to answer SELECT 1, in milliseconds"})


class MigrationCheck(Schema):
    ok = fields.Boolean(required=True)
    revision = fields.String(allow_none=True, metadata={"description": "the database's"})
    head = fields.String(metadata={"description": "the revision this app needs"})


class SchedulerCheck(Schema):
    state = fields.String(
        metadata={"description": "running, stale (no renewal within the lease), absent, unknown"}
    )
    holder = fields.String(allow_none=True)
    seconds_since_renewal = fields.Float(allow_none=True)


class ReadyOut(Schema):
    status = fields.String(required=True, metadata={"description": "ready or not_ready"})
    problems = fields.List(fields.String(), metadata={"description": "what is wrong, if anything"})
    database = fields.Nested(DatabaseCheck)
    migrations = fields.Nested(MigrationCheck)
    scheduler = fields.Nested(SchedulerCheck)
