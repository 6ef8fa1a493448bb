"""notification settings and outbox

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from forecast.infra.migration_losses import rows_in
from forecast.models.types import UTCDateTime

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('confirmed_email', sa.String(length=254), nullable=True),
        sa.Column(
            'webhook_format', sa.String(length=20), server_default='standard', nullable=False
        ),
        sa.Column('events', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'notification_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('delivery_id', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), server_default='pending', nullable=False),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('delivery_id'),
    )
    op.create_index('ix_notification_outbox_user_id', 'notification_outbox', ['user_id'])
    op.create_index(
        'ix_notification_outbox_due', 'notification_outbox', ['status', 'next_attempt_at']
    )
    op.create_table(
        'notification_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column(
            'outbox_id', sa.Integer(), sa.ForeignKey('notification_outbox.id'), nullable=False
        ),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('target', sa.String(length=500), nullable=False),
        sa.Column('detail', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_notification_deliveries_outbox_id', 'notification_deliveries', ['outbox_id']
    )
    op.create_index('ix_notification_deliveries_user_id', 'notification_deliveries', ['user_id'])


def data_lost(connection: Connection) -> list[str]:
    """Name the settings, queued messages and delivery log rows a downgrade drops."""
    return rows_in(
        connection,
        [
            ('notification_settings', 'notification setting'),
            ('notification_outbox', 'outgoing notification'),
            ('notification_deliveries', 'delivery log entry'),
        ],
    )


def downgrade() -> None:
    op.drop_table('notification_deliveries')
    op.drop_table('notification_outbox')
    op.drop_table('notification_settings')
