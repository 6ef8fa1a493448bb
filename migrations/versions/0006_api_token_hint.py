"""api token hint

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import count, counted


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tokens made before this revision have no hint: their secrets were never kept.
    op.add_column(
        'api_tokens',
        sa.Column('hint', sa.String(length=8), server_default='', nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch_op:
        batch_op.drop_column('hint')


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: token hints, which an upgrade cannot recompute."""
    # Only a secret's SHA-256 is stored, so its last characters are gone with the column.
    hinted = count(connection, "SELECT count(*) FROM api_tokens WHERE hint <> ''")
    return [f"the hint of {counted(hinted, 'API token')}"] if hinted else []
