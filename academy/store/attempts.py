"""Quiz attempts: start one with its drawn questions, save each answer, close it with its grade.

The attempt row is locked first and the learner's module summary last, as in every write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, select, update

from academy.store.base import children_of, new_id
from academy.store.details import detail_for
from academy.store.model import (
    FINISHED,
    IN_PROGRESS,
    JSON,
    Answer,
    Attempt,
    AttemptClosedError,
    AttemptLimitError,
    InvalidActionError,
    ModuleRule,
    NotFoundError,
    QuizGrade,
    SavedAnswer,
    Verb,
)
from academy.store.summaries import SummariesBase, best_of, check_finite, check_points
from academy.store.tables import (
    quiz_answers,
    quiz_attempts,
)

_SEED_RANGE = range(-(2**63), 2**63)


class AttemptsMixin(SummariesBase):
    def start_attempt(
        self,
        user_id: int,
        module_id: str,
        bank_id: str,
        seed: int,
        drawn: Sequence[str],
        version: str,
        *,
        limit: int | None = None,
        attempt_id: str | None = None,
    ) -> Attempt:
        """Open a quiz attempt with its seed and drawn question order.

        If the learner already has an open attempt at this module, that one is returned
        unchanged (use its seed and drawn order): a double click cannot open two. Raises
        AttemptLimitError when ``limit`` attempts were started already.
        """
        drawn_ids = list(drawn)
        if not drawn_ids or len(set(drawn_ids)) != len(drawn_ids):
            raise InvalidActionError("an attempt needs at least one question, each drawn once")
        if seed not in _SEED_RANGE:
            raise InvalidActionError("the seed must fit in 64 bits")

        def work(connection: Connection) -> Attempt:
            now = self._now()
            summary = self._lock_summary(connection, user_id, module_id, version, now)
            open_attempt = (
                connection.execute(
                    select(quiz_attempts).where(
                        quiz_attempts.c.user_id == user_id,
                        quiz_attempts.c.module_id == module_id,
                        quiz_attempts.c.status == IN_PROGRESS,
                    )
                )
                .mappings()
                .first()
            )
            if open_attempt is not None:
                return self._attempt(connection, open_attempt)
            if attempt_id is not None:
                earlier = self._attempt_row(connection, attempt_id)
                if earlier is not None:  # this very start, finished since: a late repeat
                    return self._attempt(connection, earlier)
            used = summary["quiz_attempts"]
            if limit is not None and used >= limit:
                raise AttemptLimitError(f"all {limit} attempts used")
            new_attempt = {
                "id": attempt_id or new_id(),
                "user_id": user_id,
                "module_id": module_id,
                "bank_id": bank_id,
                "content_version": version,
                "number": used + 1,
                "seed": seed,
                "drawn": drawn_ids,
                "status": IN_PROGRESS,
                "started_at": now,
                "last_activity_at": now,
            }
            connection.execute(quiz_attempts.insert().values(**new_attempt))
            self._log(
                connection,
                key=f"quiz_started:{new_attempt['id']}",
                user_id=user_id,
                module_id=module_id,
                version=version,
                verb=Verb.QUIZ_STARTED,
                at=now,
                detail=detail_for(
                    Verb.QUIZ_STARTED, {"bank_id": bank_id, "seed": seed, "drawn": drawn_ids, "number": used + 1}
                ),
                attempt_id=new_attempt["id"],
            )
            self._save_summary(connection, summary, now, version, quiz_attempts=used + 1)
            return self._attempt(connection, new_attempt)

        return self._write(work)

    def save_answer(
        self,
        attempt_id: str,
        question_id: str,
        response: JSON,
        points: float,
        max_points: float,
        *,
        correct: bool | None = None,
        detail: dict[str, Any] | None = None,
        grade: Callable[[Attempt], QuizGrade] | None = None,
        passes_module: ModuleRule | None = None,
    ) -> SavedAnswer:
        """Save one answer, scored by the caller: the stored answer and the attempt as it now stands.

        The first answer to a question wins: submitting again (the same answer after a
        rerun, or a different one from a second tab) changes nothing and returns the
        answer stored first. ``correct`` defaults to ``points >= max_points``. When this
        answer is the attempt's last and ``grade`` is given, the attempt is closed in the
        same transaction with ``grade(attempt with every answer)``, as ``finish_attempt``
        would. Raises NotFoundError, AttemptClosedError, or InvalidActionError (a question
        not drawn in this attempt).
        """
        check_points(points, max_points)

        def work(connection: Connection) -> SavedAnswer:
            attempt = self._attempt_row(connection, attempt_id, for_update=True)
            if attempt is None:
                raise NotFoundError(f"no quiz attempt {attempt_id}")
            # Every answer so far in one read: whether this one is in, and the attempt to return.
            given = self._answers_of(connection, [attempt_id]).get(attempt_id, ())
            stored = next((answer for answer in given if answer.question_id == question_id), None)
            if stored is not None:
                return SavedAnswer(stored, attempt_from(attempt, given))
            if attempt["status"] != IN_PROGRESS:
                raise AttemptClosedError(f"attempt {attempt_id} is finished")
            if question_id not in attempt["drawn"]:
                raise InvalidActionError(f"question {question_id!r} was not drawn in attempt {attempt_id}")
            now = self._now()
            answer = Answer(
                question_id=question_id,
                position=attempt["drawn"].index(question_id),
                response=response,
                points=float(points),
                max_points=float(max_points),
                correct=bool(points >= max_points) if correct is None else bool(correct),
                answered_at=now,
            )
            connection.execute(
                quiz_answers.insert().values(
                    attempt_id=attempt_id,
                    question_id=question_id,
                    position=answer.position,
                    user_id=attempt["user_id"],
                    bank_id=attempt["bank_id"],
                    response=response,
                    points=answer.points,
                    max_points=answer.max_points,
                    correct=answer.correct,
                    answered_at=now,
                )
            )
            self._log_about(
                connection,
                attempt,
                key=f"answer:{attempt_id}:{question_id}",
                verb=Verb.ANSWER_SUBMITTED,
                at=now,
                detail=detail_for(
                    Verb.ANSWER_SUBMITTED,
                    {
                        "bank_id": attempt["bank_id"],
                        "response": response,
                        "points": answer.points,
                        "max": answer.max_points,
                        "correct": answer.correct,
                        "position": answer.position,
                    },
                    detail,
                ),
                attempt_id=attempt_id,
                question_id=question_id,
            )
            self._touch_attempt(connection, attempt_id, now)
            answers = tuple(sorted((*given, answer), key=lambda each: each.position))
            so_far = attempt_from(attempt, answers)
            if grade is not None and so_far.next_question is None:
                closed = self._close_attempt(connection, attempt, grade(so_far), now, passes_module)
                return SavedAnswer(answer, attempt_from({**attempt, **closed}, answers))
            summary = self._lock_summary(
                connection, attempt["user_id"], attempt["module_id"], attempt["content_version"], now
            )
            self._save_summary(connection, summary, now, attempt["content_version"])
            return SavedAnswer(answer, so_far)

        return self._write(work)

    def finish_attempt(
        self,
        attempt_id: str,
        score: float,
        max_score: float,
        passed: bool,
        *,
        scaled: float,
        detail: dict[str, Any] | None = None,
        passes_module: ModuleRule | None = None,
    ) -> Attempt:
        """Close an attempt with the engine's score, share of the maximum (``scaled``) and verdict.

        A passed attempt marks the quiz passed; the module is passed when ``passes_module``
        says so. Finishing twice changes nothing.
        """
        check_points(score, max_score)
        result = QuizGrade(float(score), float(max_score), float(scaled), bool(passed), dict(detail or {}))

        def work(connection: Connection) -> Attempt:
            attempt = self._attempt_row(connection, attempt_id, for_update=True)
            if attempt is None:
                raise NotFoundError(f"no quiz attempt {attempt_id}")
            if attempt["status"] == FINISHED:
                return self._attempt(connection, attempt)
            values = self._close_attempt(connection, attempt, result, self._now(), passes_module)
            return self._attempt(connection, {**attempt, **values})

        return self._write(work)

    def _close_attempt(
        self,
        connection: Connection,
        attempt: RowMapping,
        result: QuizGrade,
        now: datetime,
        passes_module: ModuleRule | None,
    ) -> dict[str, Any]:
        """Finish a locked open attempt: its row, the ``quiz_finished`` record and the summary."""
        check_points(result.score, result.max_score)
        check_finite(result.scaled)
        attempt_id = attempt["id"]
        values = {
            "status": FINISHED,
            "score": result.score,
            "max_score": result.max_score,
            "passed": result.passed,
            "finished_at": now,
            "last_activity_at": now,
        }
        connection.execute(update(quiz_attempts).where(quiz_attempts.c.id == attempt_id).values(**values))
        self._log_about(
            connection,
            attempt,
            key=f"quiz_finished:{attempt_id}",
            verb=Verb.QUIZ_FINISHED,
            at=now,
            detail=detail_for(
                Verb.QUIZ_FINISHED,
                {
                    "bank_id": attempt["bank_id"],
                    "score": result.score,
                    "max": result.max_score,
                    "scaled": result.scaled,
                    "passed": result.passed,
                    "number": attempt["number"],
                    "duration_s": (now - attempt["started_at"]).total_seconds(),
                },
                result.detail,
            ),
            attempt_id=attempt_id,
        )
        version = attempt["content_version"]
        summary = self._lock_summary(connection, attempt["user_id"], attempt["module_id"], version, now)
        self._save_summary(
            connection,
            summary,
            now,
            version,
            passes_module=passes_module,
            quiz_passed=bool(summary["quiz_passed"] or result.passed),
            quiz_failures=summary["quiz_failures"] + (0 if result.passed else 1),
            best_quiz_scaled=best_of(summary["best_quiz_scaled"], result.scaled),
        )
        return values

    def in_progress_attempt(self, user_id: int, module_id: str) -> Attempt | None:
        """The learner's open attempt at this module, with its answers so far (to resume)."""
        query = select(quiz_attempts).where(
            quiz_attempts.c.user_id == user_id,
            quiz_attempts.c.module_id == module_id,
            quiz_attempts.c.status == IN_PROGRESS,
        )
        return self._read_first(query, self._attempt)

    def attempt_detail(self, attempt_id: str) -> Attempt | None:
        return self._read_first(select(quiz_attempts).where(quiz_attempts.c.id == attempt_id), self._attempt)

    def attempts(
        self, user_id: int, module_id: str | None = None, *, status: str | None = None, answers: bool = True
    ) -> list[Attempt]:
        """A learner's attempts, oldest first; only those in ``status`` when given.

        With ``answers=False`` each attempt comes without its answers (``attempt_detail`` has
        them): a page that lists attempts then reads one row each, not every answer ever given.
        """
        query = select(quiz_attempts).where(quiz_attempts.c.user_id == user_id)
        if module_id is not None:
            query = query.where(quiz_attempts.c.module_id == module_id)
        if status is not None:
            query = query.where(quiz_attempts.c.status == status)
        query = query.order_by(quiz_attempts.c.started_at, quiz_attempts.c.number)

        def read(connection: Connection) -> list[Attempt]:
            rows = connection.execute(query).mappings().all()
            given = self._answers_of(connection, [row["id"] for row in rows]) if answers else {}
            return [attempt_from(row, given.get(row["id"], ())) for row in rows]

        return self._read(read)

    @staticmethod
    def _attempt_row(connection: Connection, attempt_id: str, *, for_update: bool = False) -> RowMapping | None:
        query = select(quiz_attempts).where(quiz_attempts.c.id == attempt_id)
        if for_update:
            query = query.with_for_update()
        return connection.execute(query).mappings().first()

    @staticmethod
    def _touch_attempt(connection: Connection, attempt_id: str, now: datetime) -> None:
        connection.execute(update(quiz_attempts).where(quiz_attempts.c.id == attempt_id).values(last_activity_at=now))

    def _attempt(self, connection: Connection, row: Any) -> Attempt:
        return attempt_from(row, self._answers_of(connection, [row["id"]]).get(row["id"], ()))

    @staticmethod
    def _answers_of(connection: Connection, attempt_ids: Sequence[str]) -> dict[str, tuple[Answer, ...]]:
        return children_of(connection, quiz_answers, "attempt_id", "position", attempt_ids, _answer_from)


def _answer_from(row: Any) -> Answer:
    return Answer(
        question_id=row["question_id"],
        position=row["position"],
        response=row["response"],
        points=row["points"],
        max_points=row["max_points"],
        correct=bool(row["correct"]),
        answered_at=row["answered_at"],
    )


def attempt_from(row: Any, answers: tuple[Answer, ...]) -> Attempt:
    return Attempt(
        id=row["id"],
        user_id=row["user_id"],
        module_id=row["module_id"],
        bank_id=row["bank_id"],
        content_version=row["content_version"],
        number=row["number"],
        seed=row["seed"],
        drawn=tuple(row["drawn"]),
        status=row["status"],
        score=row.get("score"),
        max_score=row.get("max_score"),
        passed=row.get("passed"),
        started_at=row["started_at"],
        finished_at=row.get("finished_at"),
        answers=answers,
    )
