"""Read-only queries the reports need and the store's API does not offer (yet).

Each is one SQLAlchemy Core ``select`` over the store's tables, run through the store's
read path (its retry on a busy database); nothing here writes. They belong in
``academy.store`` in the long run: each is a candidate method for ``Store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Connection, Select, select

from academy.auth import Role, User
from academy.store import Store
from academy.store.tables import learning_records, memberships, quiz_attempts, teams, users

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
