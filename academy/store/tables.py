"""The database tables (SQLAlchemy Core), as of the newest migration.

Two kinds of tables:

* ``learning_records`` is the append-only log of every learner action: enough to rebuild
  any summary and to export as xAPI. Each row has a UUID ``id`` (the xAPI statement id)
  and an optional unique ``key`` that makes a repeated write (a double click, a Streamlit
  rerun, a retried transaction) a no-op.
* Current-state tables (lesson progress, quiz attempts and answers, scenario runs and
  choices, module summaries) are updated in the same transaction as the log, so pages
  and team reports read a handful of rows instead of the log.

Migrations in ``academy/store/migrations/versions`` create exactly these tables; a test
compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw text read by a hand-written query on SQLite
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONValue = JSON().with_variant(JSONB(), "postgresql")
# On SQLite a plain INTEGER PRIMARY KEY is the rowid: the cheapest monotonic key there is.
BigId = BigInteger().with_variant(Integer(), "sqlite")

Slug = String(64)
UuidText = String(36)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _user_fk(nullable: bool = False) -> Column[int]:
    return Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable)


# --- accounts (revision 0001) ----------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('learner', 'manager', 'admin')", name="role"),
)

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    _user_fk(),
    # member: belongs to the team (a learner); manager: sees the team's progress.
    Column("kind", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("team_id", "kind", "user_id"),
    CheckConstraint("kind IN ('member', 'manager')", name="kind"),
    Index(None, "user_id", "kind"),
)

# --- learning (revision 0002) ----------------------------------------------------------

learning_records = Table(
    "learning_records",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("id", UuidText, nullable=False, unique=True),
    Column("key", String(200), nullable=True, unique=True),
    _user_fk(),
    Column("module_id", Slug, nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("verb", String(32), nullable=False),
    Column("lesson_id", Slug, nullable=True),
    Column("scenario_id", Slug, nullable=True),
    Column("run_id", UuidText, nullable=True),
    Column("node_id", Slug, nullable=True),
    Column("attempt_id", UuidText, nullable=True),
    Column("question_id", Slug, nullable=True),
    Column("detail", JSONValue, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "user_id", "seq"),
    Index(None, "at"),
)

lesson_progress = Table(
    "lesson_progress",
    metadata,
    _user_fk(),
    Column("module_id", Slug, nullable=False),
    Column("lesson_id", Slug, nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("first_viewed_at", UTCDateTime, nullable=True),
    Column("last_viewed_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("user_id", "module_id", "lesson_id"),
)

quiz_attempts = Table(
    "quiz_attempts",
    metadata,
    Column("id", UuidText, primary_key=True),
    _user_fk(),
    Column("module_id", Slug, nullable=False),
    Column("bank_id", Slug, nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("drawn", JSONValue, nullable=False),
    Column("status", String(12), nullable=False),
    Column("score", Float, nullable=True),
    Column("max_score", Float, nullable=True),
    Column("passed", Boolean, nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("last_activity_at", UTCDateTime, nullable=False),
    CheckConstraint("status IN ('in_progress', 'finished')", name="status"),
    UniqueConstraint("user_id", "module_id", "number"),
    # At most one open attempt per learner and module: a double click cannot open two.
    Index(
        "uq_quiz_attempts_open",
        "user_id",
        "module_id",
        unique=True,
        sqlite_where=text("status = 'in_progress'"),
        postgresql_where=text("status = 'in_progress'"),
    ),
    Index(None, "bank_id", "status"),
)

quiz_answers = Table(
    "quiz_answers",
    metadata,
    Column("attempt_id", UuidText, ForeignKey("quiz_attempts.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", Slug, nullable=False),
    Column("position", Integer, nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("bank_id", Slug, nullable=False),
    Column("response", JSONValue, nullable=True),
    Column("points", Float, nullable=False),
    Column("max_points", Float, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
    # One answer per question per attempt: the first submission wins.
    PrimaryKeyConstraint("attempt_id", "question_id"),
    Index(None, "bank_id", "question_id"),
)

scenario_runs = Table(
    "scenario_runs",
    metadata,
    Column("id", UuidText, primary_key=True),
    _user_fk(),
    Column("module_id", Slug, nullable=False),
    Column("scenario_id", Slug, nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("status", String(12), nullable=False),
    Column("path", JSONValue, nullable=False),
    Column("ending_id", Slug, nullable=True),
    Column("outcome", String(32), nullable=True),
    Column("score", Float, nullable=True),
    Column("best", Float, nullable=True),
    Column("worst", Float, nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("last_activity_at", UTCDateTime, nullable=False),
    CheckConstraint("status IN ('in_progress', 'finished', 'abandoned')", name="status"),
    Index(
        "uq_scenario_runs_open",
        "user_id",
        "scenario_id",
        unique=True,
        sqlite_where=text("status = 'in_progress'"),
        postgresql_where=text("status = 'in_progress'"),
    ),
    Index(None, "user_id", "scenario_id", "status"),
    Index(None, "scenario_id", "status"),
)

scenario_choices = Table(
    "scenario_choices",
    metadata,
    Column("run_id", UuidText, ForeignKey("scenario_runs.id", ondelete="CASCADE"), nullable=False),
    Column("step", Integer, nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("scenario_id", Slug, nullable=False),
    Column("node_id", Slug, nullable=False),
    Column("choice_index", Integer, nullable=False),
    Column("cost", Float, nullable=True),
    Column("made_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("run_id", "step"),
    Index(None, "scenario_id", "node_id"),
)

module_summaries = Table(
    "module_summaries",
    metadata,
    _user_fk(),
    Column("module_id", Slug, nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("status", String(12), nullable=False),
    Column("lessons_done", Integer, nullable=False),
    Column("last_lesson_id", Slug, nullable=True),
    Column("quiz_attempts", Integer, nullable=False),
    Column("quiz_failures", Integer, nullable=False),
    Column("quiz_passed", Boolean, nullable=False),
    Column("best_quiz_scaled", Float, nullable=True),
    Column("scenario_runs", Integer, nullable=False),
    Column("scenarios_completed", Integer, nullable=False),
    Column("best_scenario_scaled", Float, nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("last_activity_at", UTCDateTime, nullable=False),
    Column("time_spent_s", Float, nullable=False),
    # The primary key makes "team -> members -> summaries" an index range per member.
    PrimaryKeyConstraint("user_id", "module_id"),
    CheckConstraint("status IN ('not_started', 'in_progress', 'passed')", name="status"),
)


# --- programme (revision 0004) ---------------------------------------------------------

learner_settings = Table(
    "learner_settings",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # An IANA zone name ("Europe/Lisbon"): due dates end at midnight where the learner is.
    Column("timezone", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("path_id", Slug, nullable=True),
    Column("modules", JSONValue, nullable=False),
    # assignment: one certificate once every module is passed; module: one per module.
    Column("certificate", String(12), nullable=False),
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=True),
    Column("due_on", Date, nullable=False),
    # Days a later joiner (or a new cycle after a certificate expires) has, from that day.
    Column("days_allowed", Integer, nullable=False),
    Column("recert_months", Integer, nullable=True),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    CheckConstraint("certificate IN ('assignment', 'module')", name="certificate"),
    CheckConstraint("days_allowed >= 0", name="days_allowed"),
    CheckConstraint("recert_months IS NULL OR recert_months > 0", name="recert_months"),
    Index(None, "team_id"),
)

assignment_learners = Table(
    "assignment_learners",
    metadata,
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    _user_fk(),
    Column("added_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("assignment_id", "user_id"),
    Index(None, "user_id"),
)

assignment_events = Table(
    "assignment_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("actor_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("action", String(24), nullable=False),
    Column("detail", JSONValue, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "assignment_id", "id"),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(16), nullable=False, unique=True),
    _user_fk(),
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    # "" for a certificate of the whole assignment, else the module it is for.
    Column("unit", Slug, nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("learner_name", String(200), nullable=False),
    Column("score", Float, nullable=True),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("revoke_reason", String(500), nullable=True),
    UniqueConstraint("assignment_id", "user_id", "unit", "cycle"),
    Index(None, "user_id"),
)

learner_contacts = Table(
    "learner_contacts",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # Where reminders go (revision 0006); without one, a username that is an address is used.
    Column("email", String(254), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

reminders_sent = Table(
    "reminders_sent",
    metadata,
    Column("recipient_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("item", String(120), nullable=False),
    Column("sent_on", Date, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("recipient_id", "item", "sent_on"),
)


# --- sessions and throttling (revision 0005) --------------------------------------------

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # SHA-256 of the cookie's random token: a copy of the database signs nobody in.
    Column("token_hash", String(64), nullable=False, unique=True),
    _user_fk(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("user_agent", String(300), nullable=False),
    Column("address", String(64), nullable=False),
    Index(None, "user_id"),
    Index(None, "expires_at"),
)

sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    # scope "user": keyed by the name typed, whether or not such an account exists, so the
    # lock itself cannot tell an attacker which usernames are real; scope "address": the
    # client's IP address, across every name it tries.
    Column("scope", String(8), nullable=False),
    Column("key", String(64), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("last_failure_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("scope", "key"),
    CheckConstraint("scope IN ('user', 'address')", name="scope"),
    Index(None, "last_failure_at"),
)

# --- session handovers (revision 0007) --------------------------------------------------

session_handovers = Table(
    "session_handovers",
    metadata,
    # SHA-256 of a one-time code (good for a minute) that the signed-in page posts to
    # /auth/session to receive the session's cookie; the code never appears in a URL.
    Column("code_hash", String(64), primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index(None, "session_id"),
)
