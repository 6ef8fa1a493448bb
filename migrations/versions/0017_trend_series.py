"""trend series

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import forecast.models.types
from forecast.infra.migration_losses import count, counted

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One data series per numeric or date question, fitted by a straight line ("this line
    # continues"); its points are JSON, its fit and window columns.
    op.create_table(
        'trend_series',
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('fit', sa.String(length=12), nullable=False),
        sa.Column('window_years', sa.Float(), nullable=True),
        sa.Column('level', sa.Float(), nullable=True),
        sa.Column('points', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('updated_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("fit IN ('linear', 'log_linear')", name='ck_trend_series_fit'),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.PrimaryKeyConstraint('question_id'),
    )


def downgrade() -> None:
    op.drop_table('trend_series')


def data_lost(connection: sa.engine.Connection) -> list[str]:
    """Say what the downgrade destroys: the attached series (their points are typed in)."""
    series = count(connection, 'SELECT count(*) FROM trend_series')
    return [f"{counted(series, 'trend series', 'trend series')}"] if series else []
