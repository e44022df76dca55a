"""Read-only queries the reports need and the store's API does not offer (yet).

Each is one SQLAlchemy Core ``select`` over the store's tables, run through the store's
read path (its retry on a busy database); nothing here writes. They belong in
``academy.store`` in the long run: each is a candidate method for ``Store``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Connection, Select, Text, cast, select

from academy.auth import Role, User
from academy.store import ChoiceRow, Store
from academy.store.tables import (
    learning_records,
    memberships,
    quiz_answers,
    quiz_attempts,
    scenario_choices,
    scenario_runs,
    teams,
    users,
)

T = TypeVar("T")

# IN lists are cut to this size, far below SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500

ATTEMPT_COLUMNS = ["attempt_id", "user_id", "module_id", "number", "score", "max_score", "passed", "finished_at"]


def _read(store: Store, work: Callable[[Connection], T]) -> T:
    # The store's own read path: a short transaction, retried while the database is busy.
    return store._read(work)


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[start : start + _CHUNK] for start in range(0, len(ordered), _CHUNK)]


def team_memberships(store: Store) -> list[tuple[User, str]]:
    """Every (member, team name) pair: one query instead of one per team (admin's "all learners")."""
    query = (
        select(users.c.id, users.c.username, users.c.display_name, users.c.role, users.c.disabled,
               users.c.created_at, teams.c.name.label("team_name"))
        .join(memberships, memberships.c.user_id == users.c.id)
        .join(teams, teams.c.id == memberships.c.team_id)
        .where(memberships.c.kind == "member")
    )
    rows = _read(store, lambda connection: connection.execute(query).mappings().all())
    return [
        (User(id=row["id"], username=row["username"], display_name=row["display_name"], role=Role(row["role"]),
              disabled=bool(row["disabled"]), created_at=row["created_at"]), row["team_name"])
        for row in rows
    ]


def finished_attempts(
    store: Store, user_ids: Iterable[int], *, since: datetime | None = None, until: datetime | None = None
) -> pd.DataFrame:
    """The finished quiz attempts of these learners (no answers), ``since`` inclusive, ``until`` exclusive.

    Uses the (user_id, module_id, number) index: O(attempts of these learners).
    """
    columns = (
        quiz_attempts.c.id.label("attempt_id"),
        quiz_attempts.c.user_id,
        quiz_attempts.c.module_id,
        quiz_attempts.c.number,
        quiz_attempts.c.score,
        quiz_attempts.c.max_score,
        quiz_attempts.c.passed,
        quiz_attempts.c.finished_at,
    )
    base: Select[Any] = select(*columns).where(quiz_attempts.c.status == "finished")
    if since is not None:
        base = base.where(quiz_attempts.c.finished_at >= since)
    if until is not None:
        base = base.where(quiz_attempts.c.finished_at < until)

    def work(connection: Connection) -> list[Any]:
        found: list[Any] = []
        for part in _chunks(user_ids):
            found += connection.execute(base.where(quiz_attempts.c.user_id.in_(part))).all()
        return found

    rows = _read(store, work)
    frame = pd.DataFrame([tuple(row) for row in rows], columns=ATTEMPT_COLUMNS)
    frame["passed"] = frame["passed"].astype(bool)
    return frame


def active_learners(
    store: Store, user_ids: Iterable[int], *, since: datetime | None = None, until: datetime | None = None
) -> set[int]:
    """Which of these learners logged at least one action in [since, until).

    Reads each learner's slice of the log through its (user_id, seq) index: O(their records).
    """
    base: Select[Any] = select(learning_records.c.user_id).distinct()
    if since is not None:
        base = base.where(learning_records.c.at >= since)
    if until is not None:
        base = base.where(learning_records.c.at < until)

    def work(connection: Connection) -> set[int]:
        found: set[int] = set()
        for part in _chunks(user_ids):
            found.update(connection.execute(base.where(learning_records.c.user_id.in_(part))).scalars())
        return found

    return _read(store, work)


# --- answer and decision rows, read the cheap way --------------------------------------------

ANSWER_FRAME_COLUMNS = ["attempt_id", "user_id", "attempt_number", "question_id", "response", "points",
                        "max_points"]
LEARNER_ANSWER_COLUMNS = ["user_id", "bank_id", "question_id", "points", "max_points"]
LEARNER_CHOICE_COLUMNS = ["user_id", "scenario_id", "node_id", "choice_index", "cost"]


def bank_answers(store: Store, bank_id: str, user_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The answers of a bank's finished attempts, as a frame (``ANSWER_FRAME_COLUMNS``), for item analysis.

    Everyone: two index range scans, the bank's finished attempts ((bank_id, status)) and its
    answers ((bank_id, question_id)), matched here rather than joined row by row in SQL.
    Some learners: their attempts ((user_id, ...)), then those attempts' answers (primary key).
    No datetime is read: parsing them is most of the cost of reading answer rows.
    """
    attempt_query: Select[Any] = select(quiz_attempts.c.id, quiz_attempts.c.user_id, quiz_attempts.c.number).where(
        quiz_attempts.c.bank_id == bank_id, quiz_attempts.c.status == "finished")
    # The response as its JSON text: learners give the same few answers, so each distinct text is
    # decoded once here instead of once per row by the column type.
    answer_columns = (quiz_answers.c.attempt_id, quiz_answers.c.question_id,
                      cast(quiz_answers.c.response, Text).label("response"), quiz_answers.c.points,
                      quiz_answers.c.max_points)

    def work(connection: Connection) -> tuple[list[Any], list[Any]]:
        if user_ids is None:
            attempts = connection.execute(attempt_query).all()
            answers = connection.execute(select(*answer_columns).where(quiz_answers.c.bank_id == bank_id)).all()
            return attempts, answers
        attempts = []
        for part in _chunks(user_ids):
            attempts += connection.execute(attempt_query.where(quiz_attempts.c.user_id.in_(part))).all()
        answers = []
        ids = [row[0] for row in attempts]
        for start in range(0, len(ids), _CHUNK):
            answers += connection.execute(select(*answer_columns).where(
                quiz_answers.c.attempt_id.in_(ids[start : start + _CHUNK]))).all()
        return attempts, answers

    attempts, answers = _read(store, work)
    attempt_frame = pd.DataFrame([tuple(row) for row in attempts], columns=["attempt_id", "user_id", "attempt_number"])
    answer_frame = pd.DataFrame([tuple(row) for row in answers],
                                columns=["attempt_id", "question_id", "response", "points", "max_points"])
    answer_frame["response"] = _decoded(answer_frame["response"])
    merged = answer_frame.merge(attempt_frame, on="attempt_id", how="inner")
    return merged[ANSWER_FRAME_COLUMNS]


def _decoded(texts: pd.Series) -> list[Any]:
    memo: dict[str, Any] = {}
    values = []
    for text in texts:
        if text is None:
            values.append(None)
            continue
        if text not in memo:
            memo[text] = json.loads(text)
        values.append(memo[text])
    return values


def learner_answers(store: Store, user_ids: Iterable[int]) -> pd.DataFrame:
    """Every answer of these learners, open attempts included (``LEARNER_ANSWER_COLUMNS``), for skills.

    Their attempts through the (user_id, ...) index, then the answers by attempt (primary key).
    """
    def work(connection: Connection) -> list[Any]:
        found: list[Any] = []
        for part in _chunks(user_ids):
            query = (
                select(quiz_attempts.c.user_id, quiz_attempts.c.bank_id, quiz_answers.c.question_id,
                       quiz_answers.c.points, quiz_answers.c.max_points)
                .join(quiz_answers, quiz_answers.c.attempt_id == quiz_attempts.c.id)
                .where(quiz_attempts.c.user_id.in_(part))
            )
            found += connection.execute(query).all()
        return found

    return pd.DataFrame([tuple(row) for row in _read(store, work)], columns=LEARNER_ANSWER_COLUMNS)


def learner_choices(store: Store, user_ids: Iterable[int]) -> pd.DataFrame:
    """Every role-play decision of these learners (``LEARNER_CHOICE_COLUMNS``), for skills.

    Their runs through the (user_id, scenario_id, status) index, then the choices by run (primary key).
    """
    def work(connection: Connection) -> list[Any]:
        found: list[Any] = []
        for part in _chunks(user_ids):
            query = (
                select(scenario_runs.c.user_id, scenario_runs.c.scenario_id, scenario_choices.c.node_id,
                       scenario_choices.c.choice_index, scenario_choices.c.cost)
                .join(scenario_choices, scenario_choices.c.run_id == scenario_runs.c.id)
                .where(scenario_runs.c.user_id.in_(part))
            )
            found += connection.execute(query).all()
        return found

    return pd.DataFrame([tuple(row) for row in _read(store, work)], columns=LEARNER_CHOICE_COLUMNS)


def run_choices(store: Store, run_ids: Sequence[str]) -> list[ChoiceRow]:
    """The decisions of the given runs (primary key look-ups), with their run's status and ending."""
    def work(connection: Connection) -> list[Any]:
        found: list[Any] = []
        for start in range(0, len(run_ids), _CHUNK):
            query = (
                select(scenario_choices, scenario_runs.c.status, scenario_runs.c.ending_id, scenario_runs.c.outcome)
                .join(scenario_runs, scenario_runs.c.id == scenario_choices.c.run_id)
                .where(scenario_choices.c.run_id.in_(run_ids[start : start + _CHUNK]))
            )
            found += connection.execute(query).mappings().all()
        return found

    return [
        ChoiceRow(run_id=row["run_id"], user_id=row["user_id"], scenario_id=row["scenario_id"], step=row["step"],
                  node_id=row["node_id"], choice_index=row["choice_index"], cost=row["cost"], made_at=row["made_at"],
                  run_status=row["status"], ending_id=row["ending_id"], outcome=row["outcome"])
        for row in _read(store, work)
    ]
