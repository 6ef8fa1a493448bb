"""multiple choice questions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import count, counted


revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MC = "(SELECT id FROM questions WHERE type = 'multiple_choice')"


def upgrade() -> None:
    # 'multiple_choice' is longer than the ten characters the type had. A multiple-choice
    # question keeps its option labels as a JSON list; its forecasts keep their K
    # probabilities in the forecasts' packed float column (the one a CDF uses), and its
    # resolution is outcome 'option' with the option's index as the resolution value.
    with op.batch_alter_table("questions") as batch_op:
        batch_op.alter_column(
            "type", existing_type=sa.String(10), type_=sa.String(20), existing_nullable=False
        )
        batch_op.add_column(sa.Column("options", sa.Text(), nullable=True))


def downgrade() -> None:
    # Multiple-choice questions cannot exist below this revision: they go, with all that
    # hangs on them.
    for table in ("boundary_events", "boundary_evaluations", "boundary_versions"):
        op.execute(
            f"DELETE FROM {table} WHERE boundary_id IN "
            f"(SELECT id FROM boundaries WHERE question_id IN {_MC})"
        )
    for table in ("boundaries", "scores", "aggregate_cache", "forecasts", "question_events"):
        op.execute(f"DELETE FROM {table} WHERE question_id IN {_MC}")
    op.execute("DELETE FROM questions WHERE type = 'multiple_choice'")
    with op.batch_alter_table("questions") as batch_op:
        batch_op.drop_column("options")
        batch_op.alter_column(
            "type", existing_type=sa.String(20), type_=sa.String(10), existing_nullable=False
        )


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: multiple-choice questions and their forecasts."""
    questions = count(connection, "SELECT count(*) FROM questions WHERE type = 'multiple_choice'")
    if not questions:
        return []
    forecasts = count(connection, f"SELECT count(*) FROM forecasts WHERE question_id IN {_MC}")
    return [
        f"{counted(questions, 'multiple-choice question')} "
        f"with their {counted(forecasts, 'forecast')}"
    ]
