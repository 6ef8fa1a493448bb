"""conditional questions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import forecast.models.types
from forecast.infra.migration_losses import count, counted

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A conditional question is an ordinary question row; this links it to its condition
    # (a binary question) and its outcome, for one branch of the condition.
    op.create_table(
        'conditionals',
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('condition_id', sa.Integer(), nullable=False),
        sa.Column('outcome_id', sa.Integer(), nullable=False),
        sa.Column('branch', sa.String(length=3), nullable=False),
        sa.Column('created_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("branch IN ('yes', 'no')", name='ck_conditionals_branch'),
        sa.CheckConstraint('condition_id <> outcome_id', name='ck_conditionals_distinct'),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['condition_id'], ['questions.id']),
        sa.ForeignKeyConstraint(['outcome_id'], ['questions.id']),
        sa.PrimaryKeyConstraint('question_id'),
        sa.UniqueConstraint('condition_id', 'outcome_id', 'branch', name='uq_conditionals_pair'),
    )
    op.create_index('ix_conditionals_condition_id', 'conditionals', ['condition_id'])
    op.create_index('ix_conditionals_outcome_id', 'conditionals', ['outcome_id'])


def downgrade() -> None:
    op.drop_table('conditionals')


def data_lost(connection: sa.engine.Connection) -> list[str]:
    """Say what the downgrade destroys: the links that make questions conditional (the
    questions stay, as ordinary questions without a resolution rule)."""
    links = count(connection, 'SELECT count(*) FROM conditionals')
    return [f"{counted(links, 'conditional question link')}"] if links else []
