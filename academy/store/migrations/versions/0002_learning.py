"""Learning: the append-only record log and the current-state tables beside it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)
JSONValue = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Slug = sa.String(64)
UuidText = sa.String(36)
OPEN = sa.text("status = 'in_progress'")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name=f"fk_{table}_user_id_users")


def upgrade() -> None:
    op.create_table(
        "learning_records",
        sa.Column("seq", BigId, primary_key=True, autoincrement=True),
        sa.Column("id", UuidText, nullable=False),
        sa.Column("key", sa.String(200), nullable=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("module_id", Slug, nullable=False),
        sa.Column("content_version", sa.String(64), nullable=False),
        sa.Column("verb", sa.String(32), nullable=False),
        sa.Column("lesson_id", Slug, nullable=True),
        sa.Column("scenario_id", Slug, nullable=True),
        sa.Column("run_id", UuidText, nullable=True),
        sa.Column("node_id", Slug, nullable=True),
        sa.Column("attempt_id", UuidText, nullable=True),
        sa.Column("question_id", Slug, nullable=True),
        sa.Column("detail", JSONValue, nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_learning_records"),
        sa.UniqueConstraint("id", name="uq_learning_records_id"),
        sa.UniqueConstraint("key", name="uq_learning_records_key"),
        _user_fk("learning_records"),
    )
    op.create_index("ix_learning_records_user_id_seq", "learning_records", ["user_id", "seq"])
    op.create_index("ix_learning_records_at", "learning_records", ["at"])

    op.create_table(
        "lesson_progress",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("module_id", Slug, nullable=False),
        sa.Column("lesson_id", Slug, nullable=False),
        sa.Column("content_version", sa.String(64), nullable=False),
        sa.Column("first_viewed_at", Timestamp, nullable=True),
        sa.Column("last_viewed_at", Timestamp, nullable=True),
        sa.Column("completed_at", Timestamp, nullable=True),
        sa.PrimaryKeyConstraint("user_id", "module_id", "lesson_id", name="pk_lesson_progress"),
        _user_fk("lesson_progress"),
    )

    op.create_table(
        "quiz_attempts",
        sa.Column("id", UuidText, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("module_id", Slug, nullable=False),
        sa.Column("bank_id", Slug, nullable=False),
        sa.Column("content_version", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("drawn", JSONValue, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("max_score", sa.Float, nullable=True),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("finished_at", Timestamp, nullable=True),
        sa.Column("last_activity_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quiz_attempts"),
        sa.UniqueConstraint("user_id", "module_id", "number", name="uq_quiz_attempts_user_id_module_id_number"),
        sa.CheckConstraint("status IN ('in_progress', 'finished')", name="ck_quiz_attempts_status"),
        _user_fk("quiz_attempts"),
    )
    op.create_index(
        "uq_quiz_attempts_open",
        "quiz_attempts",
        ["user_id", "module_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index("ix_quiz_attempts_bank_id_status", "quiz_attempts", ["bank_id", "status"])

    op.create_table(
        "quiz_answers",
        sa.Column("attempt_id", UuidText, nullable=False),
        sa.Column("question_id", Slug, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("bank_id", Slug, nullable=False),
        sa.Column("response", JSONValue, nullable=True),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("max_points", sa.Float, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("answered_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", "question_id", name="pk_quiz_answers"),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            ondelete="CASCADE",
            name="fk_quiz_answers_attempt_id_quiz_attempts",
        ),
    )
    op.create_index("ix_quiz_answers_bank_id_question_id", "quiz_answers", ["bank_id", "question_id"])

    op.create_table(
        "scenario_runs",
        sa.Column("id", UuidText, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("module_id", Slug, nullable=False),
        sa.Column("scenario_id", Slug, nullable=False),
        sa.Column("content_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("path", JSONValue, nullable=False),
        sa.Column("ending_id", Slug, nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("best", sa.Float, nullable=True),
        sa.Column("worst", sa.Float, nullable=True),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("finished_at", Timestamp, nullable=True),
        sa.Column("last_activity_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scenario_runs"),
        sa.CheckConstraint("status IN ('in_progress', 'finished', 'abandoned')", name="ck_scenario_runs_status"),
        _user_fk("scenario_runs"),
    )
    op.create_index(
        "uq_scenario_runs_open",
        "scenario_runs",
        ["user_id", "scenario_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_scenario_runs_user_id_scenario_id_status", "scenario_runs", ["user_id", "scenario_id", "status"]
    )
    op.create_index("ix_scenario_runs_scenario_id_status", "scenario_runs", ["scenario_id", "status"])

    op.create_table(
        "scenario_choices",
        sa.Column("run_id", UuidText, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("scenario_id", Slug, nullable=False),
        sa.Column("node_id", Slug, nullable=False),
        sa.Column("choice_index", sa.Integer, nullable=False),
        sa.Column("cost", sa.Float, nullable=True),
        sa.Column("made_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "step", name="pk_scenario_choices"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["scenario_runs.id"], ondelete="CASCADE", name="fk_scenario_choices_run_id_scenario_runs"
        ),
    )
    op.create_index("ix_scenario_choices_scenario_id_node_id", "scenario_choices", ["scenario_id", "node_id"])

    op.create_table(
        "module_summaries",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("module_id", Slug, nullable=False),
        sa.Column("content_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("lessons_done", sa.Integer, nullable=False),
        sa.Column("last_lesson_id", Slug, nullable=True),
        sa.Column("quiz_attempts", sa.Integer, nullable=False),
        sa.Column("quiz_failures", sa.Integer, nullable=False),
        sa.Column("quiz_passed", sa.Boolean, nullable=False),
        sa.Column("best_quiz_scaled", sa.Float, nullable=True),
        sa.Column("scenario_runs", sa.Integer, nullable=False),
        sa.Column("scenarios_completed", sa.Integer, nullable=False),
        sa.Column("best_scenario_scaled", sa.Float, nullable=True),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("completed_at", Timestamp, nullable=True),
        sa.Column("last_activity_at", Timestamp, nullable=False),
        sa.Column("time_spent_s", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "module_id", name="pk_module_summaries"),
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'passed')", name="ck_module_summaries_status"),
        _user_fk("module_summaries"),
    )


def downgrade() -> None:
    for table in (
        "module_summaries",
        "scenario_choices",
        "scenario_runs",
        "quiz_answers",
        "quiz_attempts",
        "lesson_progress",
        "learning_records",
    ):
        op.drop_table(table)
