"""Programme: learning-path and module assignments, their history, certificates, reminders.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)
JSONValue = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Slug = sa.String(64)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete, name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "learner_settings",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_learner_settings"),
        _fk("learner_settings", "user_id", "users", "CASCADE"),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("path_id", Slug, nullable=True),
        sa.Column("modules", JSONValue, nullable=False),
        sa.Column("certificate", sa.String(12), nullable=False),
        sa.Column("team_id", sa.Integer, nullable=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("days_allowed", sa.Integer, nullable=False),
        sa.Column("recert_months", sa.Integer, nullable=True),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.Column("withdrawn_at", Timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        sa.CheckConstraint("certificate IN ('assignment', 'module')", name="ck_assignments_certificate"),
        sa.CheckConstraint("days_allowed >= 0", name="ck_assignments_days_allowed"),
        sa.CheckConstraint("recert_months IS NULL OR recert_months > 0", name="ck_assignments_recert_months"),
        _fk("assignments", "team_id", "teams", "CASCADE"),
        _fk("assignments", "created_by", "users", "SET NULL"),
    )
    op.create_index("ix_assignments_team_id", "assignments", ["team_id"])
    op.create_table(
        "assignment_learners",
        sa.Column("assignment_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("added_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", "user_id", name="pk_assignment_learners"),
        _fk("assignment_learners", "assignment_id", "assignments", "CASCADE"),
        _fk("assignment_learners", "user_id", "users", "CASCADE"),
    )
    op.create_index("ix_assignment_learners_user_id", "assignment_learners", ["user_id"])
    op.create_table(
        "assignment_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("assignment_id", sa.Integer, nullable=False),
        sa.Column("actor_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("detail", JSONValue, nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assignment_events"),
        _fk("assignment_events", "assignment_id", "assignments", "CASCADE"),
        _fk("assignment_events", "actor_id", "users", "SET NULL"),
    )
    op.create_index("ix_assignment_events_assignment_id_id", "assignment_events", ["assignment_id", "id"])
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("assignment_id", sa.Integer, nullable=False),
        sa.Column("unit", Slug, nullable=False),
        sa.Column("cycle", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("learner_name", sa.String(200), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("issued_at", Timestamp, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=True),
        sa.Column("revoked_at", Timestamp, nullable=True),
        sa.Column("revoked_by", sa.Integer, nullable=True),
        sa.Column("revoke_reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_certificates"),
        sa.UniqueConstraint("code", name="uq_certificates_code"),
        sa.UniqueConstraint(
            "assignment_id", "user_id", "unit", "cycle", name="uq_certificates_assignment_id_user_id_unit_cycle"
        ),
        _fk("certificates", "user_id", "users", "CASCADE"),
        _fk("certificates", "assignment_id", "assignments", "CASCADE"),
        _fk("certificates", "revoked_by", "users", "SET NULL"),
    )
    op.create_index("ix_certificates_user_id", "certificates", ["user_id"])
    op.create_table(
        "reminders_sent",
        sa.Column("recipient_id", sa.Integer, nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("sent_on", sa.Date, nullable=False),
        sa.Column("sent_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("recipient_id", "item", "sent_on", name="pk_reminders_sent"),
        _fk("reminders_sent", "recipient_id", "users", "CASCADE"),
    )


def downgrade() -> None:
    for table in (
        "reminders_sent",
        "certificates",
        "assignment_events",
        "assignment_learners",
        "assignments",
        "learner_settings",
    ):
        op.drop_table(table)
