"""pastcast answers

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import forecast.models.types
from forecast.infra.migration_losses import count, counted

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One graded pastcast per person and resolved question, with its vantage instant and the
    # community prediction shown then.
    op.create_table(
        'pastcast_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('vantage_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('probability', sa.Float(), nullable=True),
        sa.Column('answer_bool', sa.Boolean(), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=True),
        sa.Column('correct', sa.Boolean(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('log_score', sa.Float(), nullable=True),
        sa.Column('community_then', sa.Float(), nullable=True),
        sa.Column('forecasters_then', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'question_id', name='uq_pastcast_answers_once'),
    )
    with op.batch_alter_table('pastcast_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pastcast_answers_user_id'), ['user_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_pastcast_answers_question_id'), ['question_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('pastcast_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pastcast_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_pastcast_answers_user_id'))
    op.drop_table('pastcast_answers')


def data_lost(connection: sa.engine.Connection) -> list[str]:
    """Say what the downgrade destroys: people's graded pastcasts."""
    answers = count(connection, 'SELECT count(*) FROM pastcast_answers')
    return [counted(answers, 'pastcast answer', 'pastcast answers')] if answers else []
