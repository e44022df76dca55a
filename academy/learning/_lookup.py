"""Finding what an action names in the loaded course, with one clear error when it is not there."""

from __future__ import annotations

from academy.content.schema import Course, Lesson, Module, QuizBank, Scenario
from academy.learning.errors import NotInCourseError


def module_of(course: Course, module_id: str) -> Module:
    try:
        return course.module(module_id)
    except KeyError:
        raise NotInCourseError(f"no module '{module_id}' in the course") from None


def lesson_of(module: Module, lesson_id: str) -> Lesson:
    for lesson in module.lessons:
        if lesson.id == lesson_id:
            return lesson
    raise NotInCourseError(f"module '{module.id}' has no lesson '{lesson_id}'")


def scenario_of(module: Module, scenario_id: str) -> Scenario:
    for scenario in module.scenarios:
        if scenario.id == scenario_id:
            return scenario
    raise NotInCourseError(f"module '{module.id}' has no role-play '{scenario_id}'")


def bank_of(course: Course, module: Module) -> QuizBank:
    bank = course.bank_for(module)
    if bank is None:
        raise NotInCourseError(f"module '{module.id}' has no quiz")
    return bank
