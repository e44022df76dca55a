"""The rules that follow a learner's action: when a module is passed.

Pure functions of the course and the store's summaries; the store applies ``module_rule``
inside the transaction of each write, so the rule runs wherever the action came from.
"""

from __future__ import annotations

from functools import partial

from academy.content.schema import Module
from academy.store import ModuleRule, ModuleSummary


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
