"""aggregate open to leaders

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import count, counted


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A question's own setting, shown on its page: leaders see its hidden community prediction.
    op.add_column(
        'questions',
        sa.Column(
            'aggregate_open_to_leaders', sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table('questions') as batch_op:
        batch_op.drop_column('aggregate_open_to_leaders')


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: the setting of questions open to leaders."""
    opened = count(
        connection, "SELECT count(*) FROM questions WHERE aggregate_open_to_leaders = true"
    )
    if not opened:
        return []
    return [f"the aggregate-open-to-leaders setting of {counted(opened, 'question')}"]
