"""pastcast intervals

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from forecast.infra.migration_losses import count, counted

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ('lower', 'upper', 'community_lower', 'community_upper')


def upgrade() -> None:
    # Numeric and date pastcasts are 90% interval items: the interval given, and the
    # community's 5th and 95th percentiles at the vantage instant (its median goes in
    # community_then, where a binary pastcast keeps its probability).
    with op.batch_alter_table('pastcast_answers', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    # An interval pastcast means nothing without its interval: those answers go.
    op.execute("DELETE FROM pastcast_answers WHERE kind = 'interval'")
    with op.batch_alter_table('pastcast_answers', schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)


def data_lost(connection: sa.engine.Connection) -> list[str]:
    """Say what the downgrade destroys: people's interval pastcasts of numeric and date
    questions."""
    answers = count(connection, "SELECT count(*) FROM pastcast_answers WHERE kind = 'interval'")
    return [counted(answers, 'interval pastcast', 'interval pastcasts')] if answers else []
