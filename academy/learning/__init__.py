"""The learner's actions: what a learner does, as plain functions over the course and the store.

Every change to a learner's progress goes through here: the pages, the demo, the
screenshot script and the benchmarks call these functions and nothing else to write it.
Each action is one store transaction that also applies every rule that follows from it
(scores from the engine, the module passed once its rule holds, the same record ``detail``
wherever the action came from). No Streamlit here.

Lessons    ``view_lesson``, ``complete_lesson``
Quizzes    ``start_quiz``, ``answer_question`` (the last answer grades and closes the
           attempt), ``finish_quiz``; reading: ``attempt_questions``, ``review``,
           ``attempt_scaled``, ``attempt_allowance``
Role-plays ``start_roleplay``, ``choose`` (the choice that reaches an ending closes the
           run), ``finish_roleplay``, ``abandon_roleplay``, ``restart_roleplay``;
           reading: ``run_state``
Rules      ``module_passed``, ``module_rule``; where a learner stands and where to resume:
           ``academy.learning.progress``

The store's own errors (``AttemptLimitError``, ``AttemptClosedError``, ``RunClosedError``,
``InvalidActionError``, ``NotFoundError``) pass through; this package adds
``NotInCourseError``, ``ContentChangedError`` and ``InvalidResponseError``.
"""

from academy.learning.errors import ContentChangedError, InvalidResponseError, LearningError, NotInCourseError
from academy.learning.lessons import complete_lesson, view_lesson
from academy.learning.quizzes import (
    answer_question,
    attempt_allowance,
    attempt_questions,
    attempt_scaled,
    finish_quiz,
    review,
    start_quiz,
)
from academy.learning.roleplays import (
    Chosen,
    abandon_roleplay,
    choose,
    finish_roleplay,
    restart_roleplay,
    run_state,
    start_roleplay,
)
from academy.learning.rules import module_passed, module_rule

__all__ = [
    "Chosen",
    "ContentChangedError",
    "InvalidResponseError",
    "LearningError",
    "NotInCourseError",
    "abandon_roleplay",
    "answer_question",
    "attempt_allowance",
    "attempt_questions",
    "attempt_scaled",
    "choose",
    "complete_lesson",
    "finish_quiz",
    "finish_roleplay",
    "module_passed",
    "module_rule",
    "restart_roleplay",
    "review",
    "run_state",
    "start_quiz",
    "start_roleplay",
    "view_lesson",
]
