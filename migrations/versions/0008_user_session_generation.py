"""user session generation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Web logins name it; logins made before this revision name none and must log in again.
    op.add_column(
        'users',
        sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False),
    )


def downgrade() -> None:
    # Only web logins depend on it: they all end, no other data is lost. Going up again starts
    # every user at 0, which a cookie ended before the round trip may name: to be sure none
    # comes back, change FORECAST_SECRET_KEY (every cookie ends).
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_generation')
