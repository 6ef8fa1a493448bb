"""data versions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 04:00:00.000000
"""

import time
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Moved by every write to the scores table; track-record aggregates are cached against it.
    table = op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    # It starts at the time in microseconds, above anything it reached before a downgrade, so
    # an aggregate cached then can never match it again.
    op.bulk_insert(table, [{'name': 'scores', 'version': time.time_ns() // 1000}])


def downgrade() -> None:
    op.drop_table('data_versions')
