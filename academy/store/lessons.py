"""Lessons: a learner opens one, completes one; a module can be passed by decision."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from academy.store.model import (
    LessonProgress,
    ModuleRule,
    Status,
    Verb,
)
from academy.store.summaries import SummariesBase, always_passes
from academy.store.tables import (
    lesson_progress,
)

# Without a caller's key, opening the same lesson again within this window is the same
# viewing (Streamlit reruns the page on every click), so it is not logged again.
VIEW_REPEAT_WINDOW = timedelta(minutes=10)


class LessonsMixin(SummariesBase):
    def mark_viewed(
        self, user_id: int, module_id: str, lesson_id: str, version: str, *, key: str | None = None
    ) -> bool:
        """Note that a learner opened a lesson. Returns True when a record was written.

        Pass ``key`` (e.g. one per page visit) to log each visit once; without it, a repeat
        within VIEW_REPEAT_WINDOW only refreshes the lesson's last-viewed time.
        """

        def work(connection: Connection) -> bool:
            now = self._now()
            pk = _lesson_pk(user_id, module_id, lesson_id)
            last_viewed = connection.execute(select(lesson_progress.c.last_viewed_at).where(pk)).scalar()
            recent = last_viewed is not None and now - last_viewed < VIEW_REPEAT_WINDOW
            logged = False
            if key is not None or not recent:
                logged = self._log(
                    connection,
                    key=f"view:{user_id}:{key}" if key is not None else None,
                    user_id=user_id,
                    module_id=module_id,
                    version=version,
                    verb=Verb.LESSON_VIEWED,
                    at=now,
                    lesson_id=lesson_id,
                )
                if key is not None and not logged:
                    return False
            self._upsert_lesson(connection, user_id, module_id, lesson_id, version, now, completed=False)
            summary = self._lock_summary(connection, user_id, module_id, version, now)
            self._save_summary(connection, summary, now, version, last_lesson_id=lesson_id)
            return logged

        return self._write(work)

    def mark_complete(
        self,
        user_id: int,
        module_id: str,
        lesson_id: str,
        version: str,
        *,
        passes_module: ModuleRule | None = None,
    ) -> bool:
        """Mark a lesson complete. Returns True the first time, False on any repeat.

        ``passes_module`` is applied to the summary this leaves (see ``_save_summary``).
        """

        def work(connection: Connection) -> bool:
            now = self._now()
            if not self._log(
                connection,
                key=f"lesson_completed:{user_id}:{module_id}:{lesson_id}",
                user_id=user_id,
                module_id=module_id,
                version=version,
                verb=Verb.LESSON_COMPLETED,
                at=now,
                lesson_id=lesson_id,
            ):
                return False
            self._upsert_lesson(connection, user_id, module_id, lesson_id, version, now, completed=True)
            summary = self._lock_summary(connection, user_id, module_id, version, now)
            self._save_summary(
                connection,
                summary,
                now,
                version,
                passes_module=passes_module,
                lessons_done=summary["lessons_done"] + 1,
                last_lesson_id=lesson_id,
            )
            return True

        return self._write(work)

    def completed_lessons(self, user_id: int, module_id: str) -> frozenset[str]:
        query = select(lesson_progress.c.lesson_id).where(
            lesson_progress.c.user_id == user_id,
            lesson_progress.c.module_id == module_id,
            lesson_progress.c.completed_at.is_not(None),
        )
        return frozenset(self._read(lambda connection: connection.execute(query).scalars().all()))

    def lesson_progress(self, user_id: int, module_id: str) -> dict[str, LessonProgress]:
        """Every lesson of the module the learner has opened or completed, by lesson id."""
        query = select(lesson_progress).where(
            lesson_progress.c.user_id == user_id, lesson_progress.c.module_id == module_id
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return {
            row["lesson_id"]: LessonProgress(
                row["lesson_id"], row["first_viewed_at"], row["last_viewed_at"], row["completed_at"]
            )
            for row in rows
        }

    def complete_module(self, user_id: int, module_id: str, version: str) -> bool:
        """Mark a module passed whatever its summary says (a trainer's decision, or a repair).

        The learner's actions pass modules by themselves: each write takes the learning
        layer's ``passes_module`` rule. Returns True the first time.
        """

        def work(connection: Connection) -> bool:
            now = self._now()
            summary = self._lock_summary(connection, user_id, module_id, version, now)
            if summary["status"] == Status.PASSED:
                return False
            self._save_summary(connection, summary, now, version, passes_module=always_passes)
            return True

        return self._write(work)

    def _upsert_lesson(
        self,
        connection: Connection,
        user_id: int,
        module_id: str,
        lesson_id: str,
        version: str,
        now: datetime,
        *,
        completed: bool,
    ) -> None:
        statement = self._insert(connection, lesson_progress).values(
            user_id=user_id,
            module_id=module_id,
            lesson_id=lesson_id,
            content_version=version,
            first_viewed_at=None if completed else now,
            last_viewed_at=None if completed else now,
            completed_at=now if completed else None,
        )
        column = lesson_progress.c
        changes: dict[str, Any] = {"content_version": version}
        if completed:
            changes["completed_at"] = func.coalesce(column.completed_at, now)
        else:
            changes["first_viewed_at"] = func.coalesce(column.first_viewed_at, now)
            changes["last_viewed_at"] = now
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[column.user_id, column.module_id, column.lesson_id], set_=changes
            )
        )


def _lesson_pk(user_id: int, module_id: str, lesson_id: str) -> Any:
    return and_(
        lesson_progress.c.user_id == user_id,
        lesson_progress.c.module_id == module_id,
        lesson_progress.c.lesson_id == lesson_id,
    )
