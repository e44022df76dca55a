"""The learner's module summaries: kept current on every progress write, read by every page.

``_save_summary`` adds the time spent since the last action (each gap capped) and passes
the module when the caller's ``passes_module`` rule holds for the summary the write leaves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, select, update

from academy.store.base import StoreBase, chunks, ids_list
from academy.store.model import (
    InvalidActionError,
    ModuleRule,
    ModuleSummary,
    Status,
    Verb,
)
from academy.store.tables import (
    memberships,
    module_summaries,
)

# Time between two actions counts as time spent up to this cap; a longer gap is a break.
IDLE_CAP = timedelta(minutes=5)


class SummariesBase(StoreBase):
    """The summary rows every progress write locks last and updates."""

    def module_summaries(self, user_id: int) -> dict[str, ModuleSummary]:
        """The learner's summary per module id; a module never touched has no entry (not started)."""
        query = select(module_summaries).where(module_summaries.c.user_id == user_id)
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return {row["module_id"]: summary_from(row) for row in rows}

    def team_summaries(self, team_id: int) -> list[ModuleSummary]:
        """Every module summary of the team's members: one index range per member."""
        query = (
            select(module_summaries)
            .join(
                memberships,
                and_(memberships.c.user_id == module_summaries.c.user_id, memberships.c.kind == "member"),
            )
            .where(memberships.c.team_id == team_id)
            .order_by(module_summaries.c.user_id, module_summaries.c.module_id)
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [summary_from(row) for row in rows]

    def summaries_for(self, user_ids: Iterable[int]) -> list[ModuleSummary]:
        """Module summaries of the given learners (e.g. a filtered team, or everyone for an admin)."""
        ids = ids_list(user_ids)

        def read(connection: Connection) -> list[ModuleSummary]:
            found: list[ModuleSummary] = []
            for part in chunks(ids):
                query = (
                    select(module_summaries)
                    .where(module_summaries.c.user_id.in_(part))
                    .order_by(module_summaries.c.user_id, module_summaries.c.module_id)
                )
                found += [summary_from(row) for row in connection.execute(query).mappings()]
            return found

        return self._read(read)

    def _lock_summary(
        self, connection: Connection, user_id: int, module_id: str, version: str, now: datetime
    ) -> RowMapping:
        """The learner's summary row for the module, created if missing, locked until commit."""
        query = (
            select(module_summaries)
            .where(module_summaries.c.user_id == user_id, module_summaries.c.module_id == module_id)
            .with_for_update()
        )
        found = connection.execute(query).mappings().first()
        if found is not None:  # the usual case: one statement, not an insert that does nothing first
            return found
        statement = self._insert(connection, module_summaries).values(
            user_id=user_id,
            module_id=module_id,
            content_version=version,
            status=Status.NOT_STARTED.value,
            lessons_done=0,
            quiz_attempts=0,
            quiz_failures=0,
            quiz_passed=False,
            scenario_runs=0,
            scenarios_completed=0,
            started_at=now,
            last_activity_at=now,
            time_spent_s=0.0,
        )
        connection.execute(statement.on_conflict_do_nothing())  # another transaction may have just made it
        return connection.execute(query).mappings().one()

    def _save_summary(
        self,
        connection: Connection,
        summary: RowMapping,
        now: datetime,
        version: str,
        *,
        passes_module: ModuleRule | None = None,
        **changes: Any,
    ) -> None:
        """Write the summary's ``changes`` and the time spent; pass the module if the rule now holds.

        Passing happens once: it logs ``module_completed`` and sets ``completed_at``; a passed
        module stays passed whatever comes after.
        """
        gap = now - summary["last_activity_at"]
        spent = min(max(gap, timedelta(0)), IDLE_CAP).total_seconds()
        already_passed = summary["status"] == Status.PASSED
        values: dict[str, Any] = {
            "status": (Status.PASSED if already_passed else Status.IN_PROGRESS).value,
            "last_activity_at": max(now, summary["last_activity_at"]),
            "time_spent_s": summary["time_spent_s"] + spent,
            "content_version": version,
            **changes,
        }
        if not already_passed and passes_module is not None and passes_module(summary_from({**summary, **values})):
            values["status"] = Status.PASSED.value
            if summary["completed_at"] is None:
                values["completed_at"] = now
            self._log(
                connection,
                key=f"module_completed:{summary['user_id']}:{summary['module_id']}",
                user_id=summary["user_id"],
                module_id=summary["module_id"],
                version=version,
                verb=Verb.MODULE_COMPLETED,
                at=now,
            )
        connection.execute(
            update(module_summaries)
            .where(
                module_summaries.c.user_id == summary["user_id"],
                module_summaries.c.module_id == summary["module_id"],
            )
            .values(**values)
        )


def always_passes(_summary: ModuleSummary) -> bool:
    return True


def check_finite(*numbers: float) -> None:
    if not all(math.isfinite(number) for number in numbers):
        raise InvalidActionError("scores must be finite numbers")


def check_points(points: float, max_points: float) -> None:
    check_finite(points, max_points)
    if max_points < 0:
        raise InvalidActionError("a maximum cannot be negative")


def best_of(current: float | None, candidate: float) -> float:
    return candidate if current is None else max(current, candidate)


def summary_from(row: Any) -> ModuleSummary:
    return ModuleSummary(
        user_id=row["user_id"],
        module_id=row["module_id"],
        status=Status(row["status"]),
        lessons_done=row["lessons_done"],
        last_lesson_id=row["last_lesson_id"],
        quiz_attempts=row["quiz_attempts"],
        quiz_failures=row["quiz_failures"],
        quiz_passed=bool(row["quiz_passed"]),
        best_quiz_scaled=row["best_quiz_scaled"],
        scenario_runs=row["scenario_runs"],
        scenarios_completed=row["scenarios_completed"],
        best_scenario_scaled=row["best_scenario_scaled"],
        content_version=row["content_version"],
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        last_activity_at=row["last_activity_at"],
        time_spent_s=row["time_spent_s"],
    )
