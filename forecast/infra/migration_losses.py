"""What a downgrade would destroy, declared by each migration and summed before it runs.

A migration whose downgrade drops data that an upgrade cannot bring back defines
`data_lost(connection) -> list[str]`: one phrase per kind of data its downgrade destroys in the
database at hand ("12 boundaries (7 committed)"), nothing when there is nothing to lose. It runs
on the database before the whole downgrade starts, so it may only read tables and columns that
exist from its own revision on. A migration that drops only derived data (caches, scores that
`forecast score --all` rebuilds, the scheduler's lease) declares nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from forecast.errors import Conflict

LossCheck = Callable[[Connection], list[str]]


class DataWouldBeLost(Conflict):
    """A downgrade would destroy data and was not forced."""


@dataclass(frozen=True)
class Loss:
    """What one revision's downgrade destroys."""

    revision: str
    phrases: list[str]

    def line(self) -> str:
        """Return the loss as one line of a refusal."""
        return f"past {self.revision}: " + "; ".join(self.phrases)


def count(connection: Connection, sql: str) -> int:
    """Return the integer a counting query answers."""
    return int(connection.execute(text(sql)).scalar_one() or 0)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """Return "1 thing" or "N things"."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def rows_in(connection: Connection, tables: Iterable[tuple[str, str]]) -> list[str]:
    """Return "N things" for every (table, thing) whose table holds rows."""
    found = ((count(connection, f"SELECT count(*) FROM {table}"), noun) for table, noun in tables)
    return [counted(n, noun) for n, noun in found if n > 0]


def downgrade_losses(
    connection: Connection, script: ScriptDirectory, destination: str
) -> list[Loss]:
    """Return what each revision between the current one and destination would destroy."""
    current = MigrationContext.configure(connection).get_current_revision()
    # The same resolution of the destination (an id, a prefix, base, -N) that alembic's own
    # downgrade uses, so the revisions checked are exactly the ones that will run.
    steps = script._downgrade_revs(destination, current)
    losses = []
    for step in steps:
        check: LossCheck | None = getattr(step.revision.module, "data_lost", None)
        found = check(connection) if check is not None else []
        if found:
            losses.append(Loss(step.revision.revision, found))
    return losses


def refusal(destination: str, losses: list[Loss]) -> DataWouldBeLost:
    """Return the error that says what a downgrade to destination would destroy."""
    lines = "\n".join(f"  {loss.line()}" for loss in losses)
    return DataWouldBeLost(
        f"downgrading to {destination} destroys data that upgrading cannot bring back:\n"
        f"{lines}\nnothing was changed; pass --force to proceed"
    )
