"""reference scores

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import forecast.models.types
from forecast.infra.migration_losses import count, counted

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A reference line's scores per resolved question (the trend), apart from people's scores.
    op.create_table(
        'reference_scores',
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=30), nullable=False),
        sa.Column('baseline', sa.Float(), nullable=False),
        sa.Column('peer', sa.Float(), nullable=True),
        sa.Column('coverage', sa.Float(), nullable=False),
        sa.Column('crowd_baseline', sa.Float(), nullable=True),
        sa.Column('computed_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('question_id', 'method'),
    )


def downgrade() -> None:
    op.drop_table('reference_scores')


def data_lost(connection: sa.engine.Connection) -> list[str]:
    """Say what the downgrade destroys: the trend lines' scores (a rescore writes them again)."""
    rows = count(connection, 'SELECT count(*) FROM reference_scores')
    return [counted(rows, 'reference score', 'reference scores')] if rows else []
