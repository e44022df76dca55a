"""Assigning, changing and withdrawing, with who may do it.

A manager assigns to the teams they manage, or to chosen learners who are members of
those teams; an administrator to any team or learner. The store records every change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from academy.auth import Role, User
from academy.content.schema import Course
from academy.programme.paths import LearningPath
from academy.store import Assignment, Store
from academy.store.model import StoreError

MAX_TITLE = 200


class AssignError(ValueError):
    """An assignment the rules refuse: the message says what to change."""


def may_assign_team(store: Store, actor: User, team_id: int) -> bool:
    if actor.disabled:
        return False
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.MANAGER and any(team.id == team_id for team in store.teams_managed_by(actor.id))


def may_assign_learner(store: Store, actor: User, learner_id: int) -> bool:
    if actor.disabled or actor.role is Role.LEARNER:
        return False
    if actor.role is Role.ADMIN:
        return True
    return actor.id != learner_id and store.may_view_learner(actor, learner_id)


def may_change(store: Store, actor: User, assignment: Assignment) -> bool:
    """Admins change anything; a manager what was assigned to a team they manage or what they assigned."""
    if actor.disabled or actor.role is Role.LEARNER:
        return False
    if actor.role is Role.ADMIN:
        return True
    if assignment.team_id is not None:
        return may_assign_team(store, actor, assignment.team_id)
    return assignment.created_by == actor.id


def default_title(course: Course, modules: Sequence[str], path: LearningPath | None) -> str:
    if path is not None:
        return path.title
    titles = {module.id: module.title for module in course.modules}
    names = [titles.get(module, module) for module in modules]
    title = names[0] if len(names) == 1 else f"{len(names)} modules: " + ", ".join(names)
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def assign(
    store: Store,
    course: Course,
    actor: User,
    *,
    due_on: date,
    today: date,
    path: LearningPath | None = None,
    modules: Sequence[str] = (),
    team_id: int | None = None,
    learner_ids: Sequence[int] = (),
    days_allowed: int | None = None,
    recert_months: int | None = None,
    title: str | None = None,
) -> Assignment:
    """Check and store one assignment; AssignError says what is wrong, nothing is stored then."""
    if path is not None and modules:
        raise AssignError("assign a learning path or modules, not both")
    chosen = list(path.modules) if path is not None else list(dict.fromkeys(modules))
    if not chosen:
        raise AssignError("choose a learning path or at least one module")
    known = {module.id for module in course.modules}
    missing = [module for module in chosen if module not in known]
    if missing:
        raise AssignError(f"the course has no module {missing[0]!r}")
    if (team_id is None) == (not learner_ids):
        raise AssignError("choose a team or some learners")
    if team_id is not None and not may_assign_team(store, actor, team_id):
        raise AssignError("you may only assign to the teams you manage")
    refused = [learner for learner in learner_ids if not may_assign_learner(store, actor, learner)]
    if refused:
        raise AssignError("you may only assign to members of the teams you manage")
    if due_on < today:
        raise AssignError("the due date is in the past")
    allowed = (due_on - today).days if days_allowed is None else days_allowed
    try:
        return store.create_assignment(
            actor_id=actor.id,
            title=(title or "").strip() or default_title(course, chosen, path),
            modules=chosen,
            path_id=path.id if path is not None else None,
            certificate="module" if path is not None and path.certificate == "module" else "assignment",
            team_id=team_id,
            learner_ids=learner_ids,
            due_on=due_on,
            days_allowed=allowed,
            recert_months=recert_months,
        )
    except StoreError as error:
        raise AssignError(str(error)) from None
