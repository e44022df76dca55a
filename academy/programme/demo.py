"""The demo organisation's programme: a learning path and module assignments (some overdue)
made before the demo's history starts, and the certificates its learners earned by the end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from academy.auth import User
from academy.content.schema import Course
from academy.programme import standing
from academy.programme.paths import load_learning_paths
from academy.store import Assignment, Certificate, Store

# (team, what, days from the demo's "now" to the due date, recertify every N months)
PLAN: tuple[tuple[str, str, int, int | None], ...] = (
    ("Front desk", "path:new-starter", -5, 12),
    ("Field service", "module:service-recovery", 10, None),
    ("Billing", "module:promise-keeping", 2, 12),
)


def assign(
    store: Store, course: Course, teams: Sequence[str], admin: User, now: datetime, *, days_before: int
) -> list[Assignment]:
    """Assign the PLAN to the demo's teams; call it with the store's clock at the demo's start."""
    known = {module.id for module in course.modules}
    paths = load_learning_paths(course)
    made = []
    for team_name, what, due_in, recert in PLAN:
        team = store.team_by_name(team_name)
        if team is None or team_name not in teams:
            continue
        kind, _, name = what.partition(":")
        if kind == "path":
            path = paths.get(name)
            if path is None:
                continue
            modules, title, certificate = list(path.modules), path.title, path.certificate
            path_id: str | None = path.id
        else:
            if name not in known:
                continue
            modules, title, certificate, path_id = [name], course.module(name).title, "path", None
        made.append(
            store.create_assignment(
                actor_id=admin.id,
                title=title,
                modules=modules,
                path_id=path_id,
                certificate="module" if certificate == "module" else "assignment",
                team_id=team.id,
                due_on=(now + timedelta(days=due_in)).date(),
                days_allowed=days_before + due_in,
                recert_months=recert,
            )
        )
    return made


def certify(store: Store, course: Course, learner_ids: Sequence[int], now: datetime) -> list[Certificate]:
    return standing.sync_certificates(store, learner_ids, course, now)
