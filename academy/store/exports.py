"""Reading the log and the detail tables in bulk: exports, privacy requests, analysis rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, delete, func, select

from academy import auth
from academy.auth import Role, Team, UnknownUserError, User
from academy.store.accounts import MEMBER, USER_COLUMNS, USER_SCOPE, AccountsMixin, user_from
from academy.store.analysis import choice_row_from
from academy.store.base import StoreBase, chunks, ids_list
from academy.store.model import FINISHED, AnswerRow, Attempt, ChoiceRow, LearningRecord, Run, Verb
from academy.store.progress import ProgressMixin, attempt_from, run_from
from academy.store.tables import (
    assignment_learners,
    certificates,
    learner_contacts,
    learner_settings,
    learning_records,
    lesson_progress,
    memberships,
    module_summaries,
    quiz_answers,
    quiz_attempts,
    reminders_sent,
    scenario_choices,
    scenario_runs,
    sessions,
    sign_in_throttle,
    teams,
    users,
)

EXPORT_FORMAT = "customer-service-academy/learner-export"
EXPORT_FORMAT_VERSION = 1

# Children before parents, so the deletion works with or without ON DELETE CASCADE.
_LEARNER_TABLES = (
    learning_records,
    quiz_answers,
    quiz_attempts,
    scenario_choices,
    scenario_runs,
    lesson_progress,
    module_summaries,
    memberships,
    assignment_learners,
    certificates,
    learner_settings,
    learner_contacts,
)


class ExportsMixin(ProgressMixin, AccountsMixin, StoreBase):
    def records(
        self,
        *,
        user_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        verbs: Iterable[str] | None = None,
        batch_size: int = 2_000,
    ) -> Iterator[LearningRecord]:
        """The learning records in log order, fetched in batches (fine for millions of rows).

        ``since`` is inclusive and ``until`` exclusive; both are aware datetimes.
        """
        query = select(learning_records, users.c.username).join(users, users.c.id == learning_records.c.user_id)
        if user_id is not None:
            query = query.where(learning_records.c.user_id == user_id)
        if since is not None:
            query = query.where(learning_records.c.at >= since)
        if until is not None:
            query = query.where(learning_records.c.at < until)
        if verbs is not None:
            query = query.where(learning_records.c.verb.in_([Verb(verb).value for verb in verbs]))
        after = -1
        while True:
            page = query.where(learning_records.c.seq > after).order_by(learning_records.c.seq).limit(batch_size)
            # Each batch is its own short read, so an export never holds a transaction open.
            rows = self._read(partial(_all_rows, page))
            for row in rows:
                yield _record_from(row)
            if len(rows) < batch_size:
                return
            after = rows[-1]["seq"]

    def count_records(self, *, user_id: int | None = None) -> int:
        query = select(func.count()).select_from(learning_records)
        if user_id is not None:
            query = query.where(learning_records.c.user_id == user_id)
        return int(self._read(lambda connection: connection.execute(query).scalar_one()))

    # --- privacy ----------------------------------------------------------------------

    def learner_export(self, username: str) -> dict[str, Any]:
        """Everything the store holds about one person, as JSON-ready data (no password hash)."""
        user = self.user_by_name(username)
        if user is None:
            raise UnknownUserError(username)
        data: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": self._now(),
            "user": user,
            "teams": [team.name for team in self.teams_of(user.id)],
            "manages": [team.name for team in self.teams_managed_by(user.id)],
            "module_summaries": list(self.module_summaries(user.id).values()),
            "lessons": self._lesson_rows(user.id),
            "quiz_attempts": self.attempts(user.id),
            "scenario_runs": self.runs(user.id),
            "learning_records": list(self.records(user_id=user.id)),
            "certificates": self._user_rows(certificates, user.id),
            "settings": self._user_rows(learner_settings, user.id),
            "contacts": self._user_rows(learner_contacts, user.id),
        }
        return jsonable(data)

    def learner_delete(self, username: str) -> dict[str, int]:
        """Erase a person: their account, memberships, progress and every learning record.

        Returns the number of rows removed per table. Refuses to remove the last enabled
        administrator, so the platform is never left without one.
        """
        name = auth.normalise_username(username)

        def work(connection: Connection) -> dict[str, int]:
            self._lock_admin_guard(connection)
            row = connection.execute(select(users).where(users.c.username == name)).mappings().first()
            if row is None:
                raise UnknownUserError(username)
            user = user_from(row)
            removed = {}
            for table in _LEARNER_TABLES:
                removed[table.name] = connection.execute(delete(table).where(table.c.user_id == user.id)).rowcount
            removed[reminders_sent.name] = connection.execute(
                delete(reminders_sent).where(reminders_sent.c.recipient_id == user.id)
            ).rowcount
            removed[sign_in_throttle.name] = connection.execute(
                delete(sign_in_throttle).where(sign_in_throttle.c.scope == USER_SCOPE, sign_in_throttle.c.key == name)
            ).rowcount
            removed[sessions.name] = connection.execute(delete(sessions).where(sessions.c.user_id == user.id)).rowcount
            removed[users.name] = connection.execute(delete(users).where(users.c.id == user.id)).rowcount
            if user.role is Role.ADMIN and not user.disabled:
                self._ensure_an_admin_remains(connection)
            return removed

        removed = self._write(work)
        self.flush_erased()  # if readers keep the log busy, its old pages are overwritten as it is reused
        return removed

    # --- analysis rows (for academy.reports) ------------------------------------------

    def answer_rows(
        self, bank_id: str, *, user_ids: Iterable[int] | None = None, finished_only: bool = True
    ) -> list[AnswerRow]:
        """Every answer given to a quiz bank's questions, with its attempt (item analysis)."""
        query = (
            select(
                quiz_answers,
                quiz_attempts.c.module_id,
                quiz_attempts.c.number,
                quiz_attempts.c.status,
                quiz_attempts.c.score,
                quiz_attempts.c.max_score,
                quiz_attempts.c.passed,
            )
            .join(quiz_attempts, quiz_attempts.c.id == quiz_answers.c.attempt_id)
            .where(quiz_answers.c.bank_id == bank_id)
        )
        if finished_only:
            query = query.where(quiz_attempts.c.status == FINISHED)
        rows = self._rows_for_users(query, quiz_answers.c.user_id, user_ids)
        return [
            AnswerRow(
                attempt_id=row["attempt_id"],
                user_id=row["user_id"],
                module_id=row["module_id"],
                attempt_number=row["number"],
                attempt_status=row["status"],
                attempt_score=row["score"],
                attempt_max=row["max_score"],
                passed=row["passed"],
                question_id=row["question_id"],
                position=row["position"],
                response=row["response"],
                points=row["points"],
                max_points=row["max_points"],
                correct=bool(row["correct"]),
                answered_at=row["answered_at"],
            )
            for row in rows
        ]

    def choice_rows(self, scenario_id: str, *, user_ids: Iterable[int] | None = None) -> list[ChoiceRow]:
        """Every decision made in a scenario, with its run's status and ending (decision analysis)."""
        query = (
            select(
                scenario_choices,
                scenario_runs.c.status,
                scenario_runs.c.ending_id,
                scenario_runs.c.outcome,
            )
            .join(scenario_runs, scenario_runs.c.id == scenario_choices.c.run_id)
            .where(scenario_choices.c.scenario_id == scenario_id)
        )
        rows = self._rows_for_users(query, scenario_choices.c.user_id, user_ids)
        return [choice_row_from(row) for row in rows]

    def runs_of_scenario(self, scenario_id: str, *, user_ids: Iterable[int] | None = None) -> list[Run]:
        """Every run of a scenario (ending reached, path taken); ``choices`` left empty, see choice_rows."""
        query = select(scenario_runs).where(scenario_runs.c.scenario_id == scenario_id)
        rows = self._rows_for_users(query, scenario_runs.c.user_id, user_ids)
        return [run_from(row, ()) for row in rows]

    def attempt_rows(
        self,
        user_ids: Iterable[int],
        *,
        finished_only: bool = True,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Attempt]:
        """These learners' quiz attempts, ``answers`` left empty (see answer_rows), oldest first.

        ``since`` (inclusive) and ``until`` (exclusive) filter on ``finished_at`` when
        ``finished_only``, else on ``started_at``.
        """
        query = select(quiz_attempts)
        moment = quiz_attempts.c.started_at
        if finished_only:
            query = query.where(quiz_attempts.c.status == FINISHED)
            moment = quiz_attempts.c.finished_at
        if since is not None:
            query = query.where(moment >= since)
        if until is not None:
            query = query.where(moment < until)
        rows = self._rows_for_users(query, quiz_attempts.c.user_id, user_ids)
        attempts = [attempt_from(row, ()) for row in rows]
        return sorted(attempts, key=lambda attempt: (attempt.started_at, attempt.user_id, attempt.number))

    def team_memberships(self) -> list[tuple[User, Team]]:
        """Every (member, team) pair in one query (an admin's "all learners"); managers not included."""
        query = (
            select(*USER_COLUMNS, teams.c.id.label("team_id"), teams.c.name.label("team_name"))
            .join(memberships, memberships.c.user_id == users.c.id)
            .join(teams, teams.c.id == memberships.c.team_id)
            .where(memberships.c.kind == MEMBER)
            .order_by(teams.c.name, users.c.username)
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [(user_from(row), Team(id=row["team_id"], name=row["team_name"])) for row in rows]

    # --- helpers ----------------------------------------------------------------------

    def _rows_for_users(self, query: Select[Any], user_column: Any, user_ids: Iterable[int] | None) -> list[Any]:
        if user_ids is None:
            return self._read(partial(_all_rows, query))
        ids = ids_list(user_ids)

        def read(connection: Connection) -> list[Any]:
            found: list[Any] = []
            for part in chunks(ids):
                found += connection.execute(query.where(user_column.in_(part))).mappings().all()
            return found

        return self._read(read)

    def _user_rows(self, table: Any, user_id: int) -> list[dict[str, Any]]:
        query = select(table).where(table.c.user_id == user_id)
        return [dict(row) for row in self._read(lambda connection: connection.execute(query).mappings().all())]

    def _lesson_rows(self, user_id: int) -> list[dict[str, Any]]:
        query = (
            select(lesson_progress)
            .where(lesson_progress.c.user_id == user_id)
            .order_by(lesson_progress.c.module_id, lesson_progress.c.lesson_id)
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [{key: value for key, value in row.items() if key != "user_id"} for row in rows]


def _record_from(row: Any) -> LearningRecord:
    return LearningRecord(
        seq=row["seq"],
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        module_id=row["module_id"],
        content_version=row["content_version"],
        verb=Verb(row["verb"]),
        lesson_id=row["lesson_id"],
        scenario_id=row["scenario_id"],
        run_id=row["run_id"],
        node_id=row["node_id"],
        attempt_id=row["attempt_id"],
        question_id=row["question_id"],
        detail=row["detail"],
        at=row["at"],
    )


def jsonable(value: Any) -> Any:
    """Dataclasses, enums, datetimes and tuples turned into what ``json.dumps`` writes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def _all_rows(query: Select[Any], connection: Connection) -> list[RowMapping]:
    return list(connection.execute(query).mappings().all())
