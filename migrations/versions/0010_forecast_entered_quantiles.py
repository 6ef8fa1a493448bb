"""forecast entered quantiles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import count, counted


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The percentiles a forecaster typed, as JSON [[level, value], ...], shown back as typed;
    # the CDF stays the forecast. Rows from before this revision hold none.
    op.add_column('forecasts', sa.Column('quantiles', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('forecasts') as batch_op:
        batch_op.drop_column('quantiles')


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: the percentiles forecasters typed (their CDFs stay)."""
    typed = count(connection, "SELECT count(*) FROM forecasts WHERE quantiles IS NOT NULL")
    if not typed:
        return []
    return [f"the percentiles as typed of {counted(typed, 'forecast')}"]
