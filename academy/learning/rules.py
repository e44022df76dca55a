"""The rules that follow a learner's action: when a module is passed, and what passing brings.

``module_passed`` is a pure function of the course and the store's summary; the store
applies it (``module_rule``) inside the transaction of each write, so it runs wherever the
action came from. ``after_step`` runs once an action has finished a step (a lesson, a
quiz attempt, a role-play run) and issues what a passed module earns (certificates).
"""

from __future__ import annotations

from functools import partial

from academy.content.schema import Course, Module
from academy.programme.standing import after_module_passed
from academy.store import ModuleRule, ModuleSummary, Store


def module_passed(module: Module, summary: ModuleSummary) -> bool:
    """Whether ``summary`` means the learner has passed ``module``.

    A module with a quiz is passed by passing its quiz. A module without one is passed once
    every lesson is complete and every role-play has been played to an ending, in any order.
    """
    if module.quiz is not None:
        return summary.quiz_passed
    return summary.lessons_done >= len(module.lessons) and summary.scenarios_completed >= len(module.scenarios)


def module_rule(module: Module) -> ModuleRule:
    """``module_passed`` for this module, in the form the store's writes take (``passes_module``)."""
    return partial(module_passed, module)


def after_step(store: Store, course: Course, user_id: int, module_id: str) -> None:
    """What follows a finished step: if the module is now passed, the certificates that completes."""
    after_module_passed(store, course, user_id, module_id)
