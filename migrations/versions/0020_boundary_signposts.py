"""boundary signposts

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import forecast.models.types
from forecast.infra.migration_losses import count, counted

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The conditional pairs a leader names as a boundary's signposts; a removed one keeps its
    # row (removed_at) as the boundary's record of its signposts.
    op.create_table(
        'boundary_signposts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('boundary_id', sa.Integer(), nullable=False),
        sa.Column('condition_id', sa.Integer(), nullable=False),
        sa.Column('outcome_id', sa.Integer(), nullable=False),
        sa.Column('named_by', sa.Integer(), nullable=False),
        sa.Column('named_at', forecast.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('removed_by', sa.Integer(), nullable=True),
        sa.Column('removed_at', forecast.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['boundary_id'], ['boundaries.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['condition_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outcome_id'], ['questions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['named_by'], ['users.id']),
        sa.ForeignKeyConstraint(['removed_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_boundary_signposts_boundary_id'), 'boundary_signposts', ['boundary_id']
    )
    op.create_index(
        'uq_boundary_signposts_named',
        'boundary_signposts',
        ['boundary_id', 'condition_id', 'outcome_id'],
        unique=True,
        sqlite_where=sa.text('removed_at IS NULL'),
        postgresql_where=sa.text('removed_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('uq_boundary_signposts_named', table_name='boundary_signposts')
    op.drop_index(op.f('ix_boundary_signposts_boundary_id'), table_name='boundary_signposts')
    op.drop_table('boundary_signposts')


def data_lost(connection: sa.engine.Connection) -> list[str]:
    """Say what the downgrade destroys: the signposts leaders named on their boundaries (and
    the record of those they removed); the suggested pairs on each question stay."""
    rows = count(connection, 'SELECT count(*) FROM boundary_signposts')
    return [counted(rows, 'named signpost', 'named signposts')] if rows else []
