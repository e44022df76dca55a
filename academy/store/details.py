"""What a learning record's ``detail`` holds, one type per verb.

The store writes each record's detail through these types (an unknown field is refused,
so a writer cannot invent a key a reader will never find), and readers (the xAPI export,
the learner report) read them back with ``detail_of(record)`` as attributes instead of
string keys. Every field may be missing from an older record, so each defaults to None.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from academy.store.model import JSON, InvalidActionError, LearningRecord, Verb


@dataclass(frozen=True, slots=True)
class NoDetail:
    """Lessons viewed or completed, a module completed, a role-play started: the record says it all."""


@dataclass(frozen=True, slots=True)
class QuizStarted:
    bank_id: str | None = None
    seed: int | None = None
    drawn: list[str] | None = None
    number: int | None = None
    """1 for the learner's first attempt at this quiz."""


@dataclass(frozen=True, slots=True)
class AnswerSubmitted:
    bank_id: str | None = None
    response: JSON = None
    points: float | None = None
    max: float | None = None
    correct: bool | None = None
    position: int | None = None
    type: str | None = None
    """The question type (``single``, ``numeric``...)."""
    skills: list[str] | None = None


@dataclass(frozen=True, slots=True)
class QuizFinished:
    bank_id: str | None = None
    score: float | None = None
    max: float | None = None
    scaled: float | None = None
    passed: bool | None = None
    number: int | None = None
    duration_s: float | None = None
    answered: int | None = None


@dataclass(frozen=True, slots=True)
class ChoiceMade:
    step: int | None = None
    choice_index: int | None = None
    cost: float | None = None
    """Against the best choice at that node: 0 is the best, None unknown."""
    skills: list[str] | None = None
    trust_delta: int | None = None
    trust_after: int | None = None
    best: bool | None = None


@dataclass(frozen=True, slots=True)
class EndingReached:
    ending_id: str | None = None
    outcome: str | None = None
    score: float | None = None
    best: float | None = None
    worst: float | None = None
    scaled: float | None = None
    steps: int | None = None
    duration_s: float | None = None
    trust: int | None = None
    skills: list[str] | None = None


@dataclass(frozen=True, slots=True)
class ScenarioAbandoned:
    steps: int | None = None


Detail = NoDetail | QuizStarted | AnswerSubmitted | QuizFinished | ChoiceMade | EndingReached | ScenarioAbandoned

DETAIL_TYPES: dict[Verb, type[Any]] = {
    Verb.LESSON_VIEWED: NoDetail,
    Verb.LESSON_COMPLETED: NoDetail,
    Verb.MODULE_COMPLETED: NoDetail,
    Verb.SCENARIO_STARTED: NoDetail,
    Verb.QUIZ_STARTED: QuizStarted,
    Verb.ANSWER_SUBMITTED: AnswerSubmitted,
    Verb.QUIZ_FINISHED: QuizFinished,
    Verb.CHOICE_MADE: ChoiceMade,
    Verb.ENDING_REACHED: EndingReached,
    Verb.SCENARIO_ABANDONED: ScenarioAbandoned,
}


def detail_for(verb: Verb, own: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, JSON]:
    """The detail to store: the store's ``own`` fields, then the caller's ``extra`` (which may add, never
    hide, fields), checked against the verb's type. Raises InvalidActionError for a field it has not."""
    kind = DETAIL_TYPES[verb]
    values = {**(extra or {}), **own}
    known = {field.name for field in fields(kind)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidActionError(f"a {verb.value} record has no field(s) {', '.join(unknown)}")
    return {name: value for name, value in asdict(kind(**values)).items() if name in values}


T = TypeVar("T")


def detail_as(record: LearningRecord, kind: type[T]) -> T:
    """The record's detail as ``kind`` (its verb's type; ValueError for another): fields an older
    record lacks are None, fields no longer known are dropped."""
    if DETAIL_TYPES[record.verb] is not kind:
        raise ValueError(f"a {record.verb.value} record's detail is a {DETAIL_TYPES[record.verb].__name__}")
    known = {field.name for field in fields(kind)}  # type: ignore[arg-type]
    return kind(**{name: value for name, value in (record.detail or {}).items() if name in known})
