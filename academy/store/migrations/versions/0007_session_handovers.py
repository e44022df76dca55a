"""Session handovers: the one-time code a signed-in page trades for its session cookie.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "session_handovers",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name="pk_session_handovers"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], ondelete="CASCADE", name="fk_session_handovers_session_id_sessions"
        ),
    )
    op.create_index("ix_session_handovers_session_id", "session_handovers", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_session_handovers_session_id", table_name="session_handovers")
    op.drop_table("session_handovers")
