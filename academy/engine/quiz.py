"""Quiz logic: draw questions from a seed, check and score responses, grade an attempt.

Pure functions over the content models (``academy.content.schema``); no I/O.

Responses are what a page collects, in plain JSON types so they can be stored as they are;
each question type (``academy.engine.questions``) says which shape it takes
(``response_help``) and how it is checked, scored and described.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from academy.content.schema import Question, QuizBank
from academy.engine import blueprint
from academy.engine._results import Result
from academy.engine.questions import FeedbackLine, Response, type_of

__all__ = [
    "AttemptResult",
    "DrawnQuestion",
    "FeedbackLine",
    "Response",
    "ScoredAnswer",
    "correct_response",
    "default_order",
    "describe_response",
    "draw",
    "grade_attempt",
    "new_seed",
    "scaled_score",
    "score",
    "validate_response",
]

# A learner who hits the pass mark exactly must not fail on float rounding of partial credit.
_PASS_EPSILON = 1e-9


# --- drawing ----------------------------------------------------------------------------


class DrawnQuestion(Result):
    """One question of an attempt and the order its parts are shown in.

    ``order`` holds option ids (single, multiple), item ids (ordering) or the pair ids of
    the right-hand column (matching); it is empty for true/false and numeric questions.
    """

    question_id: str
    order: tuple[str, ...] = ()


def new_seed() -> int:
    """A fresh unpredictable seed for a new attempt; fits a signed 32-bit integer column."""
    return secrets.randbits(31)


def draw(bank: QuizBank, seed: int) -> list[DrawnQuestion]:
    """The questions of one attempt, identical for identical (bank, seed).

    Picks ``bank.draw`` questions at random (all of them when the bank is not larger), or by the
    bank's ``blueprint`` when it has one (``academy.engine.blueprint``).
    With ``bank.shuffle`` the questions and the options of single and multiple questions
    are shown in random order; without it they keep the bank's order. Ordering items and
    the right-hand column of matching are always shuffled, and never left in the correct
    order, since showing them as written would give the answer away.
    """
    rng = random.Random(seed)
    questions = bank.questions
    if bank.blueprint:
        picked = blueprint.pick(bank, rng)
    else:
        picked = sorted(rng.sample(range(len(questions)), min(bank.draw, len(questions))))
    if bank.shuffle:
        rng.shuffle(picked)
    return [_drawn(questions[index], rng, bank.shuffle) for index in picked]


def _drawn(question: Question, rng: random.Random, shuffle: bool) -> DrawnQuestion:
    order = type_of(question).draw_order(question, rng, shuffle)
    return DrawnQuestion(question_id=question.id, order=tuple(order))


def default_order(question: Question) -> DrawnQuestion:
    """The question's parts in the bank's order (for a question the seed no longer draws)."""
    return DrawnQuestion(question_id=question.id, order=tuple(type_of(question).parts(question)))


# --- responses --------------------------------------------------------------------------


def validate_response(question: Question, response: object) -> None:
    """Raise ``ValueError`` saying what is wrong when ``response`` is not a well-formed answer."""
    type_of(question).validate(question, response)


# --- scoring ----------------------------------------------------------------------------


class ScoredAnswer(Result):
    question_id: str
    type: str
    answered: bool
    response: Any = None
    points: float
    max_points: float
    correct: bool
    """Full marks."""
    feedback: tuple[FeedbackLine, ...]


def score(question: Question, response: object) -> ScoredAnswer:
    """Score one response; ``None`` means unanswered (0 points). Malformed ones raise ``ValueError``.

    Each question is worth ``question.points``; the share earned is its type's rule (see the
    modules of ``academy.engine.questions``).
    """
    if response is not None:
        validate_response(question, response)
    share, lines = type_of(question).score(question, response)
    if response is None:
        share = 0.0  # leaving a multiple-select untouched must not earn the share of its wrong options
    return ScoredAnswer(
        question_id=question.id,
        type=question.type,
        answered=response is not None,
        response=response,
        points=question.points * share,
        max_points=question.points,
        correct=share == 1.0,
        feedback=tuple(lines),
    )


# --- attempts ---------------------------------------------------------------------------


class AttemptResult(Result):
    total: float
    max_points: float
    scaled: float
    """total / max_points, 0 to 1."""
    pass_mark: float
    passed: bool
    """scaled >= pass_mark."""
    answered: int
    answers: tuple[ScoredAnswer, ...]
    """One per drawn question, in the order they were shown."""

    def answer_for(self, question_id: str) -> ScoredAnswer:
        for answer in self.answers:
            if answer.question_id == question_id:
                return answer
        raise KeyError(question_id)


def grade_attempt(
    bank: QuizBank,
    drawn: Sequence[DrawnQuestion],
    answers: Mapping[str, object],
    pass_mark: float,
) -> AttemptResult:
    """Score every drawn question (a missing or ``None`` answer scores 0) against ``pass_mark``.

    Raises ``ValueError`` when a drawn question is no longer in the bank, when an answer is
    for a question that was not drawn, or when an answer is malformed.
    """
    by_id = {question.id: question for question in bank.questions}
    drawn_ids = [entry.question_id for entry in drawn]
    stray = sorted(set(answers) - set(drawn_ids))
    if stray:
        raise ValueError(f"answers given for questions not drawn in this attempt: {', '.join(stray)}")
    missing = [question_id for question_id in drawn_ids if question_id not in by_id]
    if missing:
        raise ValueError(f"questions drawn but no longer in bank '{bank.id}': {', '.join(missing)}")
    scored = tuple(score(by_id[question_id], answers.get(question_id)) for question_id in drawn_ids)
    total = sum(answer.points for answer in scored)
    max_points = sum(answer.max_points for answer in scored)
    scaled = scaled_score(total, max_points)
    return AttemptResult(
        total=total,
        max_points=max_points,
        scaled=scaled,
        pass_mark=pass_mark,
        passed=scaled >= pass_mark - _PASS_EPSILON,
        answered=sum(answer.answered for answer in scored),
        answers=scored,
    )


def scaled_score(points: float, max_points: float) -> float:
    """The share of the maximum earned, clamped to 0..1; 0.0 when nothing could be earned."""
    if max_points <= 0:
        return 0.0
    return max(0.0, min(1.0, points / max_points))


# --- the right answer, and words for a response -----------------------------------------


def correct_response(question: Question) -> Response:
    """A full-marks response (for single, the first correct option)."""
    return type_of(question).correct_response(question)


def describe_response(question: Question, response: object) -> str:
    """The response in words, as the learner saw the choices; ``None`` is "(no answer)"."""
    if response is None:
        return "(no answer)"
    validate_response(question, response)
    return type_of(question).describe(question, response)
