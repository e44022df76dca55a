"""Column reads for the reports: plain tuples with their column names, ready for a DataFrame.

The reports analyse tens of thousands of answers and decisions at a time; building a
dataclass (and parsing a datetime) per row would cost more than the query. These
methods read only the columns asked for, through the indexes named in each docstring,
and hand back ``Rows``: ``pandas.DataFrame(rows.rows, columns=rows.columns)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select

from academy.store.base import StoreBase, chunks, ids_list
from academy.store.model import FINISHED, ChoiceRow
from academy.store.tables import learning_records, quiz_answers, quiz_attempts, scenario_choices, scenario_runs


@dataclass(frozen=True, slots=True)
class Rows:
    """A table: ``columns`` names the fields of every tuple in ``rows``."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


ATTEMPT_COLUMNS = ("attempt_id", "user_id", "module_id", "number", "score", "max_score", "passed", "finished_at")
BANK_ANSWER_COLUMNS = ("attempt_id", "user_id", "attempt_number", "question_id", "response", "points", "max_points")
LEARNER_ANSWER_COLUMNS = ("user_id", "bank_id", "question_id", "points", "max_points")
LEARNER_CHOICE_COLUMNS = ("user_id", "scenario_id", "node_id", "choice_index", "cost")


class AnalysisMixin(StoreBase):
    def active_learners(
        self, user_ids: Iterable[int], *, since: datetime | None = None, until: datetime | None = None
    ) -> set[int]:
        """Which of these learners logged at least one action in [since, until).

        Each learner's slice of the log through the (user_id, seq) index: O(their records).
        """
        query: Select[Any] = select(learning_records.c.user_id).distinct()
        if since is not None:
            query = query.where(learning_records.c.at >= since)
        if until is not None:
            query = query.where(learning_records.c.at < until)
        rows = self._per_user_chunk(query, learning_records.c.user_id, user_ids)
        return {row[0] for row in rows}

    def finished_attempt_table(
        self, user_ids: Iterable[int], *, since: datetime | None = None, until: datetime | None = None
    ) -> Rows:
        """These learners' finished attempts (``ATTEMPT_COLUMNS``), ``finished_at`` in [since, until).

        Through the (user_id, module_id, number) index: O(attempts of these learners).
        """
        query: Select[Any] = select(
            quiz_attempts.c.id,
            quiz_attempts.c.user_id,
            quiz_attempts.c.module_id,
            quiz_attempts.c.number,
            quiz_attempts.c.score,
            quiz_attempts.c.max_score,
            quiz_attempts.c.passed,
            quiz_attempts.c.finished_at,
        ).where(quiz_attempts.c.status == FINISHED)
        if since is not None:
            query = query.where(quiz_attempts.c.finished_at >= since)
        if until is not None:
            query = query.where(quiz_attempts.c.finished_at < until)
        rows = self._per_user_chunk(query, quiz_attempts.c.user_id, user_ids)
        return Rows(ATTEMPT_COLUMNS, [(*row[:6], bool(row[6]), row[7]) for row in rows])

    def bank_answer_table(self, bank_id: str, user_ids: Iterable[int] | None = None) -> Rows:
        """The answers of a bank's finished attempts (``BANK_ANSWER_COLUMNS``), for item analysis.

        Everyone: two index range scans, the bank's finished attempts ((bank_id, status))
        and its answers ((bank_id, question_id)), matched in Python rather than joined row
        by row in SQL. Some learners: their attempts ((user_id, ...)), then those attempts'
        answers (primary key). No datetime is read: parsing them is most of the cost.
        """
        attempt_query: Select[Any] = select(quiz_attempts.c.id, quiz_attempts.c.user_id, quiz_attempts.c.number).where(
            quiz_attempts.c.bank_id == bank_id, quiz_attempts.c.status == FINISHED
        )
        answer_query: Select[Any] = select(
            quiz_answers.c.attempt_id,
            quiz_answers.c.question_id,
            quiz_answers.c.response,
            quiz_answers.c.points,
            quiz_answers.c.max_points,
        )

        def read(connection: Connection) -> tuple[list[Any], list[Any]]:
            if user_ids is None:
                attempts = list(connection.execute(attempt_query))
                answers = list(connection.execute(answer_query.where(quiz_answers.c.bank_id == bank_id)))
                return attempts, answers
            attempts = []
            for part in chunks(ids_list(user_ids)):
                attempts += connection.execute(attempt_query.where(quiz_attempts.c.user_id.in_(part))).all()
            answers = []
            for part in chunks([row[0] for row in attempts]):
                answers += connection.execute(answer_query.where(quiz_answers.c.attempt_id.in_(part))).all()
            return attempts, answers

        attempts, answers = self._read(read)
        owner = {row[0]: (row[1], row[2]) for row in attempts}
        rows = [
            (attempt_id, *owner[attempt_id], question_id, response, points, max_points)
            for attempt_id, question_id, response, points, max_points in answers
            if attempt_id in owner
        ]
        return Rows(BANK_ANSWER_COLUMNS, rows)

    def learner_answer_table(self, user_ids: Iterable[int]) -> Rows:
        """Every answer of these learners, open attempts included (``LEARNER_ANSWER_COLUMNS``), for skills.

        Their attempts through the (user_id, ...) index, then the answers by attempt (primary key).
        """
        query: Select[Any] = select(
            quiz_attempts.c.user_id,
            quiz_attempts.c.bank_id,
            quiz_answers.c.question_id,
            quiz_answers.c.points,
            quiz_answers.c.max_points,
        ).join(quiz_answers, quiz_answers.c.attempt_id == quiz_attempts.c.id)
        return Rows(LEARNER_ANSWER_COLUMNS, self._per_user_chunk(query, quiz_attempts.c.user_id, user_ids))

    def learner_choice_table(self, user_ids: Iterable[int]) -> Rows:
        """Every role-play decision of these learners (``LEARNER_CHOICE_COLUMNS``), for skills.

        Their runs through the (user_id, scenario_id, status) index, then the choices by run (primary key).
        """
        query: Select[Any] = select(
            scenario_runs.c.user_id,
            scenario_runs.c.scenario_id,
            scenario_choices.c.node_id,
            scenario_choices.c.choice_index,
            scenario_choices.c.cost,
        ).join(scenario_choices, scenario_choices.c.run_id == scenario_runs.c.id)
        return Rows(LEARNER_CHOICE_COLUMNS, self._per_user_chunk(query, scenario_runs.c.user_id, user_ids))

    def choices_of_runs(self, run_ids: Sequence[str]) -> list[ChoiceRow]:
        """The decisions of the given runs (primary key look-ups), with each run's status and ending."""
        query: Select[Any] = select(
            scenario_choices, scenario_runs.c.status, scenario_runs.c.ending_id, scenario_runs.c.outcome
        ).join(scenario_runs, scenario_runs.c.id == scenario_choices.c.run_id)

        def read(connection: Connection) -> list[Any]:
            found: list[Any] = []
            for part in chunks(list(dict.fromkeys(run_ids))):
                found += connection.execute(query.where(scenario_choices.c.run_id.in_(part))).mappings().all()
            return found

        return [choice_row_from(row) for row in self._read(read)]

    def _per_user_chunk(self, query: Select[Any], user_column: Any, user_ids: Iterable[int]) -> list[tuple[Any, ...]]:
        ids = ids_list(user_ids)

        def read(connection: Connection) -> list[tuple[Any, ...]]:
            found: list[tuple[Any, ...]] = []
            for part in chunks(ids):
                found += [tuple(row) for row in connection.execute(query.where(user_column.in_(part)))]
            return found

        return self._read(read)


def choice_row_from(row: Any) -> ChoiceRow:
    return ChoiceRow(
        run_id=row["run_id"],
        user_id=row["user_id"],
        scenario_id=row["scenario_id"],
        step=row["step"],
        node_id=row["node_id"],
        choice_index=row["choice_index"],
        cost=row["cost"],
        made_at=row["made_at"],
        run_status=row["status"],
        ending_id=row["ending_id"],
        outcome=row["outcome"],
    )
