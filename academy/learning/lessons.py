"""Lessons: a learner opens one, and completes it."""

from __future__ import annotations

from academy.content.schema import Course
from academy.learning._lookup import lesson_of, module_of
from academy.learning.rules import after_step, module_rule
from academy.store import Store


def view_lesson(
    store: Store, course: Course, user_id: int, module_id: str, lesson_id: str, *, key: str | None = None
) -> bool:
    """Note that the learner opened a lesson; True when a ``lesson_viewed`` record was written.

    Pass ``key`` (one per page visit) to log each visit once; without it a repeat within a few
    minutes only refreshes the lesson's last-viewed time (see ``Store.mark_viewed``).
    """
    module = module_of(course, module_id)
    lesson = lesson_of(module, lesson_id)
    return store.mark_viewed(user_id, module.id, lesson.id, course.versions[module.id], key=key)


def complete_lesson(store: Store, course: Course, user_id: int, module_id: str, lesson_id: str) -> bool:
    """Mark a lesson complete, and the module passed if that was all it still needed.

    True the first time, False on a repeat (a double click changes nothing).
    """
    module = module_of(course, module_id)
    lesson = lesson_of(module, lesson_id)
    completed = store.mark_complete(
        user_id, module.id, lesson.id, course.versions[module.id], passes_module=module_rule(module)
    )
    if completed:
        after_step(store, course, user_id, module.id)
    return completed
