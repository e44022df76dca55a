"""Quizzes: a learner starts an attempt, answers its questions one by one, and it is graded.

The engine draws, scores and grades; the store keeps the attempt. The last answer closes
the attempt in its own transaction, graded from every stored answer, so a crash or a second
tab can never leave an attempt fully answered but open.
"""

from __future__ import annotations

from academy.content.schema import Course, Question, QuizBank
from academy.engine import quiz as engine
from academy.learning._lookup import bank_of, module_of
from academy.learning.errors import ContentChangedError, InvalidResponseError, NotInCourseError
from academy.learning.rules import after_step, module_rule
from academy.programme.standing import cycle_opened
from academy.store import Attempt, QuizGrade, Store


def start_quiz(store: Store, course: Course, user_id: int, module_id: str, *, seed: int | None = None) -> Attempt:
    """Open an attempt at the module's quiz with a fresh draw (``seed`` fixes it, for demos and tests).

    If the learner already has an open attempt there, that one is returned unchanged, so a
    double click cannot open two. Raises ``AttemptLimitError`` when every allowed attempt was
    used, ``NotInCourseError`` when the module has no quiz.
    """
    module = module_of(course, module_id)
    bank = bank_of(course, module)
    seed = engine.new_seed() if seed is None else seed
    drawn = [entry.question_id for entry in engine.draw(bank, seed)]
    limit = bank.attempts
    if limit is not None:  # the store counts every attempt ever; a new cycle's count starts again
        used, _ = attempt_allowance(store, course, user_id, module.id)
        limit += len(store.attempts(user_id, module.id, answers=False)) - used
    return store.start_attempt(user_id, module.id, bank.id, seed, drawn, course.versions[module.id], limit=limit)


def attempt_allowance(store: Store, course: Course, user_id: int, module_id: str) -> tuple[int, int | None]:
    """(attempts used, attempts allowed; None for no limit) at the module's quiz.

    When an assignment's recertification opened a new cycle for the module, only the
    attempts started since count: the learner gets the quiz's full allowance again.
    """
    module = module_of(course, module_id)
    bank = bank_of(course, module)
    attempts = store.attempts(user_id, module.id, answers=False)
    opened = cycle_opened(store, user_id, module.id) if bank.attempts is not None else None
    used = sum(1 for attempt in attempts if opened is None or attempt.started_at >= opened)
    return used, bank.attempts


def attempt_questions(course: Course, attempt: Attempt) -> list[tuple[Question, engine.DrawnQuestion]]:
    """The attempt's questions in the order drawn, each with the order its parts are shown in.

    Drawn again from the attempt's seed, so a resumed attempt looks as it did. Raises
    ``ContentChangedError`` when the bank has lost one of the attempt's questions.
    """
    bank = _attempt_bank(course, attempt)
    known = {question.id: question for question in bank.questions}
    missing = [question_id for question_id in attempt.drawn if question_id not in known]
    if missing:
        raise ContentChangedError(f"the quiz no longer has question(s) {', '.join(missing)} of this attempt")
    by_draw = {entry.question_id: entry for entry in engine.draw(bank, attempt.seed)}
    # Normally the stored order and the seed agree; if the bank changed, the stored order wins.
    return [
        (known[question_id], by_draw.get(question_id) or engine.default_order(known[question_id]))
        for question_id in attempt.drawn
    ]


def answer_question(store: Store, course: Course, attempt: Attempt, question_id: str, response: object) -> Attempt:
    """Score and save the learner's answer to one question; returns the attempt as it now stands.

    The first answer to a question wins (a repeat from a rerun or a second tab changes
    nothing). The last answer also grades and closes the attempt, and passes the module if
    the quiz was passed. Raises ``InvalidResponseError`` for a malformed response,
    ``ContentChangedError``, or the store's ``AttemptClosedError`` when the attempt was
    finished meanwhile.
    """
    questions = dict((question.id, question) for question, _ in attempt_questions(course, attempt))
    question = questions.get(question_id)
    if question is None:
        raise NotInCourseError(f"question '{question_id}' is not part of attempt {attempt.id}")
    try:
        scored = engine.score(question, response)
    except ValueError as error:
        raise InvalidResponseError(str(error)) from error
    module = module_of(course, attempt.module_id)
    saved = store.save_answer(
        attempt.id,
        question.id,
        scored.response,
        scored.points,
        scored.max_points,
        correct=scored.correct,
        detail={"type": question.type, "skills": list(question.skills)},
        grade=lambda answered: _grade(course, answered),
        passes_module=module_rule(module),
    )
    if saved.attempt.finished:
        after_step(store, course, saved.attempt.user_id, saved.attempt.module_id)
    return saved.attempt


def finish_quiz(store: Store, course: Course, attempt: Attempt) -> Attempt:
    """Grade an attempt from its stored answers (unanswered questions score 0) and close it.

    ``answer_question`` does this with the last answer; this is for an attempt left open
    with every answer in (saved before the attempt closed itself) or given up early.
    Finishing twice changes nothing.
    """
    module = module_of(course, attempt.module_id)
    result = _grade(course, attempt)
    finished = store.finish_attempt(
        attempt.id,
        result.score,
        result.max_score,
        result.passed,
        scaled=result.scaled,
        detail=result.detail,
        passes_module=module_rule(module),
    )
    after_step(store, course, finished.user_id, finished.module_id)
    return finished


def review(course: Course, attempt: Attempt) -> engine.AttemptResult:
    """Every question of the attempt scored from its stored answer, with feedback, against the pass mark."""
    module = module_of(course, attempt.module_id)
    drawn = [entry for _, entry in attempt_questions(course, attempt)]
    answers = {answer.question_id: answer.response for answer in attempt.answers}
    return engine.grade_attempt(_attempt_bank(course, attempt), drawn, answers, module.pass_mark)


def _grade(course: Course, attempt: Attempt) -> QuizGrade:
    result = review(course, attempt)
    return QuizGrade(
        score=result.total,
        max_score=result.max_points,
        scaled=result.scaled,
        passed=result.passed,
        detail={"answered": result.answered},
    )


def attempt_scaled(attempt: Attempt) -> float | None:
    """A finished attempt's share of the maximum, 0 to 1 (the engine's rule); None while open."""
    if attempt.score is None or attempt.max_score is None:
        return None
    return engine.scaled_score(attempt.score, attempt.max_score)


def _attempt_bank(course: Course, attempt: Attempt) -> QuizBank:
    bank = course.banks.get(attempt.bank_id)
    if bank is None:
        raise ContentChangedError(f"the quiz '{attempt.bank_id}' of this attempt is no longer in the course")
    return bank
