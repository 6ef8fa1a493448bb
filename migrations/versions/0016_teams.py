"""teams

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

import forecast.models.types
from forecast.infra.migration_losses import count, counted

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Private workspaces: a team, its members with their roles inside it.
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("invite_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", forecast.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invite_token"),
    )
    op.create_index(op.f("ix_teams_slug"), "teams", ["slug"], unique=True)
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("joined_at", forecast.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    op.create_index(op.f("ix_team_members_user_id"), "team_members", ["user_id"], unique=False)
    # A tournament's and a question's team: private to its members.
    for table in ("tournaments", "questions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
            batch_op.create_index(f"ix_{table}_team_id", ["team_id"], unique=False)
            batch_op.create_foreign_key(f"fk_{table}_team_id", "teams", ["team_id"], ["id"])
    # A boundary shared with one team's leaders.
    with op.batch_alter_table("boundaries") as batch_op:
        batch_op.add_column(sa.Column("shared_team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_boundaries_shared_team_id", "teams", ["shared_team_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("boundaries") as batch_op:
        batch_op.drop_constraint("fk_boundaries_shared_team_id", type_="foreignkey")
        batch_op.drop_column("shared_team_id")
    for table in ("questions", "tournaments"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_team_id", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_team_id")
            batch_op.drop_column("team_id")
    op.drop_index(op.f("ix_team_members_user_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_index(op.f("ix_teams_slug"), table_name="teams")
    op.drop_table("teams")


def data_lost(connection: Connection) -> list[str]:
    """Say what the downgrade destroys: the teams, their members, and which items were private.

    After it, a team's private tournaments and questions would be public: the loss to name.
    """
    teams = count(connection, "SELECT count(*) FROM teams")
    if not teams:
        return []
    members = count(connection, "SELECT count(*) FROM team_members")
    private = count(connection, "SELECT count(*) FROM questions WHERE team_id IS NOT NULL")
    lost = [f"{counted(teams, 'team')} and their {counted(members, 'membership')}"]
    if private:
        lost.append(f"the privacy of {counted(private, 'team question')} (they become public)")
    return lost
