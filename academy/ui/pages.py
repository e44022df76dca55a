"""Every page of the app, listed here by module: the one place a new page is added.

Each module draws its page(s) in ``render()`` and describes them in a module-level ``PAGES``
list of ``navigation.PageSpec`` (title, icon, URL path, who may open it, sidebar section).
``navigation.registry()`` reads this list; a test checks that no module of ``academy.ui``
with ``PAGES`` is missing from it.
"""

from __future__ import annotations

from types import ModuleType

from academy.ui import (
    admin_certificates,
    admin_teams,
    admin_users,
    catalog,
    course_health,
    lesson,
    manager_assign,
    manager_at_risk,
    manager_decisions,
    manager_exports,
    manager_learner,
    manager_overview,
    manager_questions,
    manager_skills,
    my_progress,
    quiz,
    roleplay,
)

PAGE_MODULES: tuple[ModuleType, ...] = (
    # Learn
    catalog,
    lesson,
    roleplay,
    quiz,
    my_progress,
    # Manage
    manager_overview,
    manager_at_risk,
    manager_assign,
    manager_learner,
    manager_skills,
    manager_questions,
    manager_decisions,
    manager_exports,
    # Administer
    admin_users,
    admin_teams,
    admin_certificates,
    course_health,
)
