"""boundary min forecasters

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import count, counted


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A boundary changes state only while at least this many forecasters stand on its question.
    op.add_column(
        'boundaries',
        sa.Column('min_forecasters', sa.Integer(), server_default='1', nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table('boundaries') as batch_op:
        batch_op.drop_column('min_forecasters')


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: boundaries' minimum numbers of forecasters."""
    changed = count(connection, "SELECT count(*) FROM boundaries WHERE min_forecasters <> 1")
    if not changed:
        return []
    return [f"the minimum number of forecasters of {counted(changed, 'boundary', 'boundaries')}"]
