"""Sessions and throttling: signed-in sessions behind a cookie; sign-in throttle per username and per address.

Revision 0004 (programme) landed first, so this one follows it; the number 0003 is unused.
The old per-username throttle table is replaced: its counters are short-lived by nature,
so they are not carried over (at worst a locked name gets its free tries again).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("last_seen_at", Timestamp, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_sessions_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_sessions_user_id_users"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.drop_table("sign_in_throttle")
    _create_throttle()


def _create_throttle() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", Timestamp, nullable=True),
        sa.Column("last_failure_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_sign_in_throttle"),
        sa.CheckConstraint("scope IN ('user', 'address')", name="ck_sign_in_throttle_scope"),
    )
    op.create_index("ix_sign_in_throttle_last_failure_at", "sign_in_throttle", ["last_failure_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_throttle_last_failure_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_throttle",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", Timestamp, nullable=True),
        sa.Column("last_failure_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_sign_in_throttle"),
    )
    op.drop_index("ix_sessions_expires_at", table_name="sessions")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
