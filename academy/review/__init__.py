"""Course review: where ``validate`` says a file is broken, ``review`` says it is weak.

Pure analysis of a loaded course (no I/O, no Streamlit): item-writing flaws in quiz banks,
shortcuts and hidden rules in role-plays, and how well each bank's draw covers what the
module teaches. Each finding names its rule (see ``RULES`` and docs/authoring.md).
"""

from __future__ import annotations

from academy.content.schema import Course, Module
from academy.review.findings import RULES, Finding, Rule, Severity
from academy.review.players import PLAYERS, PlayerFigures, all_players
from academy.review.quiz_rules import review_bank
from academy.review.roleplay_rules import review_module_scenarios

__all__ = [
    "PLAYERS",
    "RULES",
    "Finding",
    "PlayerFigures",
    "Rule",
    "ScenarioKey",
    "Severity",
    "course_players",
    "review_course",
]


ScenarioKey = tuple[str, str]
"""(module id, scenario id): scenario ids are unique within a module only."""


def course_players(course: Course) -> dict[ScenarioKey, list[PlayerFigures]]:
    """(module id, scenario id) -> the test-wise players' figures, for every scenario of the course."""
    return {
        (module.id, scenario.id): all_players(scenario) for module in course.modules for scenario in module.scenarios
    }


def _taught(module: Module) -> frozenset[str]:
    return frozenset(item for lesson in module.lessons for fact in lesson.facts if (item := fact.checklist))


def review_course(course: Course, players: dict[ScenarioKey, list[PlayerFigures]] | None = None) -> list[Finding]:
    """Every finding of the course, module by module (role-plays, then the module's bank)."""
    players = players if players is not None else course_players(course)
    findings: list[Finding] = []
    reviewed_banks: set[str] = set()
    for module in course.modules:
        own = {scenario_id: figures for (module_id, scenario_id), figures in players.items() if module_id == module.id}
        findings += review_module_scenarios(module, own)
        bank = course.bank_for(module)
        if bank is not None and bank.id not in reviewed_banks:
            reviewed_banks.add(bank.id)
            findings += review_bank(bank, _taught(module))
    for bank_id, bank in course.banks.items():
        if bank_id not in reviewed_banks:
            findings += review_bank(bank)
    return findings
