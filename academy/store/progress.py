"""Learner actions: lessons, quiz attempts, scenario runs, and the summaries they keep current.

Every write appends a learning record and updates the current-state tables in the same
transaction. Writes that a double click or a Streamlit rerun could repeat carry a key
derived from what they are about (``answer:<attempt>:<question>``, ``choice:<run>:<step>``...);
the key is unique in the log, so the repeat finds it and changes nothing.

Lock order, the same in every transaction so PostgreSQL never deadlocks on it: the
attempt or run row first, the learner's module summary last.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, exists, func, select, update

from academy.store.base import StoreBase, chunks, ids_list, merged, new_id
from academy.store.model import (
    ABANDONED,
    FINISHED,
    IN_PROGRESS,
    JSON,
    Answer,
    Attempt,
    AttemptClosedError,
    AttemptLimitError,
    InvalidActionError,
    LessonProgress,
    ModuleRule,
    ModuleSummary,
    NotFoundError,
    QuizGrade,
    Run,
    RunChoice,
    RunClosedError,
    RunEnding,
    Status,
    Verb,
)
from academy.store.tables import (
    lesson_progress,
    memberships,
    module_summaries,
    quiz_answers,
    quiz_attempts,
    scenario_choices,
    scenario_runs,
)

# Time between two actions counts as time spent up to this cap; a longer gap is a break.
IDLE_CAP = timedelta(minutes=5)
# Without a caller's key, opening the same lesson again within this window is the same
# viewing (Streamlit reruns the page on every click), so it is not logged again.
VIEW_REPEAT_WINDOW = timedelta(minutes=10)
_SEED_RANGE = range(-(2**63), 2**63)


class ProgressMixin(StoreBase):
    # --- lessons ----------------------------------------------------------------------

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
            self._save_summary(connection, summary, now, version, passes_module=_always)
            return True

        return self._write(work)

    # --- quiz -------------------------------------------------------------------------

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
                detail={"bank_id": bank_id, "seed": seed, "drawn": drawn_ids, "number": used + 1},
                attempt_id=new_attempt["id"],
            )
            self._save_summary(connection, summary, now, version, quiz_attempts=used + 1)
            return self._attempt(connection, new_attempt)

        return self._write(work)

    def submit_answer(
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
    ) -> Answer:
        """Save one answer, scored by the caller. Returns the stored answer.

        The first answer to a question wins: submitting again (the same answer after a
        rerun, or a different one from a second tab) changes nothing and returns the
        answer stored first. ``correct`` defaults to ``points >= max_points``. When this
        answer is the attempt's last and ``grade`` is given, the attempt is closed in the
        same transaction with ``grade(attempt with every answer)``, as ``finish_attempt``
        would. Raises NotFoundError, AttemptClosedError, or InvalidActionError (a question
        not drawn in this attempt).
        """
        _check_points(points, max_points)

        def work(connection: Connection) -> Answer:
            attempt = self._attempt_row(connection, attempt_id, for_update=True)
            if attempt is None:
                raise NotFoundError(f"no quiz attempt {attempt_id}")
            stored = (
                connection.execute(
                    select(quiz_answers).where(
                        quiz_answers.c.attempt_id == attempt_id, quiz_answers.c.question_id == question_id
                    )
                )
                .mappings()
                .first()
            )
            if stored is not None:
                return _answer_from(stored)
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
            self._log(
                connection,
                key=f"answer:{attempt_id}:{question_id}",
                user_id=attempt["user_id"],
                module_id=attempt["module_id"],
                version=attempt["content_version"],
                verb=Verb.ANSWER_SUBMITTED,
                at=now,
                detail=merged(
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
            if grade is not None:
                so_far = self._attempt(connection, attempt)
                if so_far.next_question is None:
                    self._close_attempt(connection, attempt, grade(so_far), now, passes_module)
                    return answer
            summary = self._lock_summary(
                connection, attempt["user_id"], attempt["module_id"], attempt["content_version"], now
            )
            self._save_summary(connection, summary, now, attempt["content_version"])
            return answer

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
        _check_points(score, max_score)
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
        _check_points(result.score, result.max_score)
        _check_finite(result.scaled)
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
        self._log(
            connection,
            key=f"quiz_finished:{attempt_id}",
            user_id=attempt["user_id"],
            module_id=attempt["module_id"],
            version=attempt["content_version"],
            verb=Verb.QUIZ_FINISHED,
            at=now,
            detail=merged(
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
            best_quiz_scaled=_best(summary["best_quiz_scaled"], result.scaled),
        )
        return values

    def in_progress_attempt(self, user_id: int, module_id: str) -> Attempt | None:
        """The learner's open attempt at this module, with its answers so far (to resume)."""
        query = select(quiz_attempts).where(
            quiz_attempts.c.user_id == user_id,
            quiz_attempts.c.module_id == module_id,
            quiz_attempts.c.status == IN_PROGRESS,
        )

        def read(connection: Connection) -> Attempt | None:
            row = connection.execute(query).mappings().first()
            return self._attempt(connection, row) if row else None

        return self._read(read)

    def attempt_detail(self, attempt_id: str) -> Attempt | None:
        def read(connection: Connection) -> Attempt | None:
            row = self._attempt_row(connection, attempt_id)
            return self._attempt(connection, row) if row else None

        return self._read(read)

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

    # --- scenarios --------------------------------------------------------------------

    def start_run(
        self, user_id: int, module_id: str, scenario_id: str, version: str, *, run_id: str | None = None
    ) -> Run:
        """Start a role-play run, or return the learner's open run of this scenario.

        To start over mid-run, ``abandon_run`` first; after an ending, a new run starts.
        """

        def work(connection: Connection) -> Run:
            now = self._now()
            summary = self._lock_summary(connection, user_id, module_id, version, now)
            open_run = (
                connection.execute(
                    select(scenario_runs).where(
                        scenario_runs.c.user_id == user_id,
                        scenario_runs.c.scenario_id == scenario_id,
                        scenario_runs.c.status == IN_PROGRESS,
                    )
                )
                .mappings()
                .first()
            )
            if open_run is not None:
                return self._run(connection, open_run)
            if run_id is not None:
                earlier = self._run_row(connection, run_id)
                if earlier is not None:
                    return self._run(connection, earlier)
            new_run = {
                "id": run_id or new_id(),
                "user_id": user_id,
                "module_id": module_id,
                "scenario_id": scenario_id,
                "content_version": version,
                "status": IN_PROGRESS,
                "path": [],
                "started_at": now,
                "last_activity_at": now,
            }
            connection.execute(scenario_runs.insert().values(**new_run))
            self._log(
                connection,
                key=f"scenario_started:{new_run['id']}",
                user_id=user_id,
                module_id=module_id,
                version=version,
                verb=Verb.SCENARIO_STARTED,
                at=now,
                scenario_id=scenario_id,
                run_id=new_run["id"],
            )
            self._save_summary(connection, summary, now, version)
            return self._run(connection, new_run)

        return self._write(work)

    def record_choice(
        self,
        run_id: str,
        step: int,
        node_id: str,
        choice_index: int,
        cost: float | None,
        *,
        detail: dict[str, Any] | None = None,
        ending: RunEnding | None = None,
        passes_module: ModuleRule | None = None,
    ) -> RunChoice:
        """Save the choice made at ``step`` (0 for the first) of a run.

        ``cost`` is what the engine says the choice cost against the best one at that node.
        A repeat of a step already saved changes nothing and returns the stored choice (the
        first one wins). When the choice reached an ending, pass it as ``ending``: the run
        is closed in the same transaction, as ``finish_run`` would. Raises NotFoundError,
        RunClosedError, or InvalidActionError when ``step`` skips ahead.
        """
        if cost is not None:
            _check_finite(cost)

        def work(connection: Connection) -> RunChoice:
            run = self._run_row(connection, run_id, for_update=True)
            if run is None:
                raise NotFoundError(f"no scenario run {run_id}")
            stored = (
                connection.execute(
                    select(scenario_choices).where(scenario_choices.c.run_id == run_id, scenario_choices.c.step == step)
                )
                .mappings()
                .first()
            )
            if stored is not None:
                return _choice_from(stored)
            if run["status"] != IN_PROGRESS:
                raise RunClosedError(f"run {run_id} is {run['status']}")
            if step != len(run["path"]):
                raise InvalidActionError(f"run {run_id} is at step {len(run['path'])}, not {step}")
            now = self._now()
            choice = RunChoice(
                step=step,
                node_id=node_id,
                choice_index=choice_index,
                cost=None if cost is None else float(cost),
                made_at=now,
            )
            connection.execute(
                scenario_choices.insert().values(
                    run_id=run_id,
                    step=step,
                    user_id=run["user_id"],
                    scenario_id=run["scenario_id"],
                    node_id=node_id,
                    choice_index=choice_index,
                    cost=choice.cost,
                    made_at=now,
                )
            )
            path = [*run["path"], choice_index]
            connection.execute(
                update(scenario_runs).where(scenario_runs.c.id == run_id).values(path=path, last_activity_at=now)
            )
            self._log(
                connection,
                key=f"choice:{run_id}:{step}",
                user_id=run["user_id"],
                module_id=run["module_id"],
                version=run["content_version"],
                verb=Verb.CHOICE_MADE,
                at=now,
                detail=merged({"step": step, "choice_index": choice_index, "cost": choice.cost}, detail),
                scenario_id=run["scenario_id"],
                run_id=run_id,
                node_id=node_id,
            )
            if ending is not None:
                self._close_run(connection, {**run, "path": path}, ending, now, passes_module)
                return choice
            summary = self._lock_summary(connection, run["user_id"], run["module_id"], run["content_version"], now)
            self._save_summary(connection, summary, now, run["content_version"])
            return choice

        return self._write(work)

    def finish_run(
        self,
        run_id: str,
        ending_id: str,
        outcome: str,
        score: float,
        best: float,
        worst: float,
        *,
        scaled: float,
        detail: dict[str, Any] | None = None,
        passes_module: ModuleRule | None = None,
    ) -> Run:
        """Close a run at an ending with the engine's score, the best and worst possible, and
        where the score sits between them (``scaled``, 0 to 1).

        The module is passed when ``passes_module`` says so. Finishing twice changes nothing.
        Raises NotFoundError, or RunClosedError for an abandoned run.
        """
        _check_finite(score, best, worst)
        ending = RunEnding(
            ending_id, outcome, float(score), float(best), float(worst), float(scaled), dict(detail or {})
        )

        def work(connection: Connection) -> Run:
            run = self._run_row(connection, run_id, for_update=True)
            if run is None:
                raise NotFoundError(f"no scenario run {run_id}")
            if run["status"] == FINISHED:
                return self._run(connection, run)
            if run["status"] == ABANDONED:
                raise RunClosedError(f"run {run_id} was abandoned")
            values = self._close_run(connection, run, ending, self._now(), passes_module)
            return self._run(connection, {**run, **values})

        return self._write(work)

    def _close_run(
        self,
        connection: Connection,
        run: Mapping[str, Any],
        ending: RunEnding,
        now: datetime,
        passes_module: ModuleRule | None,
    ) -> dict[str, Any]:
        """Finish a locked open run: its row, the ``ending_reached`` record and the summary."""
        _check_finite(ending.score, ending.best, ending.worst, ending.scaled)
        run_id = run["id"]
        values = {
            "status": FINISHED,
            "ending_id": ending.ending_id,
            "outcome": ending.outcome,
            "score": ending.score,
            "best": ending.best,
            "worst": ending.worst,
            "finished_at": now,
            "last_activity_at": now,
        }
        connection.execute(update(scenario_runs).where(scenario_runs.c.id == run_id).values(**values))
        self._log(
            connection,
            key=f"ending:{run_id}",
            user_id=run["user_id"],
            module_id=run["module_id"],
            version=run["content_version"],
            verb=Verb.ENDING_REACHED,
            at=now,
            detail=merged(
                {
                    "ending_id": ending.ending_id,
                    "outcome": ending.outcome,
                    "score": ending.score,
                    "best": ending.best,
                    "worst": ending.worst,
                    "scaled": ending.scaled,
                    "steps": len(run["path"]),
                    "duration_s": (now - run["started_at"]).total_seconds(),
                },
                ending.detail,
            ),
            scenario_id=run["scenario_id"],
            run_id=run_id,
        )
        finished_before = connection.execute(
            select(
                exists().where(
                    scenario_runs.c.user_id == run["user_id"],
                    scenario_runs.c.scenario_id == run["scenario_id"],
                    scenario_runs.c.status == FINISHED,
                    scenario_runs.c.id != run_id,
                )
            )
        ).scalar()
        version = run["content_version"]
        summary = self._lock_summary(connection, run["user_id"], run["module_id"], version, now)
        self._save_summary(
            connection,
            summary,
            now,
            version,
            passes_module=passes_module,
            scenario_runs=summary["scenario_runs"] + 1,
            scenarios_completed=summary["scenarios_completed"] + (0 if finished_before else 1),
            best_scenario_scaled=_best(summary["best_scenario_scaled"], ending.scaled),
        )
        return values

    def abandon_run(self, run_id: str) -> bool:
        """Give up an open run (to start the scenario over). True if it was open."""

        def work(connection: Connection) -> bool:
            run = self._run_row(connection, run_id, for_update=True)
            if run is None:
                raise NotFoundError(f"no scenario run {run_id}")
            if run["status"] != IN_PROGRESS:
                return False
            now = self._now()
            connection.execute(
                update(scenario_runs).where(scenario_runs.c.id == run_id).values(status=ABANDONED, last_activity_at=now)
            )
            self._log(
                connection,
                key=f"scenario_abandoned:{run_id}",
                user_id=run["user_id"],
                module_id=run["module_id"],
                version=run["content_version"],
                verb=Verb.SCENARIO_ABANDONED,
                at=now,
                detail={"steps": len(run["path"])},
                scenario_id=run["scenario_id"],
                run_id=run_id,
            )
            summary = self._lock_summary(connection, run["user_id"], run["module_id"], run["content_version"], now)
            self._save_summary(connection, summary, now, run["content_version"])
            return True

        return self._write(work)

    def in_progress_run(self, user_id: int, scenario_id: str) -> Run | None:
        """The learner's open run of this scenario, with its choices so far (to resume)."""
        query = select(scenario_runs).where(
            scenario_runs.c.user_id == user_id,
            scenario_runs.c.scenario_id == scenario_id,
            scenario_runs.c.status == IN_PROGRESS,
        )

        def read(connection: Connection) -> Run | None:
            row = connection.execute(query).mappings().first()
            return self._run(connection, row) if row else None

        return self._read(read)

    def run_detail(self, run_id: str) -> Run | None:
        def read(connection: Connection) -> Run | None:
            row = self._run_row(connection, run_id)
            return self._run(connection, row) if row else None

        return self._read(read)

    def runs(self, user_id: int, *, module_id: str | None = None, scenario_id: str | None = None) -> list[Run]:
        """A learner's runs with their choices, oldest first."""
        query = select(scenario_runs).where(scenario_runs.c.user_id == user_id)
        if module_id is not None:
            query = query.where(scenario_runs.c.module_id == module_id)
        if scenario_id is not None:
            query = query.where(scenario_runs.c.scenario_id == scenario_id)
        query = query.order_by(scenario_runs.c.started_at)

        def read(connection: Connection) -> list[Run]:
            rows = connection.execute(query).mappings().all()
            choices = self._choices_of(connection, [row["id"] for row in rows])
            return [run_from(row, choices.get(row["id"], ())) for row in rows]

        return self._read(read)

    # --- summaries --------------------------------------------------------------------

    def module_summaries(self, user_id: int) -> dict[str, ModuleSummary]:
        """The learner's summary per module id; a module never touched has no entry (not started)."""
        query = select(module_summaries).where(module_summaries.c.user_id == user_id)
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return {row["module_id"]: _summary_from(row) for row in rows}

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
        return [_summary_from(row) for row in rows]

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
                found += [_summary_from(row) for row in connection.execute(query).mappings()]
            return found

        return self._read(read)

    # --- helpers ----------------------------------------------------------------------

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

    def _lock_summary(
        self, connection: Connection, user_id: int, module_id: str, version: str, now: datetime
    ) -> RowMapping:
        """The learner's summary row for the module, created if missing, locked until commit."""
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
        connection.execute(statement.on_conflict_do_nothing())
        query = (
            select(module_summaries)
            .where(module_summaries.c.user_id == user_id, module_summaries.c.module_id == module_id)
            .with_for_update()
        )
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
        if not already_passed and passes_module is not None and passes_module(_summary_from({**summary, **values})):
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

    @staticmethod
    def _attempt_row(connection: Connection, attempt_id: str, *, for_update: bool = False) -> RowMapping | None:
        query = select(quiz_attempts).where(quiz_attempts.c.id == attempt_id)
        if for_update:
            query = query.with_for_update()
        return connection.execute(query).mappings().first()

    @staticmethod
    def _run_row(connection: Connection, run_id: str, *, for_update: bool = False) -> RowMapping | None:
        query = select(scenario_runs).where(scenario_runs.c.id == run_id)
        if for_update:
            query = query.with_for_update()
        return connection.execute(query).mappings().first()

    @staticmethod
    def _touch_attempt(connection: Connection, attempt_id: str, now: datetime) -> None:
        connection.execute(update(quiz_attempts).where(quiz_attempts.c.id == attempt_id).values(last_activity_at=now))

    def _attempt(self, connection: Connection, row: Any) -> Attempt:
        return attempt_from(row, self._answers_of(connection, [row["id"]]).get(row["id"], ()))

    def _run(self, connection: Connection, row: Any) -> Run:
        return run_from(row, self._choices_of(connection, [row["id"]]).get(row["id"], ()))

    @staticmethod
    def _answers_of(connection: Connection, attempt_ids: Sequence[str]) -> dict[str, tuple[Answer, ...]]:
        found: dict[str, list[Answer]] = {}
        for part in chunks(attempt_ids):
            query = (
                select(quiz_answers)
                .where(quiz_answers.c.attempt_id.in_(part))
                .order_by(quiz_answers.c.attempt_id, quiz_answers.c.position)
            )
            for row in connection.execute(query).mappings():
                found.setdefault(row["attempt_id"], []).append(_answer_from(row))
        return {attempt_id: tuple(answers) for attempt_id, answers in found.items()}

    @staticmethod
    def _choices_of(connection: Connection, run_ids: Sequence[str]) -> dict[str, tuple[RunChoice, ...]]:
        found: dict[str, list[RunChoice]] = {}
        for part in chunks(run_ids):
            query = (
                select(scenario_choices)
                .where(scenario_choices.c.run_id.in_(part))
                .order_by(scenario_choices.c.run_id, scenario_choices.c.step)
            )
            for row in connection.execute(query).mappings():
                found.setdefault(row["run_id"], []).append(_choice_from(row))
        return {run_id: tuple(choices) for run_id, choices in found.items()}


def _lesson_pk(user_id: int, module_id: str, lesson_id: str) -> Any:
    return and_(
        lesson_progress.c.user_id == user_id,
        lesson_progress.c.module_id == module_id,
        lesson_progress.c.lesson_id == lesson_id,
    )


def _always(_summary: ModuleSummary) -> bool:
    return True


def _check_finite(*numbers: float) -> None:
    if not all(math.isfinite(number) for number in numbers):
        raise InvalidActionError("scores must be finite numbers")


def _check_points(points: float, max_points: float) -> None:
    _check_finite(points, max_points)
    if max_points < 0:
        raise InvalidActionError("a maximum cannot be negative")


def _best(current: float | None, candidate: float) -> float:
    return candidate if current is None else max(current, candidate)


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


def _choice_from(row: Any) -> RunChoice:
    return RunChoice(
        step=row["step"],
        node_id=row["node_id"],
        choice_index=row["choice_index"],
        cost=row["cost"],
        made_at=row["made_at"],
    )


def run_from(row: Any, choices: tuple[RunChoice, ...]) -> Run:
    return Run(
        id=row["id"],
        user_id=row["user_id"],
        module_id=row["module_id"],
        scenario_id=row["scenario_id"],
        content_version=row["content_version"],
        status=row["status"],
        path=tuple(row["path"]),
        choices=choices,
        ending_id=row.get("ending_id"),
        outcome=row.get("outcome"),
        score=row.get("score"),
        best=row.get("best"),
        worst=row.get("worst"),
        started_at=row["started_at"],
        finished_at=row.get("finished_at"),
    )


def _summary_from(row: Any) -> ModuleSummary:
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
