"""comments

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

import forecast.models.types
from forecast.infra.migration_losses import count, counted


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=12), server_default='comment', nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('forecast_id', sa.Integer(), nullable=True),
        sa.Column('created_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('edited_at', forecast.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('deleted_at', forecast.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('hidden_at', forecast.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('hidden_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id']),
        sa.ForeignKeyConstraint(['parent_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['forecast_id'], ['forecasts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_comments_question', 'comments', ['question_id', 'created_at'])
    op.create_index(op.f('ix_comments_parent_id'), 'comments', ['parent_id'])
    op.create_table(
        'comment_moderation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_comment_moderation_comment_id'), 'comment_moderation', ['comment_id']
    )
    op.create_table(
        'question_follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('move_threshold', sa.Float(), server_default='0.1', nullable=False),
        sa.Column('baseline', sa.Float(), nullable=True),
        sa.Column('seen_version', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('question_id', 'user_id', name='uq_question_follows'),
    )
    op.create_index(op.f('ix_question_follows_user_id'), 'question_follows', ['user_id'])


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: every comment, its moderation log, every follow."""
    comments = count(connection, "SELECT count(*) FROM comments")
    acts = count(connection, "SELECT count(*) FROM comment_moderation")
    follows = count(connection, "SELECT count(*) FROM question_follows")
    lost = []
    if comments:
        lost.append(counted(comments, 'comment'))
    if acts:
        lost.append(counted(acts, 'moderation entry', 'moderation entries'))
    if follows:
        lost.append(counted(follows, 'question follow'))
    return lost


def downgrade() -> None:
    op.drop_index(op.f('ix_question_follows_user_id'), table_name='question_follows')
    op.drop_table('question_follows')
    op.drop_index(op.f('ix_comment_moderation_comment_id'), table_name='comment_moderation')
    op.drop_table('comment_moderation')
    op.drop_index(op.f('ix_comments_parent_id'), table_name='comments')
    op.drop_index('ix_comments_question', table_name='comments')
    op.drop_table('comments')
