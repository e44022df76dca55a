"""The frozen values the repository hands out, and the errors it raises.

No SQLAlchemy object leaves the store: pages and reports get these dataclasses.
Datetimes are aware and in UTC. Scores are the caller's numbers (the engine computes
them); ``*_scaled`` fields are score / max in 0..1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

JSON = Any  # a value json.dumps accepts


class Verb(StrEnum):
    """What a learning record says the learner did."""

    LESSON_VIEWED = "lesson_viewed"
    LESSON_COMPLETED = "lesson_completed"
    MODULE_COMPLETED = "module_completed"
    SCENARIO_STARTED = "scenario_started"
    CHOICE_MADE = "choice_made"
    ENDING_REACHED = "ending_reached"
    SCENARIO_ABANDONED = "scenario_abandoned"
    QUIZ_STARTED = "quiz_started"
    ANSWER_SUBMITTED = "answer_submitted"
    QUIZ_FINISHED = "quiz_finished"


class Status(StrEnum):
    """A learner's status in a module."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"


IN_PROGRESS = "in_progress"
FINISHED = "finished"
ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class LessonProgress:
    lesson_id: str
    first_viewed_at: datetime | None
    last_viewed_at: datetime | None
    completed_at: datetime | None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True, slots=True)
class Answer:
    question_id: str
    position: int
    """Index of the question in the attempt's drawn order."""
    response: JSON
    points: float
    max_points: float
    correct: bool
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    id: str
    user_id: int
    module_id: str
    bank_id: str
    content_version: str
    number: int
    """1 for the learner's first attempt at this module's quiz, then 2, 3..."""
    seed: int
    drawn: tuple[str, ...]
    """Question ids in the order shown."""
    status: str
    """``in_progress`` or ``finished``."""
    score: float | None
    max_score: float | None
    passed: bool | None
    started_at: datetime
    finished_at: datetime | None
    answers: tuple[Answer, ...]
    """In drawn order."""

    @property
    def finished(self) -> bool:
        return self.status == FINISHED

    @property
    def answered(self) -> frozenset[str]:
        return frozenset(answer.question_id for answer in self.answers)

    @property
    def next_question(self) -> str | None:
        """The first drawn question not answered yet (where a resumed attempt continues)."""
        done = self.answered
        return next((question for question in self.drawn if question not in done), None)


@dataclass(frozen=True)
class SavedAnswer:
    answer: Answer
    """The stored answer: this one, or the one given first to the same question."""
    attempt: Attempt
    """The attempt as it stands after the write, with every answer; finished if this was the last."""


@dataclass(frozen=True, slots=True)
class RunChoice:
    step: int
    node_id: str
    choice_index: int
    cost: float | None
    """What this choice cost against the best choice at this node (0 = the best; None = unknown)."""
    made_at: datetime


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    user_id: int
    module_id: str
    scenario_id: str
    content_version: str
    status: str
    """``in_progress``, ``finished`` or ``abandoned``."""
    path: tuple[int, ...]
    """The choice index taken at each step."""
    choices: tuple[RunChoice, ...]
    ending_id: str | None
    outcome: str | None
    score: float | None
    best: float | None
    worst: float | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status == FINISHED


@dataclass(frozen=True)
class SavedChoice:
    choice: RunChoice
    """The stored choice: this one, or the one made first at the same step."""
    run: Run
    """The run as it stands after the write, with every choice; finished if this one reached an ending."""


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """One learner's standing in one module, kept current on every write."""

    user_id: int
    module_id: str
    status: Status
    lessons_done: int
    last_lesson_id: str | None
    """The lesson viewed or completed most recently ("continue where you left off")."""
    quiz_attempts: int
    """Attempts started, the open one included."""
    quiz_failures: int
    """Attempts finished without passing."""
    quiz_passed: bool
    best_quiz_scaled: float | None
    scenario_runs: int
    """Runs played to an ending."""
    scenarios_completed: int
    """Distinct scenarios played to an ending."""
    best_scenario_scaled: float | None
    """Best (score - worst) / (best - worst) over finished runs in this module."""
    content_version: str
    started_at: datetime
    completed_at: datetime | None
    """When the module was first passed."""
    last_activity_at: datetime
    time_spent_s: float
    """Sum of the gaps between the learner's actions in the module, each capped (idle time excluded)."""


ModuleRule = Callable[[ModuleSummary], bool]
"""Whether a learner's module summary, as a write leaves it, means the module is passed.

The rule is the learning layer's (``academy.learning.module_rule``); the store applies it in
the same transaction as the write, so passing can never lag behind the action that earned it.
"""


@dataclass(frozen=True, slots=True)
class QuizGrade:
    """How a finished quiz attempt scored, as the engine graded it."""

    score: float
    max_score: float
    scaled: float
    """score / max_score, 0 to 1."""
    passed: bool
    detail: dict[str, JSON] = field(default_factory=dict)
    """Extra fields for the ``quiz_finished`` record."""


@dataclass(frozen=True, slots=True)
class RunEnding:
    """The ending a role-play run reached and its score, as the engine worked them out."""

    ending_id: str
    outcome: str
    score: float
    best: float
    worst: float
    scaled: float
    """Where the score sits between worst (0) and best (1)."""
    detail: dict[str, JSON] = field(default_factory=dict)
    """Extra fields for the ``ending_reached`` record."""


@dataclass(frozen=True, slots=True)
class LearningRecord:
    seq: int
    """Position in the log; increases with every write."""
    id: str
    """UUID, usable as the xAPI statement id."""
    user_id: int
    username: str
    module_id: str
    content_version: str
    verb: Verb
    lesson_id: str | None
    scenario_id: str | None
    run_id: str | None
    node_id: str | None
    attempt_id: str | None
    question_id: str | None
    detail: dict[str, JSON]
    at: datetime


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer with its attempt, for question (item) analysis."""

    attempt_id: str
    user_id: int
    module_id: str
    attempt_number: int
    attempt_status: str
    attempt_score: float | None
    attempt_max: float | None
    passed: bool | None
    question_id: str
    position: int
    response: JSON
    points: float
    max_points: float
    correct: bool
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class ChoiceRow:
    """One decision with its run, for decision analysis."""

    run_id: str
    user_id: int
    scenario_id: str
    step: int
    node_id: str
    choice_index: int
    cost: float | None
    made_at: datetime
    run_status: str
    ending_id: str | None
    outcome: str | None


# --- errors --------------------------------------------------------------------------


class StoreError(Exception):
    """Something the store refuses to do."""


class DatabaseUrlError(StoreError, ValueError):
    """A database URL the store cannot use (unreadable, or neither SQLite nor PostgreSQL)."""


class StoreBusyError(StoreError):
    """The database stayed locked or kept failing transiently past the retry deadline."""


class NotFoundError(StoreError, LookupError):
    """No such attempt, run, team or user."""


class AttemptClosedError(StoreError):
    """The quiz attempt is finished: no more answers."""


class AttemptLimitError(StoreError):
    """The learner has used every attempt this quiz allows."""


class RunClosedError(StoreError):
    """The scenario run is finished or abandoned: no more choices."""


class InvalidActionError(StoreError, ValueError):
    """An action that does not fit the current state (a question not drawn, a skipped step)."""
