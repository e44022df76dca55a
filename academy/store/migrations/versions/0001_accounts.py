"""Accounts: users, teams, memberships and the sign-in throttle.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("password_changed_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint("role IN ('learner', 'manager', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
        sa.UniqueConstraint("name", name="uq_teams_name"),
    )
    op.create_table(
        "memberships",
        sa.Column("team_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("team_id", "kind", "user_id", name="pk_memberships"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE", name="fk_memberships_team_id_teams"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_memberships_user_id_users"),
        sa.CheckConstraint("kind IN ('member', 'manager')", name="ck_memberships_kind"),
    )
    op.create_index("ix_memberships_user_id_kind", "memberships", ["user_id", "kind"])
    op.create_table(
        "sign_in_throttle",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", Timestamp, nullable=True),
        sa.Column("last_failure_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_sign_in_throttle"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
    op.drop_index("ix_memberships_user_id_kind", table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("teams")
    op.drop_table("users")
