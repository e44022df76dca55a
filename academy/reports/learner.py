"""One learner in detail: their modules, a timeline of their actions, quiz attempts with the
answers given, and role-play runs with the path taken and the ending reached.

Reads only that learner's rows (the log through its (user_id, seq) index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from academy.content.schema import Course
from academy.engine.quiz import describe_response
from academy.reports.access import Learner, Scope, learner
from academy.reports.course_index import CourseIndex, index_for
from academy.reports.overview import STATUS_LABELS, build_cells, modules_frame
from academy.store import LearningRecord, Store, Verb
from academy.store.details import AnswerSubmitted, ChoiceMade, EndingReached, QuizFinished, QuizStarted, detail_as

TIMELINE_COLUMNS = ["at", "module", "action", "detail"]
ATTEMPT_COLUMNS = [
    "attempt_id",
    "module",
    "number",
    "status",
    "score",
    "passed",
    "started_at",
    "finished_at",
    "answered",
]
ANSWER_COLUMNS = ["attempt_id", "position", "question", "answer", "points", "max_points", "correct"]
RUN_COLUMNS = [
    "run_id",
    "module",
    "scenario",
    "status",
    "ending",
    "outcome",
    "scaled",
    "started_at",
    "finished_at",
    "path",
]
STEP_COLUMNS = ["run_id", "step", "customer", "choice", "cost", "made_at"]

TIMELINE_LIMIT = 1_000
"""The most recent actions shown; the CLI and xAPI export have the whole log."""


@dataclass(frozen=True)
class LearnerReport:
    learner: Learner
    modules: pd.DataFrame
    """One row per module: status (label), best quiz and scenario scores, attempts, lessons, last activity."""
    timeline: pd.DataFrame
    """The learner's actions, newest first (``TIMELINE_COLUMNS``)."""
    attempts: pd.DataFrame
    answers: pd.DataFrame
    runs: pd.DataFrame
    steps: pd.DataFrame


def learner_report(store: Store, course: Course, scope: Scope, user_id: int) -> LearnerReport:
    """Everything about one learner the scope may see; AccessDeniedError otherwise."""
    person = learner(store, scope, user_id)
    index = index_for(course)
    cells = build_cells([person], list(store.module_summaries(person.id).values()), modules_frame(course))
    modules = cells.assign(status=cells["status"].map(STATUS_LABELS))[
        [
            "module",
            "status",
            "best_quiz",
            "best_scenario",
            "quiz_attempts",
            "quiz_failures",
            "lessons_done",
            "lessons_total",
            "last_activity",
        ]
    ]
    records = list(store.records(user_id=person.id))[-TIMELINE_LIMIT:]
    attempts, answers = _attempts(store, index, person.id)
    runs, steps = _runs(store, index, person.id)
    return LearnerReport(
        learner=person,
        modules=modules.reset_index(drop=True),
        timeline=timeline(index, records),
        attempts=attempts,
        answers=answers,
        runs=runs,
        steps=steps,
    )


# --- timeline -----------------------------------------------------------------------------


def timeline(index: CourseIndex, records: list[LearningRecord]) -> pd.DataFrame:
    rows = [
        (record.at, index.module_title(record.module_id), *_describe(index, record)) for record in reversed(records)
    ]
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def _describe(index: CourseIndex, record: LearningRecord) -> tuple[str, str]:
    """(action, detail) in words for one learning record."""
    verb = record.verb
    if verb in (Verb.LESSON_VIEWED, Verb.LESSON_COMPLETED):
        action = "Opened lesson" if verb is Verb.LESSON_VIEWED else "Completed lesson"
        return action, index.lesson_title(record.module_id, record.lesson_id)
    if verb is Verb.MODULE_COMPLETED:
        return "Completed module", index.module_title(record.module_id)
    if verb is Verb.SCENARIO_STARTED:
        return "Started role-play", index.scenario_title(record.scenario_id)
    if verb is Verb.CHOICE_MADE:
        made = detail_as(record, ChoiceMade)
        choice_index = made.choice_index if isinstance(made.choice_index, int) else -1
        choice = index.choice(record.scenario_id or "", record.node_id or "", choice_index)
        cost = made.cost
        said = choice.text if choice else f"choice {made.choice_index}"
        verdict = "best choice" if cost == 0 else f"cost {cost:g} trust" if isinstance(cost, int | float) else ""
        return "Chose", f"{said} ({verdict})" if verdict else said
    if verb is Verb.ENDING_REACHED:
        reached = detail_as(record, EndingReached)
        ending = index.ending(record.scenario_id or "", reached.ending_id)
        title = ending.title if ending else str(reached.ending_id or "")
        return "Reached ending", f"{index.scenario_title(record.scenario_id)}: {title} ({_scaled(reached.scaled)})"
    if verb is Verb.SCENARIO_ABANDONED:
        return "Gave up role-play", index.scenario_title(record.scenario_id)
    if verb is Verb.QUIZ_STARTED:
        number = detail_as(record, QuizStarted).number
        return "Started quiz", f"attempt {number if number is not None else '?'}"
    if verb is Verb.ANSWER_SUBMITTED:
        answer = detail_as(record, AnswerSubmitted)
        question = index.question(answer.bank_id, record.question_id)
        prompt = question.prompt if question else (record.question_id or "")
        mark = "right" if answer.correct else "partly right" if answer.points else "wrong"
        return "Answered", f"{prompt} ({mark})"
    if verb is Verb.QUIZ_FINISHED:
        finished = detail_as(record, QuizFinished)
        outcome = "passed" if finished.passed else "failed"
        attempt = finished.number if finished.number is not None else "?"
        return "Finished quiz", f"attempt {attempt}: {_scaled(finished.scaled)}, {outcome}"
    return str(verb), ""


def _scaled(scaled: object) -> str:
    return f"{scaled:.0%}" if isinstance(scaled, int | float) else "no score"


# --- quiz attempts --------------------------------------------------------------------------


def _attempts(store: Store, index: CourseIndex, user_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    attempt_rows, answer_rows = [], []
    for attempt in store.attempts(user_id):
        scaled = attempt.score / attempt.max_score if attempt.score is not None and attempt.max_score else None
        attempt_rows.append(
            (
                attempt.id,
                index.module_title(attempt.module_id),
                attempt.number,
                attempt.status,
                scaled,
                attempt.passed,
                attempt.started_at,
                attempt.finished_at,
                f"{len(attempt.answers)}/{len(attempt.drawn)}",
            )
        )
        for answer in attempt.answers:
            question = index.question(attempt.bank_id, answer.question_id)
            answer_rows.append(
                (
                    attempt.id,
                    answer.position + 1,
                    question.prompt if question else answer.question_id,
                    _answer_text(question, answer.response),
                    answer.points,
                    answer.max_points,
                    answer.correct,
                )
            )
    return (pd.DataFrame(attempt_rows, columns=ATTEMPT_COLUMNS), pd.DataFrame(answer_rows, columns=ANSWER_COLUMNS))


def _answer_text(question: Any, response: Any) -> str:
    if question is None:
        return str(response)
    try:
        return describe_response(question, response)
    except ValueError:  # stored under an older version of the question
        return str(response)


# --- role-play runs -------------------------------------------------------------------------


def _runs(store: Store, index: CourseIndex, user_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    run_rows, step_rows = [], []
    for run in store.runs(user_id):
        said = []
        for choice in run.choices:
            node = index.node(run.scenario_id, choice.node_id)
            picked = index.choice(run.scenario_id, choice.node_id, choice.choice_index)
            text = picked.text if picked else f"choice {choice.choice_index}"
            said.append(text)
            step_rows.append(
                (run.id, choice.step + 1, node.customer if node else choice.node_id, text, choice.cost, choice.made_at)
            )
        ending = index.ending(run.scenario_id, run.ending_id)
        scaled = (
            None
            if run.score is None or run.best is None or run.worst is None
            else 1.0
            if run.best <= run.worst
            else max(0.0, min(1.0, (run.score - run.worst) / (run.best - run.worst)))
        )
        run_rows.append(
            (
                run.id,
                index.module_title(run.module_id),
                index.scenario_title(run.scenario_id),
                run.status,
                ending.title if ending else (run.ending_id or ""),
                run.outcome or "",
                scaled,
                run.started_at,
                run.finished_at,
                " → ".join(said) if said else "(no decision yet)",
            )
        )
    return pd.DataFrame(run_rows, columns=RUN_COLUMNS), pd.DataFrame(step_rows, columns=STEP_COLUMNS)
